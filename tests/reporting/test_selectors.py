"""The figures of the monthly sheet: counting rules, time zones, overdue reviews, medians, queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Office, Role
from applications import services as application_services
from deadlines import calendar
from reporting.models import AnnualTarget, OfficeTarget
from reporting.selectors import (
    Period,
    SubmissionState,
    _overdue_at,
    _overdue_today,
    build_monthly_report,
    pace,
    submission_deadline,
)
from tests.reporting.factories import approve, approved, local, receive, refuse

TODAY = date(2026, 11, 28)


def report(month: int, *, offices=None, today: date = TODAY):
    return build_monthly_report(offices=offices or Office.objects.all(), year=2026, month=month, today=today)


def by_slug(rep):
    return {row.office.slug: row for row in rep.rows}


def test_matters_count_in_the_month_of_approval_for_the_responsible_office(personas):
    # Received in April at 罗定 for 云城, approved in May: one May matter for 云城, none for 罗定.
    approved(
        received_on=date(2026, 4, 28),
        decided_on=date(2026, 5, 6),
        responsible="yuncheng",
        at="luoding",
        personas=personas,
    )
    approved(
        received_on=date(2026, 5, 6),
        decided_on=date(2026, 5, 8),
        responsible="luoding",
        at="luoding",
        personas=personas,
    )
    refuse(
        receive(local(date(2026, 5, 7)), responsible="luoding", at="luoding", personas=personas),
        date(2026, 5, 9),
        personas,
    )

    may = by_slug(report(5))
    assert may["yuncheng"].matters_month == 1
    assert may["luoding"].matters_month == 1  # the refusal does not count
    assert by_slug(report(4))["yuncheng"].matters_month == 0
    assert report(5).total.by_month == [0, 0, 0, 0, 2]
    assert report(6).total.matters_ytd == 2


def test_received_and_cross_county_use_local_time(personas):
    # 23:30 on 31 May in 云浮 is 15:30 UTC: May. 00:30 on 1 June is 16:30 UTC on 31 May: June.
    receive(local(date(2026, 5, 31), 23, 30), responsible="xinxing", at="luoding", personas=personas)
    receive(local(date(2026, 6, 1), 0, 30), responsible="luoding", at="luoding", personas=personas)
    receive(local(date(2026, 5, 10)), responsible="luoding", at=None, personas=personas)  # online: no counter

    may, june = by_slug(report(5)), by_slug(report(6))
    assert (may["luoding"].received, may["luoding"].cross_out, may["xinxing"].routed_in) == (1, 1, 1)
    assert (june["luoding"].received, june["luoding"].cross_out) == (1, 0)
    assert may["luoding"].routed_in == 0
    assert report(5).total.received == 1


def test_median_days_from_receipt_to_decision(personas):
    for received_on, decided_on in [(1, 2), (1, 4), (4, 11)]:  # 1, 3 and 7 days
        approved(
            received_on=date(2026, 5, received_on),
            decided_on=date(2026, 5, decided_on),
            responsible="yunan",
            at="yunan",
            personas=personas,
        )
    approved(
        received_on=date(2026, 5, 4),
        decided_on=date(2026, 5, 6),
        responsible="xinxing",
        at="xinxing",
        personas=personas,
    )
    approved(
        received_on=date(2026, 5, 4),
        decided_on=date(2026, 5, 11),
        responsible="xinxing",
        at="xinxing",
        personas=personas,
    )

    may = report(5)
    rows = by_slug(may)
    assert rows["yunan"].median_days == Decimal("3.0")
    assert rows["xinxing"].median_days == Decimal("4.5")  # even count: the mean of the middle two (2 and 7)
    assert rows["luoding"].median_days is None
    assert may.total.median_days == Decimal("3.0")  # of 1, 2, 3, 7, 7


def test_reviews_overdue_at_month_end(personas):
    # Received 20 May: day 7 is 27 May, before 31 May → overdue at the end of May (still undecided).
    late = receive(local(date(2026, 5, 20)), responsible="luoding", at="luoding", personas=personas)
    # Received 26 May: due 2 June → not overdue at the end of May.
    receive(local(date(2026, 5, 26)), responsible="luoding", at="luoding", personas=personas)
    # Received 14 May, 补正 14–19 May (5 days paused): due 26 May → overdue at 31 May.
    paused = receive(local(date(2026, 5, 14)), responsible="yunnan", at="yunnan", personas=personas)
    clerk = personas[(Role.CLERK, "yunnan")]
    with time_machine.travel(local(date(2026, 5, 14), 16), tick=False):
        application_services.request_supplement(paused, items=["病历"], note="", by=clerk, today=date(2026, 5, 14))
    from tests.applications.factories import pdf

    with time_machine.travel(local(date(2026, 5, 19), 16), tick=False):
        application_services.receive_supplement(paused, files=[pdf()], by=clerk, today=date(2026, 5, 19))
        application_services.confirm_supplement(paused, by=clerk, today=date(2026, 5, 19))
    # Received 18 May, 补正 18–23 May: day 7 + 5 is Saturday 30 May, which rolls to Monday 1 June.
    rolled = receive(local(date(2026, 5, 18)), responsible="yunnan", at="yunnan", personas=personas)
    with time_machine.travel(local(date(2026, 5, 18), 16), tick=False):
        application_services.request_supplement(rolled, items=["病历"], note="", by=clerk, today=date(2026, 5, 18))
    with time_machine.travel(local(date(2026, 5, 23), 16), tick=False):
        application_services.receive_supplement(rolled, files=[pdf()], by=clerk, today=date(2026, 5, 23))
        application_services.confirm_supplement(rolled, by=clerk, today=date(2026, 5, 23))
    assert rolled.review_due_on(today=date(2026, 5, 31)) == date(2026, 6, 1)
    # Received 22 May, still waiting for 补正 at month end: the clock is stopped → not overdue.
    waiting = receive(local(date(2026, 5, 22)), responsible="yunnan", at="yunnan", personas=personas)
    with time_machine.travel(local(date(2026, 5, 23), 16), tick=False):
        application_services.request_supplement(waiting, items=["病历"], note="", by=clerk, today=date(2026, 5, 23))

    may = by_slug(report(5))
    assert may["luoding"].overdue == 1
    assert may["yunnan"].overdue == 1
    # While May runs, the figure comes from the deadline stored with each application (what the
    # dashboard's lines read): the same as recomputing every candidate's deadline that day.
    on_30_may = report(5, today=date(2026, 5, 30))
    assert (by_slug(on_30_may)["luoding"].overdue, by_slug(on_30_may)["yunnan"].overdue) == (1, 1)
    # (A stored deadline is as of the last event that moved it — here 23 May — so it answers for any
    # day since, as "today" always is.)
    office_ids = list(Office.objects.values_list("pk", flat=True))
    for day in (date(2026, 5, 24), date(2026, 5, 27), date(2026, 5, 28), date(2026, 5, 30)):
        assert _overdue_today(day, office_ids) == _overdue_at(day, office_ids), day
    # Decided in June: still counted as overdue at the end of May (the figure is as of month end)...
    approve(late, date(2026, 6, 3), personas)
    assert by_slug(report(5))["luoding"].overdue == 1
    # ...but not at the end of June.
    assert by_slug(report(6))["luoding"].overdue == 1  # the 26 May one, never decided


def test_while_the_month_runs_overdue_and_pace_stand_at_today_not_its_end(personas):
    """On 10 May, an application received on 1 May (due 8 May) is overdue; one received on 5 May is
    due on 12 May — overdue by the month's end if nobody decides it, but not yet: the running month's
    column says 截至5月10日 and counts one. The month over, it counts both at 月末."""
    receive(local(date(2026, 5, 1)), responsible="luoding", at="luoding", personas=personas)
    receive(local(date(2026, 5, 5)), responsible="luoding", at="luoding", personas=personas)
    running = report(5, today=date(2026, 5, 10))
    assert by_slug(running)["luoding"].overdue == running.total.overdue == 1
    assert running.overdue_heading == "截至5月10日逾期未审查"
    # The pace too stands at today: 130 of the year's 365 days, not May's 151.
    assert running.as_of_words == "5月10日"
    assert running.total.pace == pace(running.total.target, Period(2026, 5), on=date(2026, 5, 10))
    assert running.total.pace < pace(running.total.target, Period(2026, 5))
    over = report(5, today=date(2026, 6, 2))
    assert by_slug(over)["luoding"].overdue == 2
    assert over.overdue_heading == "月末逾期未审查"
    assert over.as_of_words == "5月底" and over.total.pace == pace(over.total.target, Period(2026, 5))
    # A month not begun has nothing overdue in it.
    assert report(6, today=date(2026, 5, 10)).total.overdue == 0


def test_targets_completion_and_pace(personas):
    rows = by_slug(report(5))
    assert rows["luoding"].target == 1000 and report(5).total.target == 3000  # the default split
    annual = AnnualTarget.objects.create(year=2026, city_target=3650)
    for office in Office.objects.all():
        OfficeTarget.objects.create(annual=annual, office=office, target=365 if office.slug != "luoding" else 1825)
    approved(
        received_on=date(2026, 1, 5),
        decided_on=date(2026, 1, 6),
        responsible="luoding",
        at="luoding",
        personas=personas,
    )
    jan = report(1)
    luoding = by_slug(jan)["luoding"]
    assert luoding.target == 1825
    assert luoding.pace == Decimal("155.0")  # 1825 × 31/365
    assert jan.total.pace == Decimal("310.0")
    assert luoding.completion == Decimal("0.1")
    assert pace(3000, Period(2026, 12)) == Decimal("3000.0")


def test_submission_deadline_is_the_second_rolled_over_holidays(db):
    assert submission_deadline(Period(2026, 5)) == date(2026, 6, 2)
    assert submission_deadline(Period(2026, 7)) == date(2026, 8, 3)  # 2 August is a Sunday
    assert submission_deadline(Period(2026, 9)) == date(2026, 10, 8)  # 国庆 holiday


def test_submission_states(personas):
    rows = by_slug(report(5, today=date(2026, 6, 2)))
    assert rows["city"].submission_state == SubmissionState.NOT_REQUIRED
    assert rows["luoding"].submission_state == SubmissionState.NOT_DUE
    rows = by_slug(report(5, today=date(2026, 6, 3)))
    assert rows["luoding"].submission_state == SubmissionState.MISSING
    assert rows["luoding"].submission_flagged


# Queries: offices 1, office count 1, annual target 1, what counts 3 (the forms of legal aid, their
# rules, the monthly aggregate: the forms' figures, received, 通办 out and in, approvals by economic
# basis, cases closed, peer reviews, follow-ups, subsidies), the medians (per office and overall: the
# month's decision days) 1, overdue 3 (candidates, their 补正 requests, one calendar; 1 while the
# month runs: the stored deadlines), publicity 1, duty subsidies 1, submissions 1, holiday overrides
# for the submission deadline 1.
BUILDER_QUERIES = 14


@pytest.mark.parametrize("applications", [1, 12])
def test_builder_runs_a_fixed_number_of_queries(personas, django_assert_num_queries, applications):
    slugs = ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
    for index in range(applications):
        responsible, at = slugs[index % 6], slugs[(index + 1) % 6]
        approved(
            received_on=date(2026, 5, 4) + timedelta(days=index % 5),
            decided_on=date(2026, 5, 12),
            responsible=responsible,
            at=at,
            personas=personas,
        )
    receive(local(date(2026, 5, 4)), responsible="luoding", at="luoding", personas=personas)
    with django_assert_num_queries(BUILDER_QUERIES):
        rep = build_monthly_report(offices=Office.objects.all(), year=2026, month=5, today=TODAY)
        rep.total.matters_ytd  # noqa: B018 — everything is computed by now
    assert rep.total.matters_month == applications


def test_a_past_month_reads_the_same_whenever_it_is_asked_for(personas):
    from reporting.xlsx import office_row_values

    approved(
        received_on=date(2026, 5, 4), decided_on=date(2026, 5, 6), responsible="luoding", at="yunan", personas=personas
    )
    pending = receive(local(date(2026, 5, 20)), responsible="luoding", at="luoding", personas=personas)

    def may(today: date) -> list[list]:
        rep = report(5, today=today)
        return [office_row_values(rep, row)[:-1] for row in [*rep.rows, rep.total]]  # all but the sheet's status

    before = may(date(2026, 6, 1))
    # June happens: May's overdue application is decided, new ones arrive and are approved.
    approve(pending, date(2026, 6, 2), personas)
    approved(
        received_on=date(2026, 6, 1),
        decided_on=date(2026, 6, 3),
        responsible="luoding",
        at="yuncheng",
        personas=personas,
    )
    assert may(date(2026, 11, 28)) == before
    assert by_slug(report(5))["luoding"].overdue == 1


def test_quality_figures_reach_the_report(personas):
    """A settled peer review, a follow-up and a publicity activity in May appear in May's figures."""
    from quality.models import PublicityActivity
    from quality.services import follow_up
    from tests.quality.factories import closed_case

    case = closed_case(personas, office="luoding", closed_on=date(2026, 5, 12))
    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        follow_up.record_follow_up(
            case=case,
            contacted_on=date(2026, 5, 20),
            channel="phone",
            satisfaction="satisfied",
            by=personas[(Role.CLERK, "luoding")],
        )
    PublicityActivity.objects.create(
        office=case.office,
        held_on=date(2026, 5, 8),
        place="罗城街道",
        form="lecture",
        people_reached=120,
        materials_handed_out=300,
        recorded_by=personas[(Role.CLERK, "luoding")],
    )
    rows = by_slug(report(5, today=date(2026, 6, 10)))
    luoding = rows["luoding"].modules
    assert (luoding["cases_closed"], luoding["follow_ups"], luoding["satisfaction"]) == (1, 1, Decimal("100.0"))
    assert (luoding["publicity_events"], luoding["people_reached"]) == (1, 120)
    assert rows["yunnan"].modules["satisfaction"] is None


