"""The HTTP API (django-ninja, OpenAPI at /api/docs). Every call is authenticated and scoped to
the caller's organisation: by session (the browser) or by a personal token (`Authorization:
Bearer tg_...`, made with `torget apitoken`)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from torget.archive.api import router as archive_router
from torget.channels.api import router as channels_router
from torget.organisations.models import Person
from torget.organisations.services import api_token_authenticate
from torget.refusals import FORBIDDEN, Refusal


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = api_token_authenticate(token)
        if person is not None:
            request.person = person
        return person


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; read-only calls need no CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        if request.user.is_authenticated and request.person is not None:
            return request.person
        return None


api = NinjaAPI(
    title="Torget API",
    version="1",
    description=__doc__,
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/channels", channels_router)
api.add_router("/records", archive_router)


@api.exception_handler(Refusal)
def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The one place the API says "no": the refusal's sentence, with its status."""
    return api.create_response(request, {"detail": refusal.sentence}, status=refusal.status)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=FORBIDDEN)
