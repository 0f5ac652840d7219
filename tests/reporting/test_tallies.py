"""The monthly aggregate (issue 14): every counted event adds to its office's month in its own
transaction; what is stored always equals the same figures counted afresh from the events
(`reporting.counting.RECOUNTS`), and `rebuild_tallies` restores it from them."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from accounts.models import Office, Role
from reporting.selectors import build_monthly_report
from tallies.models import DecisionTime, MonthlyTally
from tests.consultations.factories import consult, draft
from tests.duty.factories import on_duty, record
from tests.reporting.factories import approved, local, notified, recounted_tallies, stored_tallies

pytestmark = pytest.mark.django_db
MAY = date(2026, 5, 1)


def office(slug: str) -> int:
    return Office.objects.get(slug=slug).pk


@pytest.fixture
def may_events(personas):
    """One event of every counted form in May 2026, at the office each is counted for."""
    approved(
        received_on=date(2026, 5, 4),
        decided_on=date(2026, 5, 8),
        responsible="luoding",
        at="xinxing",
        personas=personas,
    )
    # Registered at 郁南 for a court of 罗定: counted where it is handled.
    notified(received_on=date(2026, 5, 12), organ_office="luoding", at="yunan", serial=1, personas=personas)
    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        consult(personas, "yunan", consulted_on=date(2026, 5, 19), people=3)
        draft(personas, "yunan", drafted_on=date(2026, 5, 20), copies=2)
        record(personas, on_duty(personas, on=date(2026, 5, 20), office="xinxing"), "李四", "张三")


def test_every_counted_event_adds_to_its_office_and_month(may_events):
    """Received at 新兴 on 4 May for 罗定 and approved there on the 8th (经济困难): received and 通办转出
    at 新兴, 通办转入 and the approval at 罗定, with the four days it took."""
    assert stored_tallies() == {
        ("received", office("xinxing"), MAY): 1,
        ("received_for_other", office("xinxing"), MAY): 1,
        ("routed_in", office("luoding"), MAY): 1,
        ("approved_application", office("luoding"), MAY): 1,
        ("approved_hardship", office("luoding"), MAY): 1,
        ("days", office("luoding"), MAY, 4): 1,
        ("notice", office("luoding"), MAY): 1,
        ("consultation", office("yunan"), MAY): 3,
        ("document", office("yunan"), MAY): 2,
        ("duty_help", office("xinxing"), MAY): 2,
    }
    assert stored_tallies() == recounted_tallies(2026)


def test_the_month_sheet_reads_the_aggregate(may_events):
    """The sheet's figures are the stored ones: moving a stored figure moves the sheet."""
    row = lambda: next(  # noqa: E731
        row
        for row in build_monthly_report(offices=Office.objects.all(), year=2026, month=5, today=date(2026, 6, 10)).rows
        if row.office.slug == "luoding"
    )
    assert row().form_values[:2] == [1, 1] and row().matters_month == 2
    MonthlyTally.objects.filter(figure="notice").update(value=5)
    assert row().form_values[:2] == [1, 5] and row().matters_month == 6


def test_an_event_rolled_back_counts_nothing(personas):
    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        with pytest.raises(RuntimeError), transaction.atomic():
            consult(personas, "yunan", people=2)
            raise RuntimeError("the request failed after the consultation was saved")
    assert stored_tallies() == {}


def test_rebuild_counts_the_aggregate_again_from_the_events(may_events, capsys):
    MonthlyTally.objects.filter(figure="consultation").delete()
    MonthlyTally.objects.filter(figure="notice").update(value=7)
    MonthlyTally.objects.create(office_id=office("yunnan"), month=date(2026, 3, 1), figure="document", value=4)
    call_command("rebuild_tallies", from_year=2025, to_year=2026)
    assert stored_tallies() == recounted_tallies(2026) and len(stored_tallies()) == 10
    assert "2025—2026" in capsys.readouterr().out


def test_the_check_says_where_the_aggregate_and_the_records_differ_and_changes_nothing(may_events, capsys):
    from django.core.management.base import CommandError

    call_command("rebuild_tallies", "--check", from_year=2026, to_year=2026)
    assert "2026—2026 年的月度计数与业务记录一致" in capsys.readouterr().out
    MonthlyTally.objects.filter(figure="notice").update(value=7)
    DecisionTime.objects.all().delete()
    with pytest.raises(CommandError, match="有 2 处与业务记录不一致"):
        call_command("rebuild_tallies", "--check", from_year=2026, to_year=2026)
    out = capsys.readouterr().out
    assert "2026年5月 罗定市法律援助处 通知辩护（代理）：存储 7，按记录统计 1" in out
    assert "2026年5月 罗定市法律援助处 审查用时4日的决定数：存储 0，按记录统计 1" in out
    assert MonthlyTally.objects.get(figure="notice").value == 7  # only checked


