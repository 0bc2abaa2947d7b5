"""Links that leave the browser (e-mails, documents) need the whole address, host and all."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args: object) -> str:
    """The full address of a named page: `absolute_url("inbox")`, at `TORGET_BASE_URL`."""
    base = getattr(settings, "TORGET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse(name, args=args or None)
