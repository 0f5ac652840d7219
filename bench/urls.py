"""Every portal URL, plus the floor: a view that does nothing, served through the same middleware by
the same gunicorn worker, so each page's time is read as a multiple of the framework's own cost."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from yunfu_legalaid.urls import urlpatterns as portal_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *portal_urlpatterns]
