"""Case pages (SPEC §4): the happy path of each view and its audit row, refusals, query counts."""

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from cases.models import Case, CaseState, ClosureMaterial
from tests.cases.factories import make_case, make_handler, pdf

pytestmark = pytest.mark.django_db


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_list_shows_the_users_cases_with_filters(client, personas):
    mine = make_case(personas, name="李四", state=CaseState.IN_PROGRESS)
    other = make_case(personas, office="yunan", name="王五")
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/cases/").content.decode()
    assert mine.number in page and other.number not in page
    assert mine.number in client.get("/staff/cases/", {"q": "李四"}).content.decode()
    assert mine.number not in client.get("/staff/cases/", {"state": "closed"}).content.decode()
    client.force_login(personas[(Role.HANDLER, "luoding")])
    assert mine.number in client.get("/staff/cases/").content.decode()


@pytest.mark.parametrize("how_many", [1, 6])
def test_list_query_count_is_pinned(client, personas, django_assert_num_queries, how_many):
    for _ in range(how_many):
        make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # session · user · user's groups (roles) · user perms · group perms (the seal) · count · the user's
    # office (navigation) · page rows with office and type · the page's applications, handlers and
    # their users by id (notices too when the page has any) · session refresh (savepoint, update,
    # release: the idle timeout)
    with django_assert_num_queries(14):
        response = client.get("/staff/cases/")
    assert response.content.decode().count('data-testid="case-row"') == how_many


def test_detail_query_count_is_pinned(client, personas, django_assert_num_queries):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # session · user · roles · user perms · group perms · the case with office and type · its
    # application · its handler with user and firm (by id: one eight-table join cost PostgreSQL more
    # to plan than three small reads) · the user's office (navigation) · materials · progress ·
    # assignments · objections · the peer-review grade · assignable handlers · termination grounds ·
    # the application's materials · the 办理记录 with its actors · session refresh (3); no calendar:
    # the 委托协议 clock's due date is stored with it
    with django_assert_num_queries(21):
        response = client.get(f"/staff/cases/{case.pk}/")
    assert response.status_code == 200
    assert case.number in response.content.decode()


def test_a_reviewer_assigns_from_the_page(client, personas):
    case = make_case(personas)
    handler = make_handler(personas[(Role.HANDLER, "luoding")])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert ">指派</button>" in page and "提交结案" not in page and "归档" not in page
    response = client.post(f"/staff/cases/{case.pk}/assign/", {"handler": handler.pk})
    assert response.status_code == 302
    case = reload(case)
    assert case.state == CaseState.IN_PROGRESS and case.handler == handler
    entry = AuditEntry.objects.filter(
        action=AuditAction.STATE_CHANGE, object_type="cases.Case", object_id=str(case.pk)
    ).get()
    assert (entry.from_state, entry.to_state, entry.actor_username) == ("待指派", "承办中", "reviewer-luoding")


def test_an_invalid_form_shows_its_errors_next_to_the_field(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.post(f"/staff/cases/{case.pk}/assign/", {"reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个字段是必填项" in page or "此字段为必填项" in page or "必填" in page


def test_the_handler_logs_progress_and_submits_closure(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.HANDLER, "luoding")])
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/staff/cases/{case.pk}/progress/", {"kind": "meeting", "happened_on": today, "note": "会见受援人"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/staff/cases/{case.pk}/closure/",
        {"method": "mediation", "matter_ended_on": today, "summary": "调解结案", "files": [pdf("调解书.pdf")]},
    )
    assert response.status_code == 302
    case = reload(case)
    assert case.state == CaseState.CLOSURE_REVIEW
    assert case.closure_submitted_on == timezone.localdate()
    material = ClosureMaterial.objects.get(case=case)
    assert material.original_name == "调解书.pdf"
    # The handler opens the file through the scoped view; the view is audited.
    response = client.get(f"/staff/cases/{case.pk}/materials/{material.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW_FILE, object_type="cases.Case", object_id=str(case.pk)
        ).count()
        == 1
    )


def test_closure_without_materials_is_refused_next_to_the_field(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.HANDLER, "luoding")])
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/staff/cases/{case.pk}/closure/", {"method": "judgment", "matter_ended_on": today, "summary": "胜诉"}
    )
    assert response.status_code == 400
    assert "请上传结案材料" in response.content.decode()
    assert reload(case).state == CaseState.IN_PROGRESS


def test_review_then_archive(client, personas):
    case = make_case(personas, state=CaseState.CLOSURE_REVIEW)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.post(f"/staff/cases/{case.pk}/closure/accept/").status_code == 302
    assert reload(case).state == CaseState.CLOSED
    assert client.post(f"/staff/cases/{case.pk}/archive/", {"confirmed": "1"}).status_code == 302
    assert reload(case).state == CaseState.ARCHIVED
    # A second archive is refused with the Chinese message, shown on the page.
    response = client.post(f"/staff/cases/{case.pk}/archive/", {"confirmed": "1"}, follow=True)
    assert "案件当前状态为“已归档”，不能进行此操作。" in response.content.decode()


