"""View guards: a logged-in person who belongs to an organisation."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .access import RoleRequired


def person_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.person is None:
            raise RoleRequired(_("Your account is not connected to an organisation."))
        return view(request, *args, **kwargs)

    return wrapper
