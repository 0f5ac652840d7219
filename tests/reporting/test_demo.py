import random
from datetime import date

from accounts.demo import create_demo_users
from applications import demo as applications_demo
from applications.models import Application, Status
from core.models import NumberSequence


def test_demo_year_is_realistic_and_idempotent(db):
    create_demo_users(password="demo-pass-2026")  # the demo users the applications name
    lines: list[str] = []
    applications_demo.seed(rng=random.Random(2026), today=date(2026, 11, 28), log=lines.append)
    approved = Application.objects.filter(status=Status.APPROVED).count()
    assert 1500 <= approved <= 2000  # with notices and 法律帮助, on pace for 3000 counted matters
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    numbers = sorted(Application.objects.values_list("number", flat=True))
    assert numbers[0] == "YF-2026-000001" and numbers[-1] == f"YF-2026-{len(numbers):06d}"
    assert NumberSequence.objects.get(kind="application", year=2026).last_value == len(numbers)
    assert any("[" in line for line in lines)
    applications_demo.seed(rng=random.Random(2026), today=date(2026, 11, 28), log=lines.append)
    assert Application.objects.count() == len(numbers)


def test_demo_sheets_show_every_status(db):
    from accounts.models import Office
    from reporting import demo as reporting_demo
    from reporting.models import AnnualTarget
    from reporting.selectors import SubmissionState, build_monthly_report

    create_demo_users(password="demo-pass-2026")
    today = date(2026, 11, 28)
    applications_demo.seed(rng=random.Random(2026), today=today, log=lambda line: None)
    reporting_demo.seed(rng=random.Random(2026), today=today, log=lambda line: None)
    reporting_demo.seed(rng=random.Random(2026), today=today, log=lambda line: None)  # idempotent
    annual = AnnualTarget.objects.get(year=2026)
    assert annual.city_target == sum(annual.offices.values_list("target", flat=True)) == 3000

    states = {}
    for month in range(1, 11):
        report = build_monthly_report(offices=Office.objects.all(), year=2026, month=month, today=today)
        for row in report.county_rows:
            states.setdefault(row.submission_state, []).append((row.office.slug, month))
    assert states[SubmissionState.MISSING] == [("yunnan", 10)]
    # Returned for correction and not sent again by 2 November: flagged to the city.
    assert states[SubmissionState.RETURNED_OVERDUE] == [("yuncheng", 10)]
    assert sorted(states[SubmissionState.LATE]) == [("xinxing", 7), ("yunan", 3)]
    assert len(states[SubmissionState.ON_TIME]) == 50 - 4
