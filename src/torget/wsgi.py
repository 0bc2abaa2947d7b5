"""WSGI entry point for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
application = get_wsgi_application()

# The search lexicons take seconds to load: load them while the server starts, not on the
# first search.
import threading  # noqa: E402

from torget.archive.text import preload  # noqa: E402

threading.Thread(target=preload, name="search-lexicons", daemon=True).start()
