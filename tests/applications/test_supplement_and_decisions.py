from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Application, ObjectionOutcome, Status
from audit.models import AuditAction, AuditEntry
from cases import services as case_services
from core.transitions import TransitionError
from deadlines import calendar
from tests.applications.factories import make_id_number, pdf, service_data, submit

# A Monday with no holiday near it: 7 days later is the next Monday.
RECEIVED = date(2026, 6, 1)


@pytest.fixture
def application(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        return submit()


def test_review_is_due_seven_days_after_receipt(application):
    assert application.clock_started_on == RECEIVED
    assert application.review_due_on(today=RECEIVED) == calendar.add_days(RECEIVED, 7) == date(2026, 6, 8)


def test_supplement_pauses_the_clock_and_the_upload_moves_the_due_date(client, application, personas):
    clerk = personas[(Role.CLERK, "luoding")]
    services.request_supplement(
        application, items=["身份证复印件", "工资欠条"], note="", by=clerk, today=date(2026, 6, 3)
    )
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT
    assert application.review_due_on(today=date(2026, 6, 5)) is None  # clock stopped

    # The citizen finds the application on /track/ and uploads the missing papers five days later.
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 8, 9))):
        response = client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
        assert response["Location"] == "/track/status/"
        page = client.get("/track/status/").content.decode()
        assert "身份证复印件" in page and "工资欠条" in page
        client.post("/track/supplement/", {"files": [pdf("身份证复印件.pdf"), pdf("欠条.pdf")]})
    # The office checks the reply the same day and finds it complete (第四十三条).
    services.confirm_supplement(application, by=personas[(Role.REVIEWER, "luoding")], today=date(2026, 6, 8))
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    # Paused from 6-03 to 6-08 = 5 days not counted: 6-08 + 5 = 6-13 (a Saturday) rolls to Monday 6-15.
    assert application.review_due_on(today=date(2026, 6, 8)) == calendar.add_days(RECEIVED, 7 + 5) == date(2026, 6, 15)


def test_only_one_supplement_notice(application, personas):
    clerk = personas[(Role.CLERK, "luoding")]
    services.request_supplement(application, items=["身份证"], note="", by=clerk, today=date(2026, 6, 2))
    services.receive_supplement(application, files=[pdf()], by=clerk)
    services.confirm_supplement(application, by=clerk)
    with pytest.raises(TransitionError, match="一次性告知"):
        services.request_supplement(application, items=["户口簿"], note="", by=clerk)


def test_unanswered_supplement_is_treated_as_withdrawn_once(application, personas):
    services.request_supplement(
        application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 2)
    )
    reply_due = application.supplement_requests.get().reply_due_on
    assert reply_due == calendar.add_days(date(2026, 6, 2), 15)
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(reply_due, timezone.datetime.min.time()))):
        call_command("expire_supplements")
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT  # the last day still belongs to the applicant
    later = timezone.make_aware(timezone.datetime.combine(reply_due + timedelta(days=1), timezone.datetime.min.time()))
    with time_machine.travel(later):
        call_command("expire_supplements")
        call_command("expire_supplements")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert AuditEntry.objects.filter(object_id=str(application.pk), to_state="视为撤回").count() == 1


