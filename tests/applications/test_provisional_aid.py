"""先行提供 (法律援助法 第四十四条): a handler acts before the decision. 准予 keeps them on the case it
opens; 不予 ends the provisional aid with a letter that says so (SPEC §3.1)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Status
from audit.selectors import trail_for
from cases import roster
from cases import services as case_services
from cases.models import Assignment, Case, CaseState
from core.transitions import TransitionError
from notifications.models import MessageKind, OutboxMessage
from tests.applications.factories import submit
from tests.cases.factories import make_handler


def _at(day: date, hour: int = 10):
    return time_machine.travel(timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour)), tick=False)


@pytest.fixture
def urgent(personas):
    """A 罗定 matter received on Monday 1 June 2026, marked urgent the next day."""
    with _at(date(2026, 6, 1)):
        application = submit()
    with _at(date(2026, 6, 2)):
        services.mark_urgent(application, ground="preservation", by=personas[(Role.CLERK, "luoding")])
    application.refresh_from_db()
    return application


@pytest.fixture
def lawyer(personas):
    return make_handler(personas[(Role.HANDLER, "luoding")])


def _assign_provisionally(client, application, reviewer, handler, day=date(2026, 6, 2)):
    with _at(day):
        client.force_login(reviewer)
        return client.post(
            f"/staff/applications/{application.pk}/provisional-assign/", {"handler": handler.pk, "confirmed": "1"}
        )


def test_lal_44_provisional_assignment_before_decision(client, urgent, personas, lawyer):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 2)):
        client.force_login(reviewer)
        page = client.get(f"/staff/applications/{urgent.pk}/").content.decode()
        assert "先行指派承办人" in page  # offered from the workflow table
        assert client.get(f"/staff/applications/{urgent.pk}/provisional-assign/").status_code == 200
    response = _assign_provisionally(client, urgent, reviewer, lawyer)
    assert response.status_code == 302
    urgent.refresh_from_db()
    assert urgent.status == Status.PENDING_REVIEW  # still under review: the 第四十三条 clock keeps its date
    assert urgent.review_due_on(today=date(2026, 6, 2)) == date(2026, 6, 8)
    assert (urgent.provisional_handler, urgent.provisionally_assigned_on) == (lawyer, date(2026, 6, 2))
    # No case before 准予: the monthly sheet counts cases by their opening date.
    assert not Case.objects.exists()
    assert any("先行指派承办人" in entry.note for entry in trail_for(urgent))
    # The page shows who acts; the handler reads the application and finds it on their dashboard.
    with _at(date(2026, 6, 3)):
        client.force_login(reviewer)
        assert 'data-testid="provisional-handler"' in client.get(f"/staff/applications/{urgent.pk}/").content.decode()
        client.force_login(lawyer.user)
        assert client.get(f"/staff/applications/{urgent.pk}/").status_code == 200
        dashboard = client.get("/staff/").content.decode()
    assert urgent.number in dashboard and "先行指派" in dashboard


def test_lal_44_provisional_assignment_only_on_urgent_aid_by_the_deciding_reviewer(urgent, personas, lawyer):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 1)):
        plain = submit()
    with pytest.raises(TransitionError, match="先行提供"):
        case_services.assign_provisionally(plain, handler=lawyer, by=reviewer)
    with pytest.raises(PermissionDenied):
        case_services.assign_provisionally(urgent, handler=lawyer, by=personas[(Role.CLERK, "luoding")])
    # The same roster rule as 指派: another county's handler is refused, saying why.
    other = make_handler(personas[(Role.HANDLER, "xinxing")])
    with pytest.raises(ValidationError, match="本机构名册"):
        case_services.assign_provisionally(urgent, handler=other, by=reviewer)
    case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)
    with pytest.raises(TransitionError, match="已先行指派"):
        case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)


def test_lal_44_approval_keeps_the_provisional_handler(client, urgent, personas, lawyer):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 2)):
        case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)
    with _at(date(2026, 6, 5)):
        client.force_login(reviewer)
        response = client.post(f"/staff/applications/{urgent.pk}/approve/", {"confirmed": "1"}, follow=True)
    case = Case.objects.get(application=urgent)
    assert f"已由先行指派的承办人{lawyer.user.display_name}承办" in response.content.decode()
    # Opened (and counted) on the decision day, handled by the one who acted first, since then.
    assert case.opened_on == date(2026, 6, 5)
    assert (case.state, case.handler, case.assigned_on) == (CaseState.IN_PROGRESS, lawyer, date(2026, 6, 2))
    assert list(Assignment.objects.filter(case=case).values_list("to_handler", "assigned_on")) == [
        (lawyer.pk, date(2026, 6, 2))
    ]
    assert OutboxMessage.objects.filter(kind=MessageKind.ASSIGNED, subject_id=str(case.pk)).exists()
    client.force_login(lawyer.user)
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 200


def test_lal_44_refusal_ends_provisional_aid_with_a_letter(client, urgent, personas, lawyer):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 2)):
        case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)
    with _at(date(2026, 6, 5)):
        services.refuse(urgent, reason="不符合经济困难标准", by=reviewer)
    urgent.refresh_from_db()
    assert urgent.provisional_ended_on == date(2026, 6, 5)
    assert any("终止先行提供法律援助" in entry.note for entry in trail_for(urgent))
    client.force_login(reviewer)
    letter = client.get(f"/staff/applications/{urgent.pk}/letters/refusal/").content.decode()
    assert "终止先行提供法律援助" in letter and lawyer.user.display_name in letter
    # The handler is told on their dashboard, and the application is no longer theirs to read.
    with _at(date(2026, 6, 6)):
        client.force_login(lawyer.user)
        dashboard = client.get("/staff/").content.decode()
        assert urgent.number in dashboard and "终止先行提供法律援助" in dashboard
        assert client.get(f"/staff/applications/{urgent.pk}/").status_code == 404
    assert not Case.objects.exists()


def test_lal_44_provisional_aid_ends_when_the_applicant_withdraws(client, urgent, personas, lawyer):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 2)):
        case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)
    with _at(date(2026, 6, 4)):
        services.withdraw(urgent, reason="已与对方和解", by=personas[(Role.CLERK, "luoding")])
    urgent.refresh_from_db()
    assert (urgent.status, urgent.provisional_ended_on) == (Status.RETRACTED, date(2026, 6, 4))
    assert any("终止先行提供法律援助" in entry.note for entry in trail_for(urgent))
    with _at(date(2026, 6, 5)):
        client.force_login(lawyer.user)
        assert client.get(f"/staff/applications/{urgent.pk}/").status_code == 404
        assert "终止先行提供法律援助" in client.get("/staff/").content.decode()


def test_lal_44_approval_leaves_an_ineligible_provisional_handler_out(urgent, personas, lawyer):
    """A handler who left the roster since is not put on the case: it waits for 指派, and says why."""
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with _at(date(2026, 6, 2)):
        case_services.assign_provisionally(urgent, handler=lawyer, by=reviewer)
    roster.edit_handler(
        lawyer,
        kind=lawyer.kind,
        license_number=lawyer.license_number,
        licensed_since=lawyer.licensed_since,
        law_firm=lawyer.law_firm,
        is_active=False,
        by=reviewer,
    )
    with _at(date(2026, 6, 5)):
        case = case_services.approve(urgent, by=reviewer)
    case.refresh_from_db()
    assert (case.state, case.handler) == (CaseState.AWAITING_ASSIGNMENT, None)
    assert any("不再符合指派条件" in entry.note for entry in trail_for(case))


def test_lal_44_rerouting_ends_the_provisional_aid_and_the_new_office_names_its_own(urgent, personas, lawyer):
    from accounts.models import Office

    with _at(date(2026, 6, 2)):
        case_services.assign_provisionally(urgent, handler=lawyer, by=personas[(Role.REVIEWER, "luoding")])
        services.reroute(
            urgent,
            to_office=Office.objects.get(slug="xinxing"),
            reason="事由发生地在新兴县",
            by=personas[(Role.CLERK, "luoding")],
        )
    urgent.refresh_from_db()
    assert urgent.provisional_ended_on == date(2026, 6, 2) and not urgent.has_provisional_aid
    other = make_handler(personas[(Role.HANDLER, "xinxing")])
    case_services.assign_provisionally(urgent, handler=other, by=personas[(Role.REVIEWER, "xinxing")])
    urgent.refresh_from_db()
    assert (urgent.provisional_handler, urgent.provisional_ended_on) == (other, None)
