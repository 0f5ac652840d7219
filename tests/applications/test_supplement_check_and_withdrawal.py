"""法律援助法 第四十三条 and SPEC §3.1: a 补正 reply is checked by the office, not assumed complete —
complete: the review clock runs again from the day of the check; incomplete: 未按要求补正，视为撤回
(the office's own finding, no objection route, the applicant may apply again). The applicant may
withdraw the application (撤回申请) on /track/, and a clerk may record it; both are audited."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Status
from audit.models import AuditEntry
from core.transitions import TransitionError
from deadlines import calendar
from tests.applications.factories import pdf, submit

RECEIVED = date(2026, 6, 1)


@pytest.fixture
def waiting(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        application = submit()
    services.request_supplement(
        application, items=["工资欠条"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 3)
    )
    return application


def _trail(application) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(object_id=str(application.pk), object_type="applications.Application")
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


def test_lal_43_a_supplement_upload_does_not_restart_the_review_clock(client, waiting):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 5, 9))):
        client.post("/track/", {"number": waiting.number, "id_last6": waiting.id_number[-6:]})
        response = client.post("/track/supplement/", {"files": [pdf("欠条.pdf")]})
        assert response.status_code == 302
        page = client.get("/track/status/").content.decode()
    assert "待承办机构核对" in page
    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_SUPPLEMENT
    assert waiting.review_due_on(today=date(2026, 6, 8)) is None  # still stopped until the check
    assert waiting.supplement_requests.get().replied_on == date(2026, 6, 5)


def test_lal_43_the_office_confirms_the_reply_and_the_clock_restarts_that_day(personas, waiting):
    services.receive_supplement(waiting, files=[pdf()], by=personas[(Role.CLERK, "yunan")], today=date(2026, 6, 5))
    services.confirm_supplement(waiting, by=personas[(Role.REVIEWER, "luoding")], today=date(2026, 6, 8))
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING_REVIEW
    # Paused from 6-03 to the check on 6-08: 5 days not counted.
    assert waiting.review_due_on(today=date(2026, 6, 8)) == calendar.add_days(RECEIVED, 7 + 5)
    assert ("待补正", "待审查") in _trail(waiting)


def test_lal_43_only_the_responsible_office_checks_and_only_a_reply(personas, waiting):
    with pytest.raises(TransitionError, match="尚未提交补正材料"):
        services.confirm_supplement(waiting, by=personas[(Role.REVIEWER, "luoding")])
    services.receive_supplement(waiting, files=[pdf()], by=personas[(Role.CLERK, "yunan")])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.confirm_supplement(waiting, by=personas[(Role.CLERK, "yunan")])  # the receiving window


def test_lal_43_an_incomplete_reply_is_treated_as_withdrawn_without_objection_route(client, personas, waiting):
    services.receive_supplement(waiting, files=[pdf()], today=date(2026, 6, 5))
    services.reject_supplement(
        waiting, reason="所交材料不是工资欠条", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 6)
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.WITHDRAWN
    assert waiting.closed_on == date(2026, 6, 6)
    assert "未按要求补正，视为撤回" in waiting.closed_note
    assert waiting.supplement_requests.get().incomplete
    with pytest.raises(TransitionError):
        services.register_objection(
            waiting, reasons="不服", received_on=date(2026, 6, 6), by=personas[(Role.CLERK, "luoding")]
        )
    # The applicant may apply again: no open application stands in the way.
    assert not services.open_duplicates(id_number=waiting.id_number, category=waiting.category).exists()


def test_lal_43_a_reply_awaiting_the_check_is_not_expired_by_the_daily_job(waiting):
    services.receive_supplement(waiting, files=[pdf()], today=date(2026, 6, 10))
    assert services.expire_supplements(today=date(2026, 8, 1)) == []
    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_SUPPLEMENT


def test_the_applicant_withdraws_on_the_tracking_page(client, waiting):
    client.post("/track/", {"number": waiting.number, "id_last6": waiting.id_number[-6:]})
    assert "撤回申请" in client.get("/track/status/").content.decode()
    response = client.post("/track/withdraw/")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.RETRACTED
    assert waiting.closed_on == timezone.localdate()
    assert waiting.supplement_requests.get().resolved_on == timezone.localdate()
    entry = AuditEntry.objects.filter(to_state="申请人已撤回").get()
    assert entry.actor is None and "网上" in entry.note
    assert "申请人已撤回" in client.get("/track/status/").content.decode()
    assert client.get("/track/withdraw/").status_code == 405


def test_a_clerk_records_a_withdrawal_at_the_window(client, personas, waiting):
    clerk = personas[(Role.CLERK, "luoding")]
    client.force_login(clerk)
    response = client.post(f"/staff/applications/{waiting.pk}/withdraw/", {"reason": "已与对方和解", "confirmed": "1"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.RETRACTED and "已与对方和解" in waiting.closed_note
    assert AuditEntry.objects.filter(actor=clerk, to_state="申请人已撤回").exists()
    client.force_login(personas[(Role.CLERK, "yunnan")])
    assert client.post(f"/staff/applications/{waiting.pk}/withdraw/").status_code == 404


def test_the_check_is_made_from_the_application_page(client, personas, waiting):
    services.receive_supplement(waiting, files=[pdf()])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/applications/{waiting.pk}/").content.decode()
    assert "补正材料齐全，恢复审查" in page and "未按要求补正，视为撤回" in page
    assert client.post(f"/staff/applications/{waiting.pk}/supplement/reject/", {}).status_code == 400
    assert client.post(f"/staff/applications/{waiting.pk}/supplement/confirm/").status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING_REVIEW