def test_reviewer_approves_and_prints_the_letter(client, application, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    client.post(f"/staff/applications/{application.pk}/approve/", {"confirmed": "1"})
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_on == timezone.localdate()
    letter = client.get(f"/staff/applications/{application.pk}/letters/approval/").content.decode()
    assert "给予法律援助决定书" in letter and application.applicant_name in letter
    entry = AuditEntry.objects.get(action=AuditAction.STATE_CHANGE, object_id=str(application.pk))
    assert (entry.from_state, entry.to_state) == ("待审查", "准予法律援助")


def test_refusal_needs_a_reason_and_the_letter_states_the_objection_route(client, application, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    client.post(f"/staff/applications/{application.pk}/refuse/", {"reason": ""})
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    client.post(
        f"/staff/applications/{application.pk}/refuse/", {"reason": "申请事项不属于法律援助范围。", "confirmed": "1"}
    )
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    letter = client.get(f"/staff/applications/{application.pk}/letters/refusal/").content.decode()
    assert "罗定市司法局" in letter and "第四十九条" in letter and "五日内" in letter


def test_a_clerk_cannot_decide(client, application, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.post(f"/staff/applications/{application.pk}/approve/").status_code == 403
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW


def test_decided_application_refuses_a_second_decision(application, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    case_services.approve(application, by=reviewer)
    with pytest.raises(TransitionError, match="准予法律援助"):
        services.refuse(application, reason="x", by=reviewer)


def test_objection_corrected_reopens_with_a_new_clock(client, application, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    services.refuse(application, reason="经济状况不符合条件。", by=reviewer, today=date(2026, 6, 5))
    objection = services.register_objection(
        application, reasons="本人确属经济困难。", received_on=date(2026, 6, 9), by=reviewer
    )
    assert objection.due_on == calendar.add_days(date(2026, 6, 9), 5)
    services.decide_objection(
        objection,
        outcome=ObjectionOutcome.CORRECTED,
        note="责令重新审查",
        decided_on=date(2026, 6, 12),
        by=personas[(Role.BUREAU_REVIEWER, "luoding")],
        document=pdf(),
    )
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    assert application.review_due_on(today=date(2026, 6, 12)) == calendar.add_days(date(2026, 6, 12), 7)
    assert application.decision_due_on == calendar.add_days(date(2026, 6, 12), 7)  # stored for the dashboard
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    assert "责令改正" in client.get("/track/status/").content.decode()


def test_objection_only_against_a_refusal(application, personas):
    with pytest.raises(TransitionError):
        services.register_objection(
            application, reasons="x", received_on=date(2026, 6, 2), by=personas[(Role.REVIEWER, "luoding")]
        )


def test_urgent_aid_is_marked_with_a_ground_and_goes_first(client, application, personas):
    submit(id_number=make_id_number(sequence="777"))  # a newer application, which would otherwise be first
    client.force_login(personas[(Role.CLERK, "luoding")])
    client.post(f"/staff/applications/{application.pk}/urgent/", {"ground": "preservation"})
    application.refresh_from_db()
    assert application.is_urgent
    rows = client.get("/staff/applications/").context["rows"]
    assert rows[0][0].pk == application.pk


def test_wrong_tracking_pair_reveals_nothing_and_is_rate_limited(client, application):
    wrong_tail = client.post("/track/", {"number": application.number, "id_last6": "000000"}).content.decode()
    no_such = client.post("/track/", {"number": "YF-2026-999999", "id_last6": "000000"}).content.decode()
    message = "未查询到匹配的申请"
    assert message in wrong_tail and message in no_such
    assert application.applicant_name not in wrong_tail
    for _ in range(10):
        client.post("/track/", {"number": "YF-2026-999999", "id_last6": "000000"})
    blocked = client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    assert "查询失败次数过多" in blocked.content.decode()


def test_track_status_without_a_lookup_goes_back_to_the_form(client, db):
    assert client.get("/track/status/")["Location"] == "/track/"


def test_material_is_served_only_to_who_may_see_it(client, personas):
    from applications.models import Material

    application = services.submit_application(
        data=service_data(),
        uploads={"identity": [pdf("身份证.pdf")]},
        receiving_office=None,
    )
    material = Material.objects.get(application=application)
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.get(f"/staff/materials/{material.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(personas[(Role.CLERK, "yunnan")])
    assert client.get(f"/staff/materials/{material.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/track/materials/{material.pk}/").status_code == 404
    assert Application.objects.count() == 1


def test_any_office_clerk_takes_in_supplement_materials(client, application, personas):
    services.request_supplement(
        application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 2)
    )
    client.force_login(personas[(Role.CLERK, "xinxing")])
    wrong = client.post(
        "/staff/applications/supplement-drop/",
        {"number": application.number, "id_last6": "000000", "files": [pdf("身份证.pdf")]},
    )
    assert "未找到待补正的申请" in wrong.content.decode()
    client.post(
        "/staff/applications/supplement-drop/",
        {"number": application.number, "id_last6": application.id_number[-6:], "files": [pdf("身份证.pdf")]},
    )
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT  # until 罗定 has checked it
    assert application.supplement_requests.get().replied_on == timezone.localdate()
    assert application.materials.get().uploaded_by == personas[(Role.CLERK, "xinxing")]


def test_lal_44_urgent_aid_keeps_the_article_43_review_date(application, personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 2, 15))):
        services.mark_urgent(application, ground="deadline", by=personas[(Role.CLERK, "luoding")])
    application.refresh_from_db()
    assert application.review_due_on(today=date(2026, 6, 2)) == calendar.add_days(RECEIVED, 7) == date(2026, 6, 8)


def test_lal_44_the_missing_paperwork_of_urgent_aid_is_a_dashboard_task(client, application, personas):
    from applications.selectors import deadline_items

    reviewer = personas[(Role.REVIEWER, "luoding")]
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 2, 15))):
        services.mark_urgent(application, ground="preservation", by=personas[(Role.CLERK, "luoding")])
    tasks = [i for i in deadline_items(reviewer, today=date(2026, 6, 7)) if i.kind == "先行提供补交材料"]
    assert [(t.number, t.due_on) for t in tasks] == [(application.number, date(2026, 6, 8))]
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 7, 9)), tick=False):
        client.force_login(reviewer)
        assert "先行提供补交材料" in client.get("/staff/").content.decode()