# --- overdue at month end follows the review deadline of the day-counting module -------------------
def test_a_deadline_on_a_weekend_rolls_forward_past_month_end(personas):
    # Received Saturday 23 May: day 7 is Saturday 30 May, the deadline Monday 1 June (第二百零三条).
    application = receive(local(date(2026, 5, 23)), responsible="luoding", at="luoding", personas=personas)
    assert application.review_due_on(today=date(2026, 5, 31)) == date(2026, 6, 1)
    assert by_slug(report(5))["luoding"].overdue == 0
    assert by_slug(report(6))["luoding"].overdue == 1  # still undecided at the end of June


def test_overdue_counts_in_working_days_when_the_setting_says_so(personas, settings):
    # Received Thursday 21 May: 7 calendar days end on 28 May (overdue at 31 May); 7 working days
    # (22, 25, 26, 27, 28, 29 May, 1 June) end on 1 June (not yet).
    application = receive(local(date(2026, 5, 21)), responsible="xinxing", at="xinxing", personas=personas)
    assert by_slug(report(5))["xinxing"].overdue == 1
    settings.LEGALAID_COUNT_WORKING_DAYS = True
    assert application.review_due_on(today=date(2026, 5, 31)) == date(2026, 6, 1)
    assert by_slug(report(5))["xinxing"].overdue == 0


