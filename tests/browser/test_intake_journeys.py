"""The 市域通办 journeys of issue 3, in a real browser."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Office, Role
from applications import services
from applications.models import Application, Status
from deadlines import calendar
from tests.applications.factories import PDF_BYTES, make_id_number, service_data
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF_FILE = {"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}


def fill_application(page, *, id_number: str, authority: str, location: str) -> None:
    page.get_by_label("申请人姓名").fill("陈大文")
    page.get_by_label("身份证号").first.fill(id_number)
    page.get_by_label("联系电话").fill("13800005678")
    page.get_by_label("户籍地址").fill("广东省云浮市云城区建设北路1号")
    page.get_by_label("经常居住地").select_option(label="云城区")
    page.get_by_label("申请事项类别").select_option(label="劳动争议")
    page.get_by_label("案情摘要").fill("被拖欠工资两万元，申请劳动仲裁代理。")
    page.get_by_label("办案机关或争议处理机关", exact=True).fill(authority)
    page.get_by_label("办案机关或争议处理机关所在地").select_option(label=location)
    page.get_by_label("经济困难（已签署个人诚信承诺）").check()
    page.get_by_label("个人诚信承诺", exact=False).last.check()
    page.get_by_label("身份证明").set_input_files([PDF_FILE])


def test_citizen_applies_online_and_tracks_it(page):
    id_number = make_id_number(area="445302", sequence="135")
    page.goto("/apply/")
    fill_application(page, id_number=id_number, authority="云浮市云城区劳动人事争议仲裁委员会", location="云城区")
    page.get_by_role("button", name="提交申请").click()
    number = page.get_by_test_id("application-number").inner_text()
    assert re.fullmatch(r"YF-\d{4}-\d{6}", number)
    expect(page.get_by_text("云城区法律援助处").first).to_be_visible()

    application = Application.objects.get(number=number)
    due = calendar.add_days(application.clock_started_on, 7)
    page.context.clear_cookies()
    page.goto("/track/")
    page.get_by_label("申请编号").fill(number)
    page.get_by_label("身份证号后六位").fill(id_number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("status")).to_have_text("待审查")
    expect(page.get_by_test_id("due-on")).to_have_text(f"{due.year}年{due.month}月{due.day}日（含当日）前")


def test_walk_in_for_another_county_reaches_the_responsible_office_only(page, make_user):
    make_user("clerk-yuncheng", Role.CLERK, office="yuncheng")
    make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    make_user("reviewer-yuncheng", Role.REVIEWER, office="yuncheng")
    make_user("reviewer-yunnan", Role.REVIEWER, office="yunnan")

    sign_in(page, "clerk-yuncheng")
    page.goto("/staff/applications/")
    page.get_by_role("link", name="登记窗口申请").click()
    fill_application(page, id_number=make_id_number(sequence="246"), authority="罗定市人民法院", location="罗定市")
    page.get_by_role("button", name="登记窗口申请").click()
    expect(page.get_by_role("alert")).to_contain_text("承办机构：罗定市法律援助处")
    application = Application.objects.get()
    assert application.receiving_office.slug == "yuncheng"

    for username, sees in (("reviewer-luoding", True), ("reviewer-yuncheng", False)):
        page.context.clear_cookies()
        sign_in(page, username)
        page.goto("/staff/applications/")
        rows = page.get_by_test_id("queue-row").filter(has_text=application.number)
        expect(rows).to_have_count(1 if sees else 0)

    page.context.clear_cookies()
    sign_in(page, "reviewer-yunnan")
    response = page.goto(f"/staff/applications/{application.pk}/")
    assert response.status == 404


def test_supplement_upload_on_track_checked_by_the_office_moves_the_due_date(page, make_user):
    clerk = make_user("clerk-luoding", Role.CLERK, office="luoding")
    application = services.submit_application(data=service_data(), uploads={}, receiving_office=None)
    sign_in(page, "clerk-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    page.get_by_role("link", name="一次性告知补正").click()
    page.get_by_label("其他需补正的材料").fill("工资欠条原件")
    page.get_by_role("button", name="一次性告知补正").click()
    expect(page.get_by_test_id("status")).to_have_text("待补正")
    assert clerk  # the notice is on record under the clerk's name

    # Pretend the notice went out three days ago, then the citizen answers on /track/.
    supplement = application.supplement_requests.get()
    requested = date.fromordinal(supplement.requested_on.toordinal() - 3)
    type(supplement).objects.filter(pk=supplement.pk).update(requested_on=requested)
    type(application).objects.filter(pk=application.pk).update(clock_started_on=requested)
    page.context.clear_cookies()
    page.goto("/track/")
    page.get_by_label("申请编号").fill(application.number)
    page.get_by_label("身份证号后六位").fill(application.id_number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("工资欠条原件").first).to_be_visible()
    # The citizen puts the file under the item it answers; the page then shows the item received.
    page.get_by_label("工资欠条原件").set_input_files([PDF_FILE])
    page.get_by_role("button", name="提交补正材料").click()
    # The reply is checked, not assumed complete (第四十三条): the clock waits for the office.
    expect(page.get_by_test_id("supplement-replied")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("待补正")
    expect(page.get_by_test_id("supplement-items")).to_contain_text("工资欠条原件：已收到")

    page.context.clear_cookies()
    sign_in(page, "clerk-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    page.get_by_role("button", name="补正材料齐全，恢复审查").click()
    expect(page.get_by_test_id("status")).to_have_text("待审查")
    expect(page.get_by_test_id("supplement-items")).to_contain_text("工资欠条原件（已收到）")
    application.refresh_from_db()
    today = application.supplement_requests.get().resolved_on
    paused = calendar.count_days(requested, today)
    due = calendar.add_days(requested, 7 + paused)
    assert paused == 3
    expect(page.get_by_test_id("due-on")).to_have_text(f"{due.year}年{due.month}月{due.day}日（含当日）前")


def test_refusal_objection_at_the_office_and_the_bureau_orders_a_correction(page, make_user):
    """法律援助法 第四十九条: the office takes the objection in, the 司法局 that set it up decides."""
    make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    make_user("clerk-luoding", Role.CLERK, office="luoding")
    make_user("bureau-luoding", Role.BUREAU_REVIEWER, office="luoding")
    application = services.submit_application(
        data=service_data(), uploads={}, receiving_office=Office.objects.get(slug="luoding"), by=None
    )
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    page.get_by_label("不予法律援助的理由").fill("申请人家庭经济状况不符合经济困难标准。")
    page.get_by_role("button", name="不予法律援助").click()
    expect(page.get_by_test_id("confirm-question")).to_contain_text("不能撤回")
    expect(page.get_by_text("申请人家庭经济状况不符合经济困难标准。")).to_be_visible()
    page.get_by_role("button", name="确认不予法律援助").click()
    expect(page.get_by_test_id("status")).to_have_text("不予法律援助")

    page.get_by_role("link", name="打印不予法律援助决定书").click()
    expect(page.get_by_test_id("objection-route")).to_contain_text("罗定市司法局")
    expect(page.get_by_test_id("objection-route")).to_contain_text("五日内")
    expect(page.get_by_test_id("objection-route")).to_contain_text("行政复议或者提起行政诉讼")

    # The applicant comes back to the window and objects; the clerk registers it.
    page.context.clear_cookies()
    sign_in(page, "clerk-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    page.get_by_label("异议理由").fill("本人确属经济困难，有低保证明。")
    page.get_by_role("button", name="登记异议").click()
    expect(page.get_by_text("已登记异议")).to_be_visible()
    expect(page.get_by_role("button", name="记录审查结果")).to_have_count(0)  # not the office's to decide

    # 罗定市司法局's reviewer finds it on the dashboard and orders a correction, with the 决定书.
    page.context.clear_cookies()
    sign_in(page, "bureau-luoding")
    page.goto("/staff/")
    page.get_by_test_id("open-objections").get_by_role("link", name=application.number).click()
    page.get_by_label("责令改正").check()
    page.get_by_label("司法局决定书").set_input_files([{**PDF_FILE, "name": "异议审查决定书.pdf"}])
    page.get_by_role("button", name="记录审查结果").click()
    expect(page.get_by_text("已记录司法局对异议的审查结果")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("待审查")
    expect(page.get_by_role("link", name=re.compile("异议审查决定书"))).to_be_visible()
    application.refresh_from_db()
    assert application.status == Status.PENDING_REVIEW
    assert application.objections.get().decided_by.username == "bureau-luoding"

    # Back in the office's review.
    page.context.clear_cookies()
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/applications/{application.pk}/")
    expect(page.get_by_role("button", name="准予法律援助")).to_be_visible()
