"""The case journey of issue 4: 准予 → case number → 指派 → the handler's log and 提交结案 →
结案审查通过 → 归档, and another handler gets 404 for the case."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case
from tests.cases.factories import PDF, make_application, make_handler
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()


def test_reviewer_assigns_lawyer_closes_and_archives(page, make_user):
    make_user("reviewer-luoding", Role.REVIEWER, office="luoding", first_name="罗定审查员")
    lawyer3 = make_handler(make_user("lawyer-3", Role.HANDLER, office="luoding", first_name="黄律师"))
    make_handler(make_user("lawyer-4", Role.HANDLER, office="luoding", first_name="梁律师"))
    application = make_application(office="luoding", name="陈大文")
    today = timezone.localdate()

    # 准予 on the application's page opens the case in the same transaction; its number appears.
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    page.get_by_role("button", name="准予法律援助").click()
    # 准予 cannot be taken back: a second page asks, and nothing happens until it is confirmed.
    expect(page.get_by_test_id("confirm-question")).to_contain_text("不能撤回")
    assert not Case.objects.filter(application=application).exists()
    page.get_by_role("button", name="确认准予法律援助").click()
    case = Case.objects.get(application=application)
    assert case.number == f"（{today.year}）罗定法援民字第0001号"
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)

    # The case number appears in the office's case list and leads to the case.
    page.goto("/staff/cases/")
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    expect(page.get_by_test_id("case-state")).to_have_text("待指派")

    # 指派 to lawyer-3.
    page.locator("#assign_form_handler").select_option(str(lawyer3.pk))
    page.get_by_role("button", name="指派", exact=True).click()
    expect(page.get_by_test_id("case-state")).to_have_text("承办中")
    expect(page.get_by_test_id("case-handler")).to_contain_text("黄律师")
    sign_out(page)

    # lawyer-3 logs a 会见 and submits closure.
    sign_in(page, "lawyer-3")
    page.goto(f"/staff/cases/{case.pk}/")
    page.locator("#progress_form_kind").select_option(label="会见")
    page.locator("#progress_form_happened_on").fill(today.isoformat())
    page.locator("#progress_form_note").fill("在看守所会见受援人，了解案情。")
    page.get_by_role("button", name="记录进展").click()
    expect(page.get_by_test_id("progress-log")).to_contain_text("会见")
    closure = page.get_by_test_id("closure-form")
    closure.locator("#closure_form_method").select_option(label="调解")
    closure.locator("#closure_form_matter_ended_on").fill(today.isoformat())
    closure.locator("#closure_form_summary").fill("双方达成调解协议。")
    closure.locator("#closure_form_files").set_input_files(
        files=[{"name": "调解书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交结案").click()
    expect(page.get_by_test_id("case-state")).to_have_text("待结案审查")
    expect(page.get_by_role("link", name="调解书.pdf")).to_be_visible()
    sign_out(page)

    # The office passes the closure review, then archives the file.
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_role("button", name="结案审查通过").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已结案")
    page.get_by_role("button", name="归档").click()
    page.get_by_role("button", name="确认归档").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已归档")
    sign_out(page)

    # Another handler of the same office cannot even see that the case exists.
    sign_in(page, "lawyer-4")
    response = page.goto(f"/staff/cases/{case.pk}/")
    assert response.status == 404