def test_lal_44_urgent_aid_is_overdue_only_by_its_real_review_date(personas):
    # 先行提供 on 28 May: the 第四十三条 review still runs to 3 June, so it is NOT overdue at 31 May
    # (it used to count as due the day it was marked); undecided, it is overdue at the end of June.
    urgent = receive(local(date(2026, 5, 27)), responsible="yunan", at="yunan", personas=personas)
    reviewer = personas[(Role.REVIEWER, "yunan")]
    with time_machine.travel(local(date(2026, 5, 28), 9), tick=False):
        application_services.mark_urgent(urgent, ground="deadline", by=reviewer)
    assert by_slug(report(5))["yunan"].overdue == 0
    assert by_slug(report(6))["yunan"].overdue == 1


def test_a_past_month_keeps_an_application_that_left_the_queue_later(personas):
    # Overdue at the end of May, decided (late) in June: May still counts it (closed_on is after
    # May), June does not.
    application = receive(local(date(2026, 5, 4)), responsible="luoding", at="luoding", personas=personas)
    assert by_slug(report(5))["luoding"].overdue == 1
    with time_machine.travel(local(date(2026, 6, 5), 9), tick=False):
        application_services.refuse(application, reason="不符合经济困难条件", by=personas[(Role.REVIEWER, "luoding")])
    assert by_slug(report(5))["luoding"].overdue == 1
    assert by_slug(report(6))["luoding"].overdue == 0


