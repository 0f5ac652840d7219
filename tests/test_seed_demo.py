from django.core.management import call_command

from accounts.models import Office, Role, User
from tests.support import late_in_the_year


def test_seed_demo_creates_every_demo_user_idempotently(db, capsys):
    call_command("seed_demo", password="demo-pass-2026")
    call_command("seed_demo", password="demo-pass-2026")
    expected = {"admin", "city"}
    expected |= {f"{kind}-{office.slug}" for office in Office.objects.all() for kind in ("clerk", "reviewer", "bureau")}
    expected |= {f"lawyer-{n}" for n in range(1, 13)} | {f"peer-{n}" for n in range(1, 5)}
    assert set(User.objects.values_list("username", flat=True)) == expected

    luoding_clerk = User.objects.get(username="clerk-luoding")
    assert luoding_clerk.office.name == "罗定市法律援助处"
    assert luoding_clerk.roles == {Role.CLERK}
    assert luoding_clerk.check_password("demo-pass-2026")
    # 法律援助法 第四十九条: each office's 司法局 has its own 司法局审核人.
    luoding_bureau = User.objects.get(username="bureau-luoding")
    assert luoding_bureau.roles == {Role.BUREAU_REVIEWER} and luoding_bureau.office.slug == "luoding"
    assert luoding_bureau.decides_objections_of(luoding_clerk.office_id)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="city").sees_all_offices
    # Handlers cover every county; peer reviewers come from four different counties.
    lawyer_offices = set(User.objects.filter(username__startswith="lawyer-").values_list("office__slug", flat=True))
    assert {"yuncheng", "yunan", "luoding", "xinxing", "yunnan"} <= lawyer_offices
    peer_offices = User.objects.filter(username__startswith="peer-").values_list("office__slug", flat=True)
    assert len(set(peer_offices)) == 4
    assert "clerk-luoding" in capsys.readouterr().out


def test_the_demo_counts_what_the_product_counts(db):
    """The demo writes in bulk but adds to the monthly aggregate through the same tally functions as
    the services: what it stores is what the events count afresh (issue 14)."""
    from tallies.models import MonthlyTally
    from tests.reporting.factories import recounted_tallies, stored_tallies

    with late_in_the_year():
        call_command("seed_demo", password="demo-pass-2026")
    years = {month.year for month in MonthlyTally.objects.values_list("month", flat=True)}
    stored = stored_tallies()
    assert len(stored) > 100 and stored == recounted_tallies(*years)


def test_the_demo_on_new_years_day_is_small_and_consistent(db):
    """On 1 January the demo year has barely begun: the applications of that morning, none decided
    or received later than now — and what it stores is still what the product counts."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from applications.models import Application, Status
    from tallies.models import MonthlyTally
    from tests.reporting.factories import recounted_tallies, stored_tallies

    new_years_morning = datetime(2027, 1, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(new_years_morning, tick=False):
        call_command("seed_demo", password="demo-pass-2026")
    assert Application.objects.exists()
    assert not Application.objects.filter(received_at__gt=new_years_morning).exists()
    assert not Application.objects.filter(status__in=[Status.APPROVED, Status.REFUSED]).exists()
    years = {month.year for month in MonthlyTally.objects.values_list("month", flat=True)} or {2027}
    assert stored_tallies() == recounted_tallies(*years)


def test_the_demo_stores_every_due_date_as_the_product_does(db):
    """The demo writes cases, applications and their 补正 notices in bulk, with the due dates the
    product stores as each event happens (the dashboard reads them, issue 14): each case clock that
    runs is due on the day the day counter gives, a stopped one has none, and each open application's
    decision date is its review clock as it stands today."""
    from functools import cache

    from django.utils import timezone

    from applications.models import OPEN_STATUSES, Application, review_due_dates
    from cases.models import CLOCKS, Case
    from deadlines import calendar

    add_days = cache(calendar.add_days)  # a query each: the demo's cases share a few hundred starts
    with late_in_the_year():
        call_command("seed_demo", password="demo-pass-2026")
    cases = list(Case.objects.all())
    assert len(cases) > 100
    for clock in CLOCKS:
        running = [case for case in cases if clock.runs_for(case)]
        assert running, clock.label
        for case in running:
            assert getattr(case, clock.due_on) == add_days(getattr(case, clock.starts_on), clock.days), (
                case.number,
                clock.label,
            )
        stopped = [case for case in cases if getattr(case, clock.starts_on) is not None and not clock.runs_for(case)]
        assert stopped, clock.label
        assert all(getattr(case, clock.due_on) is None for case in cases if not clock.runs_for(case))

    still_open = list(Application.objects.filter(status__in=OPEN_STATUSES).prefetch_related("supplement_requests"))
    assert len(still_open) > 10
    with late_in_the_year():
        computed = review_due_dates(still_open, today=timezone.localdate())
    assert {a.number: a.decision_due_on for a in still_open} == {a.number: computed[a.pk] for a in still_open}
    assert any(a.decision_due_on is None for a in still_open)  # waiting for 补正: the clock is stopped
