"""The dashboard's case clocks (SPEC §4): due dates come from `deadlines.calendar`, nowhere else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, User
from cases import services
from cases.models import Case, TerminationGround
from cases.selectors import deadline_items
from deadlines import calendar
from deadlines.models import HolidayOverride
from tests.cases.factories import make_application, make_handler, open_approved, pdf

pytestmark = pytest.mark.django_db


def open_case_on(personas, day, *, office="luoding") -> Case:
    return open_approved(make_application(office=office), by=personas[(Role.REVIEWER, office)], today=day)


def assigned_on(personas, day, *, office="luoding") -> Case:
    case = open_case_on(personas, day, office=office)
    handler = make_handler(personas[(Role.HANDLER, office)])
    return services.assign(case, handler=handler, by=personas[(Role.REVIEWER, office)], today=day)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def clocks(personas):
    """Cases on each clock, started 0 … 35 days ago, with a holiday override in the way."""
    today = timezone.localdate()
    HolidayOverride.objects.create(day=today - timedelta(days=1), is_working_day=False, note="测试调休")
    expected = {}
    for back in (0, 1, 2, 3, 4, 5, 6):
        start = today - timedelta(days=back)
        case = open_case_on(personas, start)
        expected[(case.number, "指派")] = calendar.add_days(start, 3)
        case = assigned_on(personas, start)
        expected[(case.number, "委托协议")] = calendar.add_days(start, 5)
    handler_user = personas[(Role.HANDLER, "luoding")]
    for back in (27, 29, 30, 31, 35):
        start = today - timedelta(days=back)
        case = assigned_on(personas, start)
        services.record_agreement(case, signed_on=start, by=handler_user, today=start)
        services.record_matter_end(case, matter_ended_on=start, by=handler_user, today=start)
        expected[(case.number, "结案材料")] = calendar.add_days(start, 30)
        case = assigned_on(personas, start)
        services.record_agreement(case, signed_on=start, by=handler_user, today=start)
        services.submit_closure(
            case,
            method="mediation",
            matter_ended_on=start,
            summary="调解结案",
            files=[pdf()],
            by=handler_user,
            today=start,
        )
        expected[(case.number, "结案审查")] = calendar.add_days(start, 30)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    for back in (2, 4, 6, 9):
        start = today - timedelta(days=back)
        case = open_case_on(personas, start)
        ground = TerminationGround.objects.get(item=6)
        services.terminate(case, ground=ground, reason="自行委托律师", by=reviewer, today=start)
        services.register_objection(case, reasons="并未委托", received_on=start, by=reviewer, today=start)
        expected[(case.number, "异议审查")] = calendar.add_days(start, 5)
    return expected


def test_due_dates_equal_the_day_counting_module(personas, clocks):
    today = timezone.localdate()
    items = deadline_items(fresh(personas[(Role.REVIEWER, "luoding")]), today=today)
    for item in items:
        assert item.due_on == clocks[(item.number, item.kind)]
        left = (item.due_on - today).days
        assert item.days_left == left
        assert item.state == ("已逾期" if left < 0 else "今日到期" if left == 0 else "即将到期")
        assert item.url == f"/staff/cases/{Case.objects.get(number=item.number).pk}/"
        assert item.office.slug == "luoding"
    shown = {(item.number, item.kind) for item in items}
    due_soon_or_late = {key for key, due in clocks.items() if (due - today).days <= 2}
    assert shown == due_soon_or_late
    # Every clock shows up, unless a holiday carries its due dates past the next two days (国庆).
    assert {item.kind for item in items} == {kind for _number, kind in due_soon_or_late}
    assert [item.due_on for item in items] == sorted(item.due_on for item in items)


def test_the_scope_is_the_users(personas, clocks):
    today = timezone.localdate()
    assert deadline_items(fresh(personas[(Role.REVIEWER, "yunan")]), today=today) == []
    assert len(deadline_items(fresh(personas["city"]), today=today)) == len(
        deadline_items(fresh(personas[(Role.REVIEWER, "luoding")]), today=today)
    )
    handler_items = deadline_items(fresh(personas[(Role.HANDLER, "luoding")]), today=today)
    assert handler_items and {item.kind for item in handler_items} <= {"委托协议", "结案材料", "结案审查"}


def test_the_selector_costs_the_same_queries_for_one_case_or_many(personas, django_assert_num_queries):
    today = timezone.localdate()
    # Assigned 20 days ago: its 5-day 委托协议 clock is overdue on any day, holidays rolled over or not.
    assigned_on(personas, today - timedelta(days=20))
    reviewer = fresh(personas[(Role.REVIEWER, "luoding")])
    # 1 the user's groups (roles) · 2-3 the user's and their groups' permissions (the seal) ·
    # 4 the counts per office and section (every clock and pending objection to a termination, by
    # the due dates stored with them) with the first rows of each section, one statement · 5 the offices
    with django_assert_num_queries(5):
        assert len(deadline_items(reviewer, today=today)) == 1
    for back in range(8):
        assigned_on(personas, today - timedelta(days=back))
        open_case_on(personas, today - timedelta(days=back))
        terminated = open_case_on(personas, today - timedelta(days=back))
        services.terminate(terminated, ground=TerminationGround.objects.get(item=6), reason="自行委托", by=reviewer)
        services.register_objection(terminated, reasons="并未委托", received_on=today, by=reviewer)
    reviewer = fresh(reviewer)
    with django_assert_num_queries(5):
        assert len(deadline_items(reviewer, today=today)) > 5


def test_an_objection_is_due_on_the_date_stored_when_it_was_received(personas):
    """第四十九条: the 5 days were fixed, and told to the applicant, when the objection came in; a
    holiday override entered later does not move them."""
    reviewer = personas[(Role.REVIEWER, "luoding")]
    received = timezone.localdate() - timedelta(days=20)
    case = open_case_on(personas, received)
    services.terminate(
        case, ground=TerminationGround.objects.get(item=6), reason="自行委托", by=reviewer, today=received
    )
    objection = services.register_objection(case, reasons="并未委托", received_on=received, by=reviewer, today=received)
    HolidayOverride.objects.create(day=objection.due_on, is_working_day=False, note="事后补录的调休")
    assert calendar.add_days(received, 5) != objection.due_on
    items = [item for item in deadline_items(fresh(reviewer), today=timezone.localdate()) if item.kind == "异议审查"]
    assert [(item.number, item.due_on) for item in items] == [(case.number, objection.due_on)]
