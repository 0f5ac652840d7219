"""民法典 第二百零三条 (a last day on a holiday moves to the next working day) for the due dates the
portal STORES: when an administrator enters or corrects a 节假日调整 row, the open items' stored dates —
a 补正 reply date, an objection's 5 days (法律援助法 第四十九条), to a refusal or to a termination — are
recomputed, each move on the audit trail; closed items keep the date they were held to."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from applications import services
from audit.models import AuditAction, AuditEntry
from cases import services as case_services
from cases.models import CaseState, TerminationGround
from deadlines import calendar
from deadlines.models import HolidayOverride
from tests.applications.factories import pdf, submit
from tests.cases.factories import make_case

URL = "/admin/deadlines/holidayoverride/"
RECEIVED_OBJECTION = date(2026, 6, 10)  # a Wednesday: 5 days → Monday 15 June
DUE = date(2026, 6, 15)


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client, admin


@pytest.fixture
def open_items(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        refused, waiting = submit(), submit(category="civil", authority_location="445381")
    services.refuse(refused, reason="不符合条件", by=personas[(Role.REVIEWER, "luoding")], today=date(2026, 6, 9))
    objection = services.register_objection(
        refused, reasons="有异议", received_on=RECEIVED_OBJECTION, by=personas[(Role.CLERK, "luoding")]
    )
    supplement = services.request_supplement(
        waiting, items=["病历"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 1)
    )
    return objection, supplement


def test_lal_49_a_holiday_entered_moves_the_stored_objection_date_with_an_audit_row(admin_client, open_items):
    client, admin = admin_client
    objection, _ = open_items
    assert objection.due_on == DUE
    response = client.post(f"{URL}add/", {"day": "2026-06-15", "note": "测试：临时放假", "_save": "保存"})
    assert response.status_code == 302, response.content.decode()[:2000]
    objection.refresh_from_db()
    assert objection.due_on == calendar.add_days(RECEIVED_OBJECTION, 5) == date(2026, 6, 16)
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_id=str(objection.application_id), note__contains="异议审查期限"
    )
    assert (entry.from_state, entry.to_state) == ("2026-06-15", "2026-06-16")
    assert entry.actor_id == admin.pk and "异议审查期限" in entry.note

    # Removing the row puts the date back, again on the record.
    client.post(f"{URL}{HolidayOverride.objects.get().pk}/delete/", {"post": "yes"})
    objection.refresh_from_db()
    assert objection.due_on == DUE


def test_the_open_supplement_reply_date_follows_the_calendar(admin_client, open_items):
    client, _ = admin_client
    _, supplement = open_items
    before = supplement.reply_due_on
    client.post(f"{URL}add/", {"day": before.isoformat(), "note": "测试", "_save": "保存"})
    supplement.refresh_from_db()
    assert supplement.reply_due_on == calendar.add_days(supplement.requested_on, 15) > before


def test_a_decided_objection_keeps_its_date(admin_client, open_items, personas):
    client, _ = admin_client
    objection, _ = open_items
    services.decide_objection(
        objection,
        outcome="upheld",
        note="",
        decided_on=RECEIVED_OBJECTION,
        by=personas[(Role.BUREAU_REVIEWER, "luoding")],
        document=pdf(),
    )
    client.post(f"{URL}add/", {"day": "2026-06-15", "note": "测试", "_save": "保存"})
    objection.refresh_from_db()
    assert objection.due_on == DUE


def test_lal_49_a_pending_objection_to_a_termination_moves_too(admin_client, personas):
    client, _ = admin_client
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    case_services.terminate(
        case,
        ground=TerminationGround.objects.get(item=7),
        reason="受援人要求终止",
        by=personas[(Role.REVIEWER, "luoding")],
        today=date(2026, 6, 9),
    )
    objection = case_services.register_objection(
        case,
        reasons="不服",
        received_on=RECEIVED_OBJECTION,
        by=personas[(Role.CLERK, "luoding")],
        today=date(2026, 6, 10),
    )
    client.post(f"{URL}add/", {"day": "2026-06-15", "note": "测试", "_save": "保存"})
    objection.refresh_from_db()
    assert objection.due_on == date(2026, 6, 16)
    assert AuditEntry.objects.filter(object_id=str(case.pk), note__contains="终止异议审查期限").exists()


def test_a_running_case_clock_follows_the_calendar_and_a_stopped_one_keeps_no_date(admin_client, personas):
    """The case clocks' due dates are stored too (the dashboard reads them, issue 14): a holiday on
    the day a running 委托协议 clock falls due moves it, on the record; a clock stopped by the signed
    agreement has no due date left to move."""
    client, admin = admin_client
    running = make_case(personas, state=CaseState.IN_PROGRESS)
    signed = make_case(personas, state=CaseState.IN_PROGRESS, name="李四")
    due = running.agreement_due_on
    assert due == calendar.add_days(running.assigned_on, 5) == signed.agreement_due_on
    case_services.record_agreement(signed, signed_on=signed.assigned_on, by=personas[(Role.REVIEWER, "luoding")])
    signed.refresh_from_db()
    assert signed.agreement_due_on is None

    client.post(f"{URL}add/", {"day": due.isoformat(), "note": "测试：临时放假", "_save": "保存"})
    running.refresh_from_db()
    signed.refresh_from_db()
    assert running.agreement_due_on == calendar.add_days(running.assigned_on, 5) > due
    assert signed.agreement_due_on is None
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(running.pk), note__contains="委托协议期限")
    assert (entry.from_state, entry.to_state) == (due.isoformat(), running.agreement_due_on.isoformat())
    assert entry.actor_id == admin.pk
    assert not AuditEntry.objects.filter(object_id=str(signed.pk), note__contains="委托协议期限").exists()


def test_lal_43_the_stored_decision_date_follows_each_event_and_the_calendar(admin_client, personas):
    """第四十三条's date is stored with the application (the dashboard reads it, issue 14): 7 days
    from receipt; none while a 补正 notice stops the clock; the days it waited added when the
    materials are found complete; moved with an audit row when a holiday falls on it."""
    client, admin = admin_client
    clerk = personas[(Role.CLERK, "luoding")]
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        application = submit()
    assert application.decision_due_on == calendar.add_days(date(2026, 6, 1), 7)
    services.request_supplement(application, items=["病历"], note="", by=clerk, today=date(2026, 6, 3))
    application.refresh_from_db()
    assert application.decision_due_on is None
    services.receive_supplement(application, files=[pdf()], by=clerk, today=date(2026, 6, 5))
    services.confirm_supplement(application, by=clerk, today=date(2026, 6, 5))
    application.refresh_from_db()
    due = calendar.add_days(date(2026, 6, 1), 7 + 2)  # the two days waiting for 补正 do not count
    assert application.decision_due_on == due == application.review_due_on(today=date(2026, 6, 5))

    client.post(f"{URL}add/", {"day": due.isoformat(), "note": "测试：临时放假", "_save": "保存"})
    application.refresh_from_db()
    assert application.decision_due_on == calendar.add_days(date(2026, 6, 1), 9) > due
    entry = AuditEntry.objects.get(object_id=str(application.pk), note__contains="审查决定期限")
    assert (entry.from_state, entry.actor_id) == (due.isoformat(), admin.pk)


def test_an_application_out_of_the_queue_keeps_no_decision_date(personas):
    """Like a case clock's, the decision date is stored only while the application waits for the
    decision: 不予 and 撤回 clear it, and the database refuses one on a closed application."""
    from django.db import IntegrityError, transaction

    from applications.models import Application, Status

    reviewer = personas[(Role.REVIEWER, "luoding")]
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        refused, withdrawn = submit(), submit(id_number="445381198005177030")
    assert refused.decision_due_on is not None and withdrawn.decision_due_on is not None
    services.refuse(refused, reason="经济状况不符合条件", by=reviewer, today=date(2026, 6, 3))
    services.withdraw(withdrawn, reason="已自行和解", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 3))
    assert Application.objects.filter(pk__in=[refused.pk, withdrawn.pk], decision_due_on__isnull=False).count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=refused.pk, status=Status.REFUSED).update(decision_due_on=date(2026, 6, 10))
