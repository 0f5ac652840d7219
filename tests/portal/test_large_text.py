"""大字版 (issue 13 §4): one button on every page sets a cookie; the server renders the larger size from
it, so there is no flash and no script."""

import re

import pytest
from playwright.sync_api import expect

from portal.display import LARGE_TEXT_COOKIE


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def test_large_text_button_sets_the_cookie_and_returns_to_the_page(client, db):
    response = client.post("/text-size/", {"large": "1", "next": "/apply/"})
    assert response.status_code == 302 and response["Location"] == "/apply/"
    cookie = response.cookies[LARGE_TEXT_COOKIE]
    assert cookie.value == "1" and cookie["httponly"] and cookie["max-age"] == 365 * 24 * 60 * 60
    page = client.get("/apply/").content.decode()
    assert 'class="large-text"' in html_tag(page)
    assert 'aria-pressed="true"' in page


def test_large_text_is_turned_off_again(client, db):
    client.post("/text-size/", {"large": "1", "next": "/"})
    response = client.post("/text-size/", {"large": "0", "next": "/track/"})
    assert response.cookies[LARGE_TEXT_COOKIE].value == ""
    page = client.get("/track/").content.decode()
    assert "large-text" not in html_tag(page)
    assert 'aria-pressed="false"' in page


@pytest.mark.parametrize("target", ["https://example.com/", "//example.com/", "javascript:alert(1)"])
def test_large_text_never_sends_the_browser_elsewhere(client, db, target):
    assert client.post("/text-size/", {"large": "1", "next": target})["Location"] == "/"


def test_large_text_is_post_only(client, db):
    assert client.get("/text-size/").status_code == 405


def test_citizen_pages_carry_no_inline_script(client, db):
    for path in ("/", "/apply/", "/track/"):
        page = client.get(path).content.decode()
        assert 'data-testid="large-text-toggle"' in page
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_large_text_scales_text_and_controls_in_the_browser(page):
    page.goto("/apply/")
    size = page.locator("html").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    field = page.get_by_label("申请人姓名").bounding_box()["height"]
    page.get_by_role("button", name="大字版").click()
    expect(page.locator("html")).to_have_class("large-text")
    assert page.url.endswith("/apply/")
    assert page.locator("html").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= size * 1.2
    assert page.get_by_label("申请人姓名").bounding_box()["height"] > field * 1.15
    page.goto("/track/")
    expect(page.locator("html")).to_have_class("large-text")
    expect(page.get_by_role("button", name="大字版")).to_have_attribute("aria-pressed", "true")
