import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_clerk_signs_in_and_sees_their_office(page, make_user):
    make_user("clerk-luoding", Role.CLERK, office="luoding")
    sign_in(page, "clerk-luoding")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_test_id("office-name")).to_have_text("罗定市法律援助处")


def test_wrong_password_shows_a_chinese_error(page, make_user):
    make_user("clerk-luoding", Role.CLERK, office="luoding")
    sign_in(page, "clerk-luoding", "not-the-password")
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_landing_page_lists_the_six_offices_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.locator(".office-card")).to_have_count(6)
    expect(page.get_by_text("郁南县法律援助处")).to_be_visible()
