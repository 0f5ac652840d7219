"""The pages a visitor sees when something goes wrong, and the site's icon (issue 13 §4)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path

from yunfu_legalaid.urls import urlpatterns as site_urls


def broken_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken_view), *site_urls]


@pytest.mark.urls(__name__)
def test_server_error_page_is_in_chinese_and_needs_no_context(db, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统暂时出错" in html
    assert "12348" in html
    assert '<html lang="zh-CN">' in html
    assert "Server Error" not in html


def test_favicon_is_linked_and_served(client, db):
    home = client.get("/").content.decode()
    assert 'rel="icon"' in home
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # the ICO header
