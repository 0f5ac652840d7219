"""Issue 11's journey: 罗定's clerk registers a notice from 罗定市人民法院 for a 16-year-old → the case
opens with a 刑 number → the assignment form refuses a lawyer of 2 years for a life-or-death ground and
a non-lawyer, accepts a qualified lawyer → the 法律援助公函 prints with the organ and the lawyer → the
city's month page counts it under 通知辩护 that day."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case, HandlerKind
from tests.cases.factories import PDF, make_handler
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()


def test_a_notice_opens_a_case_gets_a_qualified_lawyer_and_counts_that_day(page, make_user):
    make_user("clerk-luoding", Role.CLERK, office="luoding", first_name="罗定受理员")
    make_user("reviewer-luoding", Role.REVIEWER, office="luoding", first_name="罗定审查员")
    make_user("city", Role.CITY_STAFF, office="city", first_name="市局")
    junior = make_handler(make_user("lawyer-9", Role.HANDLER, office="luoding", first_name="莫律师"), years=2)
    staff = make_handler(
        make_user("aid-worker", Role.HANDLER, office="luoding", first_name="援助中心工作人员"), kind=HandlerKind.STAFF
    )
    senior = make_handler(make_user("lawyer-3", Role.HANDLER, office="luoding", first_name="黄律师"), years=8)
    today = timezone.localdate()

    # The clerk registers the court's notice from the case list.
    sign_in(page, "clerk-luoding")
    page.goto("/staff/cases/")
    page.get_by_role("link", name="登记通知辩护").click()
    page.get_by_label("通知机关", exact=True).select_option(label="罗定市人民法院")
    page.get_by_label("通知书编号").fill("罗法援通〔2026〕88号")
    page.get_by_label("通知书日期").fill(today.isoformat())
    page.get_by_label("收到通知日期").fill(today.isoformat())
    page.get_by_label("受援人姓名").fill("小林")
    page.get_by_label("出生日期（无身份证号时填写，可不填）").fill(date(today.year - 16, 2, 1).isoformat())
    page.get_by_label("涉嫌罪名").fill("抢劫罪")
    page.get_by_label("诉讼阶段").select_option(label="审判")
    page.get_by_label("通知情形").select_option(label="第二十五条第一款第四项：可能被判处无期徒刑、死刑的人")
    page.get_by_label("通知书扫描件").set_input_files(
        files=[{"name": "通知书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="登记通知辩护").click()
    case = Case.objects.get()
    assert case.number == f"（{today.year}）罗定法援刑字第0001号"
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    expect(page.get_by_test_id("notice-organ")).to_contain_text("罗定市人民法院")
    sign_out(page)

    # The reviewer: a 2-year lawyer and a non-lawyer are refused, with the statute's reasons.
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/cases/{case.pk}/")
    for handler, refusal in ((junior, "三年以上执业经历"), (staff, "须指派律师")):
        page.locator("#assign_form_handler").select_option(str(handler.pk))
        page.get_by_role("button", name="指派", exact=True).click()
        expect(page.locator("form").filter(has=page.locator("#assign_form_handler"))).to_contain_text(refusal)
        expect(page.get_by_test_id("case-state")).to_have_text("待指派")
    page.locator("#assign_form_handler").select_option(str(senior.pk))
    page.get_by_role("button", name="指派", exact=True).click()
    expect(page.get_by_test_id("case-state")).to_have_text("承办中")

    # The 公函 to the court names the court and the lawyer.
    page.get_by_role("link", name="打印法律援助公函").click()
    expect(page.get_by_test_id("organ-letter-addressee")).to_have_text("罗定市人民法院：")
    expect(page.get_by_test_id("organ-letter-lawyer")).to_have_text("黄律师")
    sign_out(page)

    # The city's page for this month counts it under 通知辩护, the day it was received.
    sign_in(page, "city")
    page.goto(f"/reports/{today.year}/{today.month}/")
    table = page.get_by_test_id("office-table")
    index = table.locator("thead th").evaluate_all(
        "(cells) => cells.findIndex(c => c.dataset.testid === 'form-notice')"
    )
    assert index > 0
    expect(table.get_by_test_id("office-row-luoding").locator("td").nth(index)).to_have_text("1")