def test_a_subsidy_adds_its_amount_when_computed_changed_and_paid(personas, client):
    """Computed at closure (3000.00 in May), corrected to 二审 (2000.00: the difference is added), paid in
    June: the closure month holds one subsidy of 2000.00, all paid; June holds the payment."""
    from applications.models import MatterCategory
    from quality.models import SubsidyStage
    from quality.services import subsidy as subsidy_services
    from tests.quality.factories import closed_case

    luoding, june = office("luoding"), date(2026, 6, 1)
    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        case = closed_case(personas, closed_on=date(2026, 5, 20))
        subsidy = subsidy_services.Subsidy.objects.get(case=case)
        subsidy = subsidy_services.change_subsidy_stage(
            subsidy, stage=SubsidyStage.objects.get(category=MatterCategory.CIVIL, name="二审"), by=personas["city"]
        )
    with time_machine.travel(local(date(2026, 6, 3)), tick=False):
        subsidy_services.mark_subsidy_paid(subsidy, paid_on=date(2026, 6, 2), by=personas["city"])
    subsidies = {key: value for key, value in stored_tallies().items() if key[0].startswith("subsid")}
    assert subsidies == {
        ("subsidies", luoding, MAY): 1,
        ("subsidy_computed", luoding, MAY): 200000,
        ("subsidy_paid_by_closure", luoding, MAY): 200000,
        ("subsidies_paid", luoding, june): 1,
        ("subsidy_paid", luoding, june): 200000,
    }
    assert stored_tallies() == recounted_tallies(2026)
    client.force_login(personas["city"])
    with time_machine.travel(local(date(2026, 6, 3)), tick=False):
        page = client.get("/staff/quality/subsidies/?year=2026").content.decode()
    assert '<td>5月</td><td class="text-end">1</td><td class="text-end">2000.00</td>' in page


def test_a_reroute_moves_the_cross_county_figures_to_the_new_office(personas):
    """Received at 新兴 for 罗定, then found to be 郁南's: the receipt stays at 新兴 (and stays 通办转出),
    the 通办转入 moves from 罗定 to 郁南; rerouted to 新兴 itself it is no longer 通办 at all."""
    from applications import services
    from tests.reporting.factories import receive

    application = receive(local(date(2026, 5, 4)), responsible="luoding", at="xinxing", personas=personas)
    clerk = personas[(Role.CLERK, "xinxing")]
    with time_machine.travel(local(date(2026, 5, 6)), tick=False):
        services.reroute(application, to_office=Office.objects.get(slug="yunan"), reason="住所地在郁南县", by=clerk)
    assert stored_tallies() == {
        ("received", office("xinxing"), MAY): 1,
        ("received_for_other", office("xinxing"), MAY): 1,
        ("routed_in", office("yunan"), MAY): 1,
    }
    with time_machine.travel(local(date(2026, 5, 7)), tick=False):
        services.reroute(application, to_office=Office.objects.get(slug="xinxing"), reason="住所地在新兴县", by=clerk)
    assert stored_tallies() == {("received", office("xinxing"), MAY): 1} == recounted_tallies(2026)


def test_an_objection_upheld_takes_the_refusal_out_of_its_month(personas):
    """Refused on 8 May after four days; the bureau orders a new decision (责令改正) in June: May no
    longer holds a decision, and its median review time has none to read."""
    from applications import services
    from applications.models import ObjectionOutcome
    from tests.applications.factories import pdf
    from tests.reporting.factories import receive, refuse

    application = receive(local(date(2026, 5, 4)), responsible="luoding", at="luoding", personas=personas)
    refuse(application, date(2026, 5, 8), personas)
    assert stored_tallies()[("days", office("luoding"), MAY, 4)] == 1
    with time_machine.travel(local(date(2026, 6, 1)), tick=False):
        objection = services.register_objection(
            application, reasons="确属经济困难。", received_on=date(2026, 6, 1), by=personas[(Role.CLERK, "luoding")]
        )
        services.decide_objection(
            objection,
            outcome=ObjectionOutcome.CORRECTED,
            note="",
            decided_on=date(2026, 6, 1),
            by=personas[(Role.BUREAU_REVIEWER, "luoding")],
            document=pdf(),
        )
    assert ("days", office("luoding"), MAY, 4) not in stored_tallies()
    assert stored_tallies() == recounted_tallies(2026)
    may = build_monthly_report(offices=Office.objects.all(), year=2026, month=5, today=date(2026, 6, 2))
    assert may.total.median_days is None


def test_a_closure_counts_in_the_month_it_was_accepted(personas):
    from tests.quality.factories import closed_case

    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        case = closed_case(personas, closed_on=date(2026, 5, 20))
    assert stored_tallies()[("cases_closed", case.office_id, MAY)] == 1
    assert stored_tallies() == recounted_tallies(2026)


def test_a_settled_grade_and_a_follow_up_count_in_their_months(personas):
    """A grade settled on 20 May (95 points: 优秀) and a follow-up made on 3 June about a call of
    28 May (满意): each at the case's office, in the month it happened."""
    from quality.services import follow_up
    from tests.quality.factories import closed_case, reviewed

    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        case = closed_case(personas, office="luoding", closed_on=date(2026, 5, 12))
        reviewed(personas, case, total=95)
    with time_machine.travel(local(date(2026, 6, 3)), tick=False):
        follow_up.record_follow_up(
            case=case,
            contacted_on=date(2026, 5, 28),
            channel="phone",
            satisfaction="satisfied",
            by=personas[(Role.CLERK, "luoding")],
        )
    stored = stored_tallies()
    assert stored[("peer_excellent", office("luoding"), MAY)] == 1
    assert stored[("follow_up_satisfied", office("luoding"), MAY)] == 1
    assert stored == recounted_tallies(2026)


def test_a_receipt_posted_twice_counts_once(personas):
    """The same walk-in form posted again (a double click): the second post is rolled back at the
    insert — its count with it — and answers with the first application."""
    import uuid

    from tests.reporting.factories import receive

    token = uuid.uuid4()
    first = receive(
        local(date(2026, 5, 4)), responsible="luoding", at="xinxing", personas=personas, submission_token=token
    )
    again = receive(
        local(date(2026, 5, 4)), responsible="luoding", at="xinxing", personas=personas, submission_token=token
    )
    assert again.pk == first.pk
    assert stored_tallies()[("received", office("xinxing"), MAY)] == 1
    assert stored_tallies() == recounted_tallies(2026)