@pytest.mark.parametrize("working_days", [False, True])
def test_review_deadlines_follow_the_day_counting_rules(personas, settings, working_days):
    """As of today, the deadline rule gives each application the deadline its own page shows."""
    from applications.models import Application, review_due_dates
    from tests.applications.factories import pdf

    settings.LEGALAID_COUNT_WORKING_DAYS = working_days
    clerk = personas[(Role.CLERK, "luoding")]
    for day in (1, 8, 15, 22, 23, 24, 27, 29):
        receive(local(date(2026, 9, day)), responsible="luoding", at="luoding", personas=personas)
    first, second, third = Application.objects.order_by("received_at")[:3]
    with time_machine.travel(local(date(2026, 9, 3), 16), tick=False):
        application_services.request_supplement(first, items=["病历"], note="", by=clerk, today=date(2026, 9, 3))
    with time_machine.travel(local(date(2026, 9, 9), 16), tick=False):
        application_services.receive_supplement(first, files=[pdf()], by=clerk, today=date(2026, 9, 9))
        application_services.confirm_supplement(first, by=clerk, today=date(2026, 9, 9))
        application_services.mark_urgent(second, ground="deadline", by=personas[(Role.REVIEWER, "luoding")])
    approve(third, date(2026, 9, 20), personas)
    today = date(2026, 9, 30)  # 国庆 follows: in calendar days, deadlines on 1–7 October roll to the 8th
    applications = list(Application.objects.prefetch_related("supplement_requests"))
    due = review_due_dates(applications, today=today)
    paused = calendar.count_days(date(2026, 9, 3), date(2026, 9, 9), working_days=working_days)
    assert due[first.pk] == calendar.add_days(date(2026, 9, 1), 7 + paused, working_days=working_days)
    # 先行提供 keeps the 第四十三条 date (第四十四条).
    assert due[second.pk] == calendar.add_days(date(2026, 9, 8), 7, working_days=working_days)
    assert due[third.pk] is None  # decided
    late = Application.objects.get(received_at__date=date(2026, 9, 29))
    assert due[late.pk] == calendar.add_days(date(2026, 9, 29), 7, working_days=working_days)
    assert working_days or due[late.pk] == date(2026, 10, 8)  # 国庆 rolls the last day to the 8th


