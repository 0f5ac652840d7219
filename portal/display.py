"""大字版 (适老化): larger text and controls, chosen once and kept in a cookie.

The server reads the cookie and renders the class on <html>, so a page never flashes at the small size
first, and no script is needed (the CSP allows no inline script)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

LARGE_TEXT_COOKIE = "large_text"
ONE_YEAR = 365 * 24 * 60 * 60


def large_text_on(request: HttpRequest) -> bool:
    return request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"


def display(request: HttpRequest) -> dict[str, bool]:
    """Context processor: whether this browser asked for 大字版."""
    return {"large_text": large_text_on(request)}


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """The 大字版 button: sets or clears the cookie and goes back to the page it was pressed on."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("portal:home")
    response = redirect(back)
    if request.POST.get("large") == "1":
        response.set_cookie(
            LARGE_TEXT_COOKIE,
            "1",
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,  # only the server reads it
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response
