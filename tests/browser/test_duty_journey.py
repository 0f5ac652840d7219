"""The duty-lawyer journey of issue 11: 罗定's reviewer puts a lawyer on the roster at 罗定市看守所 →
the lawyer signs in and records a day of five people through the one form (添加一行 works without
script) → the five records exist and show in the list."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from duty.models import HelpRecord
from tests.cases.factories import make_handler
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = [
    ("陈大文", "11010519491231002X", "侦查", ["法律咨询", "申请变更强制措施"]),
    ("李小明", "", "审查起诉", ["法律咨询", "认罪认罚具结在场"]),
    ("黄志强", "", "审查起诉", ["程序选择建议"]),
    ("梁家辉", "", "审判", ["对案件处理提出意见"]),
    ("张伟", "", "侦查", ["法律咨询"]),
]


def test_duty_lawyer_records_a_day_of_five_people(page, make_user):
    make_user("reviewer-luoding", Role.REVIEWER, office="luoding", first_name="罗定审查员")
    make_user("city", Role.CITY_STAFF, office="city", first_name="市局")
    lawyer = make_user("lawyer-3", Role.HANDLER, office="luoding", first_name="黄律师")
    make_handler(lawyer)
    today = timezone.localdate()

    # The office reviewer puts 黄律师 on today's roster at 罗定市看守所.
    sign_in(page, "reviewer-luoding")
    page.get_by_role("link", name="值班律师").click()
    page.get_by_role("link", name="值班排班").click()
    page.get_by_role("link", name="安排值班").click()
    page.get_by_label("值班日期").fill(today.isoformat())
    page.get_by_label("值班工作站").select_option(label="罗定市看守所")
    page.get_by_label("值班律师").select_option(index=1)
    page.get_by_role("button", name="保存排班").click()
    expect(page.get_by_test_id("duty-shift")).to_contain_text("黄律师")
    page.get_by_role("button", name="退出登录").click()

    # The duty lawyer records the day's list in one form.
    sign_in(page, "lawyer-3")
    page.get_by_role("link", name="值班律师").click()
    page.get_by_role("link", name="记录法律帮助").click()
    expect(page.get_by_test_id("my-shifts")).to_contain_text("罗定市看守所")
    page.get_by_label("值班工作站").select_option(label="罗定市看守所")
    rows = page.get_by_test_id("person-row")
    expect(rows).to_have_count(5)
    page.get_by_role("button", name="添加一行").click()  # a server round trip: no inline script
    expect(rows).to_have_count(6)
    for index, (name, id_number, stage, kinds) in enumerate(PEOPLE):
        row = rows.nth(index)
        row.get_by_label(f"第{index + 1}行姓名").fill(name)
        row.get_by_label(f"第{index + 1}行身份证号").fill(id_number)
        row.get_by_label(f"第{index + 1}行诉讼阶段").select_option(label=stage)
        for kind in kinds:
            row.get_by_label(kind).check()
    page.get_by_role("button", name="记录法律帮助").click()

    expect(page.get_by_text("已记录法律帮助5人。")).to_be_visible()
    expect(page.get_by_test_id("help-record")).to_have_count(5)
    assert sorted(HelpRecord.objects.values_list("person_name", flat=True)) == sorted(p[0] for p in PEOPLE)
    assert HelpRecord.objects.filter(office__slug="luoding", helped_on=today).count() == 5
    assert HelpRecord.objects.get(person_name="陈大文").id_number == "11010519491231002X"

    # The city's page for this month: 罗定's 法律帮助 count moved by five, and so did its counted total.
    page.get_by_role("button", name="退出登录").click()
    sign_in(page, "city")
    page.goto(f"/reports/{today.year}/{today.month}/")
    table = page.get_by_test_id("office-table")
    index = table.locator("thead th").evaluate_all(
        "(cells) => cells.findIndex(c => c.dataset.testid === 'form-duty_help')"
    )
    expect(table.get_by_test_id("office-row-luoding").locator("td").nth(index)).to_have_text("5")
