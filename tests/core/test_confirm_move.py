"""Moves that cannot be taken back ask first (issue 13 §4): 准予, 不予, 转交市外, 终止 and 归档 show a
confirmation page rendered by the server; nothing is written until it is confirmed."""

import re

from accounts.models import Role
from applications.models import Status
from applications.workflows import APPLICATION_FLOW
from audit.models import AuditAction, AuditEntry
from cases.models import Case, CaseState
from cases.workflows import CASE_FLOW
from tests.applications.factories import submit
from tests.applications.test_page_markup import assert_ids_unique_and_labels_bound
from tests.cases.factories import make_case


def state_changes(obj) -> int:
    return AuditEntry.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(obj.pk)).count()


def test_the_irreversible_moves_are_the_ones_that_ask():
    asking = {name for name, move in APPLICATION_FLOW.moves.items() if move.confirm}
    asking |= {name for name, move in CASE_FLOW.moves.items() if move.confirm}
    assert asking == {"approve", "refuse", "transfer_out", "reject_supplement", "withdraw", "terminate", "archive"}


def test_approval_asks_first_and_writes_nothing_until_confirmed(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    url = f"/staff/applications/{application.pk}/approve/"
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "请确认：准予法律援助" in page and "不能撤回" in page
    assert '<button type="submit" class="btn btn-danger">确认准予法律援助</button>' in page
    assert f'href="/staff/applications/{application.pk}/"' in page  # 返回
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert_ids_unique_and_labels_bound(page)
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    assert not Case.objects.exists() and state_changes(application) == 0

    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED and Case.objects.count() == 1


def test_refusal_confirmation_carries_the_reason_and_shows_it(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    url = f"/staff/applications/{application.pk}/refuse/"
    page = client.post(url, {"reason": "申请事项不属于法律援助范围。"}).content.decode()
    assert "申请事项不属于法律援助范围。" in page
    assert '<input type="hidden" name="reason" value="申请事项不属于法律援助范围。">' in page
    assert '<input type="hidden" name="confirmed" value="1">' in page
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    client.post(url, {"reason": "申请事项不属于法律援助范围。", "confirmed": "1"})
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert application.decision_reason == "申请事项不属于法律援助范围。"


def test_a_form_with_errors_comes_back_before_any_question(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.post(f"/staff/applications/{application.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    assert "请确认" not in response.content.decode()


def test_who_may_not_move_is_refused_before_the_question(client, personas):
    application = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.post(f"/staff/applications/{application.pk}/approve/").status_code == 403


def test_termination_asks_first_with_the_ground_by_its_name(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.post(f"/staff/cases/{case.pk}/terminate/", {"ground": 4, "reason": "受援人经济状况好转"})
    page = response.content.decode()
    assert response.status_code == 200 and "确认终止法律援助" in page and "受援人经济状况好转" in page
    assert f'href="/staff/cases/{case.pk}/"' in page
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_a_reversible_move_is_made_at_once(client, personas):
    application = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post(f"/staff/applications/{application.pk}/urgent/", {"ground": "preservation"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_urgent


def test_withdrawing_on_track_takes_a_second_deliberate_step(client, personas):
    application = submit()
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    page = client.get("/track/status/").content.decode()
    details = page[page.index("<details>") : page.index("</details>")]
    assert "确认撤回申请" in details and "不能恢复" in details