def test_the_dashboard_shows_the_review_clock_from_two_days_before_it_is_due(application, personas):
    """Issue 14: the dashboard reads only the clocks that started long enough ago to be due within two
    days — the same items as reading every open application."""
    from applications.selectors import deadline_items

    due = application.review_due_on(today=application.clock_started_on)
    assert due is not None

    def review_items(day: date) -> list[str]:
        items = deadline_items(personas[(Role.REVIEWER, "luoding")], today=day)
        return [item.number for item in items if item.kind == "审查决定"]

    assert review_items(due - timedelta(days=3)) == []
    assert review_items(due - timedelta(days=2)) == [application.number]
    assert review_items(due + timedelta(days=30)) == [application.number]  # overdue, still shown


def test_a_transferred_application_is_never_treated_as_withdrawn(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        application = submit(authority_name="广州市天河区人民法院", authority_location="outside", residence="445381")
    assert application.transfer_out_required
    services.request_supplement(
        application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 2)
    )
    services.transfer_out(application, destination="广州市法律援助处", by=personas[(Role.REVIEWER, "luoding")])
    assert services.expire_supplements(today=date(2026, 8, 1)) == []
    application.refresh_from_db()
    assert application.status == Status.TRANSFERRED_OUT
    assert application.closed_on == timezone.localdate()


def test_closed_on_follows_the_application_in_and_out_of_the_queue(application, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    services.refuse(application, reason="不符合条件", by=reviewer, today=date(2026, 6, 5))
    application.refresh_from_db()
    assert application.closed_on == date(2026, 6, 5)
    objection = services.register_objection(application, reasons="有异议", received_on=date(2026, 6, 6), by=reviewer)
    services.decide_objection(
        objection,
        outcome=ObjectionOutcome.CORRECTED,
        note="",
        decided_on=date(2026, 6, 8),
        by=personas[(Role.BUREAU_REVIEWER, "luoding")],
        document=pdf(),
    )
    application.refresh_from_db()
    assert application.closed_on is None


def test_the_bureau_decision_cannot_be_dated_in_the_future(application, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    services.refuse(application, reason="不符合条件", by=reviewer, today=date(2026, 6, 5))
    objection = services.register_objection(application, reasons="有异议", received_on=date(2026, 6, 6), by=reviewer)
    with pytest.raises(ValidationError):
        services.decide_objection(
            objection,
            outcome=ObjectionOutcome.CORRECTED,
            note="",
            decided_on=timezone.localdate() + timedelta(days=365),
            by=personas[(Role.BUREAU_REVIEWER, "luoding")],
            document=pdf(),
        )


def test_the_tracking_page_follows_the_case_to_its_termination(client, application, personas):
    from cases.models import Case, TerminationGround

    reviewer = personas[(Role.REVIEWER, "luoding")]
    case_services.approve(application, by=reviewer)
    case = Case.objects.get(application=application)
    case_services.terminate(
        case, ground=TerminationGround.objects.get(item=6), reason="受援人自行委托了律师。", by=reviewer
    )
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    page = client.get("/track/status/").content.decode()
    assert case.number in page and "已终止" in page and "自行委托律师" in page
    letter = client.get("/track/letters/termination/").content.decode()
    assert "终止法律援助决定书" in letter and "罗定市司法局" in letter
