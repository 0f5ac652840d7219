import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from reporting.models import MonthlySubmission, SubmissionStatus
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_county_submits_may_and_the_city_downloads_the_workbook(page, make_user, tmp_path):
    make_user("clerk-luoding", Role.CLERK, office="luoding")
    make_user("city", Role.CITY_STAFF, office="city")

    # 罗定's clerk fills in and submits May's sheet.
    sign_in(page, "clerk-luoding")
    page.goto("/reports/2026/5/")
    expect(page.get_by_test_id("own-figures")).to_contain_text("截至5月底，罗定市累计办理法律援助事项")
    page.get_by_label("推进情况").fill("本月在罗城、素龙设立“市域通办”受理点。")
    page.get_by_label("相关资金落实（使用）情况").fill("办案补贴已按时发放。")
    page.get_by_label("影响项目推进的存在问题").fill("无。")
    page.get_by_role("button", name="提交月报").click()
    expect(page.get_by_text("2026年5月月报已报送。")).to_be_visible()
    expect(page.get_by_role("button", name="提交月报")).to_have_count(0)
    assert (
        MonthlySubmission.objects.get(office__slug="luoding", year=2026, month=5).status == SubmissionStatus.SUBMITTED
    )
    page.get_by_role("button", name="退出登录").click()

    # The city sees 罗定 as submitted and the other counties as missing.
    sign_in(page, "city")
    page.goto("/reports/2026/5/")
    expect(page.get_by_test_id("status-luoding")).to_have_text(re.compile(r"^已报送"))
    for slug in ("yuncheng", "yunan", "xinxing", "yunnan"):
        expect(page.get_by_test_id(f"status-{slug}")).to_have_text(re.compile(r"^未报送"))
    expect(page.get_by_test_id("sheet-luoding")).to_contain_text("本月在罗城、素龙设立“市域通办”受理点。")

    # 下载月报 gives one valid workbook.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载月报").click()
    path = tmp_path / "report.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["办理情况表", "分县统计", "累计进度"]
    assert workbook["办理情况表"]["A1"].value == "2026年云浮市十件民生实事办理情况表"
    assert "罗定市：本月在罗城、素龙设立“市域通办”受理点。" in workbook["办理情况表"]["E4"].value
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor_username="city").count() == 1
