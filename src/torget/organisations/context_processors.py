"""What every page knows: the acting person, and whether this server is the demo."""

from django.conf import settings
from django.http import HttpRequest


def person(request: HttpRequest) -> dict:
    return {"person": getattr(request, "person", None)}


def demo(request: HttpRequest) -> dict:
    """`torget run` sets TORGET_DEMO when it serves the demo: every page then says so."""
    return {"torget_demo": settings.TORGET_DEMO}
