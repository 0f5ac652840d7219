"""Middleware the whole portal shares: no caching of personal data, and a cap on request bodies."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from core.uploads import size_label

# The only page that may be kept by a browser or a proxy: the public landing page, for visitors who
# are not signed in (a signed-in user's page names them). Static files never reach this middleware
# (WhiteNoise, listed before it, answers them).
CACHEABLE_VIEWS = frozenset({"portal:home"})

# What a form with the most and largest files allowed may add around them (fields, multipart headers).
FORM_ALLOWANCE = 1024 * 1024


class NoStoreMiddleware:
    """Every response may carry personal data (an application, a case, a letter, an upload, the
    xlsx, a status lookup), so none is stored by the browser, a shared computer's cache or a proxy:
    `Cache-Control: no-store` (with Django's other never-cache headers) and `Pragma: no-cache` for
    HTTP/1.0 caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _cacheable(request):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


def _cacheable(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return match is not None and match.view_name in CACHEABLE_VIEWS and user is not None and not user.is_authenticated


class RequestSizeLimitMiddleware:
    """Refuse a body larger than any acceptable upload form before reading it (413): the per-request
    limits are checked again, by the field, once a smaller body has been read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES + FORM_ALLOWANCE:
            return render(
                request, "413.html", {"limit": size_label(settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES)}, status=413
            )
        return self.get_response(request)