def test_post_only_urls_refuse_get(client, personas):
    case = make_case(personas, state=CaseState.CLOSURE_REVIEW)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get(f"/staff/cases/{case.pk}/closure/accept/").status_code == 405
    assert reload(case).state == CaseState.CLOSURE_REVIEW


def test_another_countys_case_is_404_and_a_wrong_role_403(client, personas):
    case = make_case(personas, state=CaseState.CLOSURE_REVIEW)
    client.force_login(personas[(Role.REVIEWER, "yunan")])
    assert client.post(f"/staff/cases/{case.pk}/closure/accept/").status_code == 404
    client.force_login(personas[(Role.HANDLER, "luoding")])
    assert client.post(f"/staff/cases/{case.pk}/closure/accept/").status_code == 403
    client.force_login(personas["city"])
    assert client.post(f"/staff/cases/{case.pk}/archive/").status_code == 403
    client.force_login(personas[(Role.PEER_REVIEWER, "luoding")])
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 403
    assert reload(case).state == CaseState.CLOSURE_REVIEW


def test_termination_and_its_letter(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get(f"/staff/cases/{case.pk}/termination-letter/").status_code == 404
    response = client.post(
        f"/staff/cases/{case.pk}/terminate/", {"ground": 4, "reason": "受援人经济状况好转", "confirmed": "1"}
    )
    assert response.status_code == 302
    case = reload(case)
    assert case.state == CaseState.TERMINATED and case.termination_ground.item == 4
    letter = client.get(f"/staff/cases/{case.pk}/termination-letter/").content.decode()
    assert "终止法律援助决定书" in letter
    assert "经济状况发生变化，不再符合法律援助条件" in letter
    assert f"向设立本机构的{case.office.justice_bureau}提出" in letter
    assert "第四十九条" in letter


def test_handler_list_for_office_staff(client, personas):
    make_handler(personas[(Role.HANDLER, "luoding")])
    make_handler(personas[(Role.HANDLER, "yunan")])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/cases/handlers/").content.decode()
    assert "广东罗定律师事务所" in page and "广东云安律师事务所" not in page


def test_an_objection_is_registered_and_decided_from_the_page(client, personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    client.force_login(personas[(Role.CLERK, "luoding")])
    today = timezone.localdate().isoformat()
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "登记异议" in page and case.office.justice_bureau in page
    response = client.post(f"/staff/cases/{case.pk}/objection/", {"received_on": today, "reasons": "并未自行委托"})
    assert response.status_code == 302
    decision = {"outcome": "corrected", "decided_on": today, "note": ""}
    # The office's own staff no longer decide (法律援助法 第四十九条: the 司法局 does).
    assert client.post(f"/staff/cases/{case.pk}/objection/decide/", decision).status_code == 403
    bureau = personas[(Role.BUREAU_REVIEWER, "luoding")]
    client.force_login(bureau)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "记录审查结果" in page
    response = client.post(f"/staff/cases/{case.pk}/objection/decide/", {**decision, "document": pdf()})
    assert response.status_code == 302
    assert reload(case).state == CaseState.AWAITING_ASSIGNMENT
    objection = reload(case).objections.get()
    assert objection.decided_by == bureau and objection.original_name
    document = client.get(f"/staff/cases/{case.pk}/objections/{objection.pk}/document/")
    assert document.status_code == 200 and document["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_FILE, actor=bureau).exists()


def test_the_termination_letter_extends_the_shared_letter_layout(client, personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.get(f"/staff/cases/{case.pk}/termination-letter/")
    assert "applications/letters/base_letter.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert page.count('<article class="letter">') == 1
    assert page.count('data-testid="objection-route"') == 1
    assert f'href="/staff/cases/{case.pk}/"' in page


def test_article_48_paragraph_1_termination_letter_page_and_sms_cite_the_item(client, personas):
    """法律援助法第四十八条第一款: the letter, the case page and the text message cite
    「第四十八条第一款第六项」 the same way (one citation, on the ground)."""
    from cases.models import TerminationGround
    from notifications.models import OutboxMessage

    case = make_case(personas, state=CaseState.TERMINATED)
    ground = TerminationGround.objects.get(item=6)
    citation = f"法律援助法第四十八条第一款第六项：{ground.name}"
    client.force_login(personas[(Role.CLERK, "luoding")])
    letter = client.get(f"/staff/cases/{case.pk}/termination-letter/").content.decode()
    assert f"《中华人民共和国法律援助法》第四十八条第一款第六项规定的“{ground.name}”" in letter
    assert citation in client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert OutboxMessage.objects.filter(text__contains=citation).exists()
    assert str(ground) == f"第四十八条第一款第六项：{ground.name}"


def test_the_objection_forms_are_the_intakes():
    from applications import forms as intake_forms
    from cases import forms, views

    assert views.BUTTONS["register_objection"].form is intake_forms.ObjectionForm
    assert views.BUTTONS["decide_objection"].form is intake_forms.ObjectionDecisionForm
    assert not hasattr(forms, "ObjectionForm") and forms.UPLOAD_HELP is intake_forms.UPLOAD_HELP
