from accounts.models import Role
from tests.permissions import Persona, StaffUrl, roles

REPORT_READERS = roles(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)


def city_only(persona: Persona) -> int:
    """City staff and the administrator; every other signed-in user 403."""
    if persona.is_anonymous:
        return 302
    return 200 if persona.key in ("admin", "city") else 403


def county_reporters(persona: Persona) -> int:
    """提交月报: clerks and reviewers of the five county offices (an empty form answers 200 with its
    errors); the city office does not report to itself, nor does the office-less administrator."""
    if persona.is_anonymous:
        return 302
    if persona.role in (Role.CLERK, Role.REVIEWER) and persona.office != "city":
        return 200
    return 403


def city_changes_the_rules(persona: Persona) -> int:
    """计入民生实事事项, posted empty: city staff and the administrator get the form back with its errors."""
    if persona.is_anonymous:
        return 302
    return 400 if persona.key in ("admin", "city") else 403


def submitted_luoding_sheet(personas) -> str:
    from reporting.selectors import Period
    from reporting.services import submit_monthly_sheet

    clerk = personas[(Role.CLERK, "luoding")]
    submit_monthly_sheet(
        office=clerk.office, period=Period(2026, 5), progress="推进", funding="资金", problems="无", by=clerk
    )
    return "/reports/2026/5/445381/return/"


ROWS = [
    StaffUrl("reports-dashboard", "/reports/", REPORT_READERS),
    StaffUrl("reports-month", "/reports/2026/5/", REPORT_READERS),
    StaffUrl("reports-download", "/reports/2026/5/download/", REPORT_READERS),
    StaffUrl("reports-targets", "/reports/targets/2026/", city_only),
    StaffUrl("reports-counting", "/reports/counting/", REPORT_READERS),
    StaffUrl("reports-counting-post", "/reports/counting/", city_changes_the_rules, method="post"),
    StaffUrl("reports-submit", "/reports/2026/5/submit/", county_reporters, method="post"),
    # An empty reason: city staff get the form back with its error (200), nothing changes.
    StaffUrl("reports-return", submitted_luoding_sheet, city_only, method="post"),
]
