"""Believe forwarded headers only from trusted proxies, attach the acting person to each
request, answer a refused step with its sentence and status, and forbid third-party content
on our pages."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from torget.refusals import Refusal

from .models import Person


def _person_for(request: HttpRequest) -> Person | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return (
        Person.objects.select_related("organisation", "unit")
        .prefetch_related("role_assignments")
        .filter(user=user)
        .first()
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    ip = _address(address)
    return ip is not None and any(
        ip in network for network in settings.TORGET_TRUSTED_PROXY_NETWORKS
    )


class TrustedProxyMiddleware:
    """X-Forwarded-Proto and X-Forwarded-For are believed only from TORGET_TRUSTED_PROXIES.

    From a trusted proxy, REMOTE_ADDR becomes the client it forwarded for (the right-most
    address in X-Forwarded-For that is not itself a trusted proxy), so that login throttling
    and the logs see the real client. From anyone else both headers are dropped: a client
    cannot claim HTTPS or another address by sending them itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if _trusted(meta.get("REMOTE_ADDR", "")):
            forwarded = [
                str(ip)
                for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if (ip := _address(a)) is not None
            ]
            client = next((a for a in reversed(forwarded) if not _trusted(a)), None)
            if client is None and forwarded:
                client = forwarded[0]
            if client is not None:
                meta["REMOTE_ADDR"] = client
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


class PersonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.person = SimpleLazyObject(lambda: _person_for(request))
        return self.get_response(request)


class RefusalMiddleware:
    """Every `Refusal` a page lets through becomes a page that says why, with its status
    (400, 403 or 409): the one place pages handle the domain's "no"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refusal):
            return None
        return render(
            request,
            "refused.html",
            {"refusal": exception, "sentence": exception.sentence, "back": _back(request)},
            status=exception.status,
        )


def _back(request: HttpRequest) -> str:
    """Where "back" goes: the page the person came from, when it is one of ours."""
    referer = request.headers.get("referer", "")
    origin = f"{request.scheme}://{request.get_host()}/"
    if referer.startswith(origin):
        return referer
    return ""


# Our pages load nothing from anyone else: no CDN, no fonts, no trackers (GDPR, PRODUCT.md R2).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = CONTENT_SECURITY_POLICY
        if request.path.startswith("/api/docs"):
            # Swagger UI (served from our own static files) sets inline styles.
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "interest-cohort=()")
        return response
