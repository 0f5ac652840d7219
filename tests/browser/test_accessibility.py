"""Accessibility in CI (issue 13 §4): axe-core finds no critical or serious violation on the pages
citizens and staff use most, at a desktop and a phone width."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.models import Role
from applications import services
from cases.models import CaseState
from tests.applications.factories import service_data
from tests.cases.factories import make_case
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
BLOCKING = {"critical", "serious"}
AXE = Axe()


def blocking_violations(page) -> list[str]:
    """Each critical or serious violation with the elements it names (enough to find and fix it)."""
    results = AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
            found.append(f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — {targets}")
    return found


def check_at_both_widths(page, path: str | None = None, *, then=None) -> list[str]:
    found = []
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        if path is not None:
            page.goto(path)
        if then is not None:
            then()
        found += blocking_violations(page)
    return found


def test_citizen_pages_have_no_serious_violations(page):
    application = services.submit_application(data=service_data(), uploads={}, receiving_office=None)
    found = []
    for path in ("/", "/apply/", "/track/"):
        found += check_at_both_widths(page, path)
    # The form after a bad submit: every error message by its field.
    found += check_at_both_widths(page, "/apply/", then=lambda: page.get_by_role("button", name="提交申请").click())

    def look_up() -> None:
        page.goto("/track/")
        page.get_by_label("申请编号").fill(application.number)
        page.get_by_label("身份证号后六位").fill(application.id_number[-6:])
        page.get_by_role("button", name="查询").click()
        page.wait_for_url("**/track/status/")

    found += check_at_both_widths(page, then=look_up)
    # 大字版 (its button's pressed look too).
    page.get_by_role("button", name="大字版").click()
    found += check_at_both_widths(page, "/apply/")
    assert not found, "\n".join(found)


def test_staff_pages_have_no_serious_violations(page, personas):
    case = make_case(personas, office="luoding", state=CaseState.IN_PROGRESS)
    pending = services.submit_application(data=service_data(), uploads={}, receiving_office=None)
    found = []
    sign_in(page, personas[(Role.REVIEWER, "luoding")].username)
    for path in (
        "/staff/applications/",
        f"/staff/applications/{pending.pk}/",
        f"/staff/applications/{case.application.pk}/",
        f"/staff/cases/{case.pk}/",
    ):
        found += check_at_both_widths(page, path)
    # The confirmation step of 准予 (nothing is decided: 返回 leaves it pending).
    found += check_at_both_widths(
        page,
        f"/staff/applications/{pending.pk}/",
        then=lambda: page.get_by_role("button", name="准予法律援助").click(),
    )
    page.context.clear_cookies()
    sign_in(page, personas[(Role.CLERK, "yuncheng")].username)
    for path in ("/staff/applications/new/", "/staff/applications/supplement-drop/"):
        found += check_at_both_widths(page, path)
    page.context.clear_cookies()
    sign_in(page, "city")
    # The dashboard, one of its sections' own page, and the subsidies list with a filter said wrong.
    for path in ("/reports/", "/staff/", "/staff/due/soon/", "/staff/quality/subsidies/?year=abc&month=13"):
        found += check_at_both_widths(page, path)
    assert not found, "\n".join(found)