def test_article_32_and_42_monthly_report_breaks_approvals_down_by_economic_basis(personas):
    """SPEC §3.2: 经济困难, 免予核查 (第四十二条) and 不受经济困难条件限制 (第三十二条) counted apart, one row
    per office, on the month page and in sheet 2 (分县统计)."""
    from applications.models import EconomicBasis, ExemptionGround
    from reporting.xlsx import office_columns, office_row_values

    abuse = ExemptionGround.objects.get(name="遭受虐待、遗弃或者家庭暴力的受害人主张相关权益")
    relief = ExemptionGround.objects.get(name="社会救助、司法救助或者优抚对象")
    common = {"received_on": date(2026, 5, 4), "decided_on": date(2026, 5, 6), "at": "luoding", "personas": personas}
    approved(responsible="luoding", **common)
    approved(
        responsible="luoding",
        category="civil",
        economic_basis=EconomicBasis.UNRESTRICTED,
        integrity_pledge=False,
        exemption_ground=abuse,
        **common,
    )
    approved(
        responsible="yunan",
        economic_basis=EconomicBasis.EXEMPT,
        integrity_pledge=False,
        exemption_ground=relief,
        **common,
    )
    rep = report(5)
    rows = by_slug(rep)
    assert rows["luoding"].approved_by_basis == [1, 0, 1]
    assert rows["yunan"].approved_by_basis == [0, 1, 0]
    assert rep.total.approved_by_basis == [1, 1, 1]
    columns = office_columns(rep)
    values = dict(zip(columns, office_row_values(rep, rows["luoding"]), strict=True))
    assert values["本月准予：不受经济困难条件限制（第三十二条）（件）"] == 1
    assert values["本月准予：免予核查（第四十二条）（件）"] == 0
    assert values["本月准予：经济困难（件）"] == 1
