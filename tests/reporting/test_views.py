"""The reporting pages: dashboard, month page, 提交月报, return for correction, 下载月报, targets."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from reporting.models import AnnualTarget, MonthlySubmission, SubmissionStatus
from reporting.selectors import Period
from reporting.services import submit_monthly_sheet
from reporting.xlsx import SHEET_OFFICES
from tests.reporting.factories import approved, local

NOW = local(date(2026, 6, 1), 10)
SHEET = {"progress": "本月设立镇级受理点5个。", "funding": "经费已落实。", "problems": "无。"}


@pytest.fixture(autouse=True)
def june_first():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def some_matters(personas):
    approved(
        received_on=date(2026, 5, 4),
        decided_on=date(2026, 5, 6),
        responsible="luoding",
        at="luoding",
        personas=personas,
    )
    approved(
        received_on=date(2026, 5, 5),
        decided_on=date(2026, 5, 7),
        responsible="yuncheng",
        at="luoding",
        personas=personas,
    )


def submit_as(personas, slug="luoding"):
    return submit_monthly_sheet(
        office=personas[(Role.CLERK, slug)].office, period=Period(2026, 5), by=personas[(Role.CLERK, slug)], **SHEET
    )


# --- dashboard -------------------------------------------------------------------------------------
def test_city_dashboard_shows_every_office_and_the_chart(client, personas, some_matters):
    client.force_login(personas["city"])
    response = client.get("/reports/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="cumulative-chart"' in body and "<polyline" in body and 'data-testid="progress-bar"' in body
    for slug in ("city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan", "total"):
        assert f'data-testid="office-row-{slug}"' in body
    main = body.split("<main")[1].split("</main>")[0]
    assert "<script" not in main and "style=" not in main  # the CSP forbids inline scripts and styles


def test_city_dashboard_flags_last_months_missing_sheets(client, personas):
    submit_as(personas)  # on 1 June, in time
    with time_machine.travel(local(date(2026, 6, 5), 9), tick=False):
        client.force_login(personas["city"])
        body = client.get("/reports/").content.decode()
    assert 'data-testid="flagged"' in body
    assert "云城区（未报送（已逾期））" in body and "罗定市（" not in body


def test_county_dashboard_shows_its_office_and_the_city_total(client, personas, some_matters):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    body = client.get("/reports/").content.decode()
    assert 'data-testid="office-row-luoding"' in body and 'data-testid="office-row-total"' in body
    assert 'data-testid="office-row-yuncheng"' not in body


# Queries: session 1, user 1, groups 1, visible offices 1, the builder for the running month 12
# (counted in tests/reporting/test_selectors.py, BUILDER_QUERIES, less the two a month that is over
# needs to recompute its overdue reviews), last month's sheets flagged to the city 2 (submissions,
# holidays), the user's office for the navbar 1, the idle-timeout session save 3 (savepoint,
# update, release).
DASHBOARD_QUERIES = 22


@pytest.mark.parametrize("many", [False, True])
def test_dashboard_query_count_does_not_grow_with_rows(client, personas, django_assert_num_queries, many):
    for day in range(4, 14 if many else 5):
        approved(
            received_on=date(2026, 5, day),
            decided_on=date(2026, 5, day + 1),
            responsible="luoding",
            at="yunan",
            personas=personas,
        )
    client.force_login(personas["city"])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get("/reports/").status_code == 200


# --- the month page and 提交月报 ---------------------------------------------------------------------
def test_county_clerk_submits_the_sheet_and_it_becomes_read_only(client, personas, some_matters):
    clerk = personas[(Role.CLERK, "luoding")]
    client.force_login(clerk)
    page = client.get("/reports/2026/5/").content.decode()
    assert "提交月报" in page and "截至5月底，罗定市累计办理法律援助事项1件" in page

    response = client.post("/reports/2026/5/submit/", SHEET)
    assert response.status_code == 302
    submission = MonthlySubmission.objects.get(office=clerk.office, year=2026, month=5)
    assert submission.status == SubmissionStatus.SUBMITTED and submission.progress == SHEET["progress"]
    entry = AuditEntry.objects.get(action=AuditAction.STATE_CHANGE, object_type="reporting.MonthlySubmission")
    assert (entry.actor, entry.to_state) == (clerk, "已报送")

    page = client.get("/reports/2026/5/").content.decode()
    assert "已报送的月报不能修改" in page and "提交月报" not in page
    client.post("/reports/2026/5/submit/", {**SHEET, "progress": "改过的"})
    submission.refresh_from_db()
    assert submission.progress == SHEET["progress"]


def test_submission_form_errors_are_in_chinese_and_keep_the_text(client, personas):
    client.force_login(personas[(Role.REVIEWER, "xinxing")])
    response = client.post("/reports/2026/5/submit/", {"progress": "写了一半", "funding": "", "problems": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写“相关资金落实（使用）情况”。" in body and "写了一半" in body
    assert not MonthlySubmission.objects.exists()


def test_submit_is_post_only(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.get("/reports/2026/5/submit/").status_code == 405


@pytest.mark.parametrize("who", [(Role.HANDLER, "luoding"), (Role.CLERK, "city"), "city"])
def test_only_county_clerks_and_reviewers_submit(client, personas, who):
    client.force_login(personas[who])
    assert client.post("/reports/2026/5/submit/", SHEET).status_code == 403
    assert not MonthlySubmission.objects.exists()


def test_city_sees_statuses_and_flags_missing_sheets(client, personas):
    submit_as(personas)
    with time_machine.travel(local(date(2026, 6, 3), 9), tick=False):
        client.force_login(personas["city"])
        body = client.get("/reports/2026/5/").content.decode()
    assert 'data-testid="status-luoding">已报送<' in body
    assert 'data-testid="status-yuncheng">未报送（已逾期）<' in body
    assert 'data-testid="flagged"' in body and "本月设立镇级受理点5个。" in body


def test_city_returns_a_sheet_with_a_reason_and_the_county_submits_again(client, personas):
    submission = submit_as(personas)
    client.force_login(personas["city"])
    response = client.post("/reports/2026/5/445381/return/", {"reason": ""})
    assert response.status_code == 200 and "请写明退回理由。" in response.content.decode()
    response = client.post("/reports/2026/5/445381/return/", {"reason": "请补充宣传场次。"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (SubmissionStatus.RETURNED, "请补充宣传场次。")
    entry = AuditEntry.objects.filter(action=AuditAction.STATE_CHANGE).latest("pk")
    assert (entry.actor, entry.to_state, entry.note) == (personas["city"], "已退回修改", "退回修改：请补充宣传场次。")

    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/reports/2026/5/").content.decode()
    assert "市局已退回修改：请补充宣传场次。" in page and "提交月报" in page
    assert client.post("/reports/2026/5/submit/", {**SHEET, "progress": "已补充：宣传3场。"}).status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.progress) == (SubmissionStatus.SUBMITTED, "已补充：宣传3场。")


def test_counties_cannot_return_and_a_missing_sheet_is_404(client, personas):
    submit_as(personas)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.post("/reports/2026/5/445381/return/", {"reason": "x"}).status_code == 403
    client.force_login(personas["city"])
    assert client.post("/reports/2026/5/445302/return/", {"reason": "x"}).status_code == 404
    assert client.get("/reports/2026/13/").status_code == 404


# --- 下载月报 ----------------------------------------------------------------------------------------
def test_city_downloads_the_workbook_and_the_export_is_audited(client, personas, some_matters):
    client.force_login(personas["city"])
    response = client.get("/reports/2026/5/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content))[SHEET_OFFICES]
    assert [sheet.cell(row=r, column=1).value for r in range(3, 10)][-1] == "合计"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=personas["city"]).count() == 1


def test_a_county_downloads_its_own_sheet_only(client, personas, some_matters):
    client.force_login(personas[(Role.CLERK, "luoding")])
    sheet = load_workbook(BytesIO(client.get("/reports/2026/5/download/").content))[SHEET_OFFICES]
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["罗定市法律援助处", "合计"]
    assert client.get("/reports/2026/5/download/?office=445302").status_code == 404


# --- targets ---------------------------------------------------------------------------------------
def targets_post(city: int, shares: list[int]) -> dict:
    from accounts.models import Office

    data = {
        "city_target": city,
        "form-TOTAL_FORMS": 6,
        "form-INITIAL_FORMS": 6,
        "form-MIN_NUM_FORMS": 1,
        "form-MAX_NUM_FORMS": 20,
    }
    for index, (office, share) in enumerate(zip(Office.objects.all(), shares, strict=True)):
        data[f"form-{index}-office"] = office.pk
        data[f"form-{index}-target"] = share
    return data


def test_city_sets_targets_that_must_add_up(client, personas):
    client.force_login(personas["city"])
    page = client.get("/reports/targets/2026/").content.decode()
    assert "罗定市法律援助处" in page and 'value="1000"' in page
    response = client.post("/reports/targets/2026/", targets_post(3200, [300, 450, 300, 1000, 500, 450]))
    assert response.status_code == 200
    assert "各机构年度目标之和（3000件）必须等于全市年度目标（3200件），目前少200件。" in response.content.decode()
    assert not AnnualTarget.objects.exists()
    response = client.post("/reports/targets/2026/", targets_post(3200, [300, 450, 300, 1200, 500, 450]))
    assert response.status_code == 302
    annual = AnnualTarget.objects.get(year=2026)
    assert annual.city_target == 3200 and annual.offices.get(office__slug="luoding").target == 1200
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="reporting.AnnualTarget").exists()


def test_county_staff_cannot_set_targets(client, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get("/reports/targets/2026/").status_code == 403


# Queries: session 1, user 1, groups 1, the builder 14, visible offices 1, the navbar's office 1,
# the session save 3. Submissions come with the builder's one query, however many there are.
MONTH_PAGE_QUERIES = 22  # the month's figures read from the monthly aggregate in one query


@pytest.mark.parametrize("counties", [["luoding"], ["yuncheng", "yunan", "luoding", "xinxing", "yunnan"]])
def test_month_page_query_count_does_not_grow_with_submissions(client, personas, django_assert_num_queries, counties):
    for slug in counties:
        submit_as(personas, slug)
    client.force_login(personas["city"])
    with django_assert_num_queries(MONTH_PAGE_QUERIES):
        assert client.get("/reports/2026/5/").status_code == 200


# --- lateness from the first submission; a sheet left returned is flagged --------------------------
def return_as_city(personas, submission, reason="请补充宣传场次。"):
    from reporting.services import return_monthly_sheet

    return return_monthly_sheet(submission, reason=reason, by=personas["city"])


def test_a_sheet_sent_in_time_returned_and_sent_again_late_is_on_time(client, personas):
    from reporting.selectors import SubmissionState

    first = submit_as(personas)  # 1 June, before the 2 June deadline
    return_as_city(personas, first)
    with time_machine.travel(local(date(2026, 6, 5), 9), tick=False):
        again = submit_as(personas)
        client.force_login(personas["city"])
        body = client.get("/reports/2026/5/").content.decode()
    assert again.first_submitted_at == NOW and again.submitted_at > NOW
    assert 'data-testid="status-luoding">已报送<' in body and "首次报送：2026年6月1日 10:00" in body
    assert "罗定市（" not in body.split('data-testid="flagged"')[1].split("</div>")[0]
    rows = {row.office.slug: row for row in build_monthly_report_for_may(date(2026, 6, 5)).rows}
    assert rows["luoding"].submission_state == SubmissionState.ON_TIME


def test_a_sheet_left_returned_past_the_deadline_is_flagged_to_the_city(client, personas):
    return_as_city(personas, submit_as(personas))
    client.force_login(personas["city"])
    body = client.get("/reports/2026/5/").content.decode()
    assert 'data-testid="status-luoding">已退回修改<' in body  # 1 June: there is still time
    with time_machine.travel(local(date(2026, 6, 3), 9), tick=False):
        client.force_login(personas["city"])
        month_page = client.get("/reports/2026/5/").content.decode()
        dashboard = client.get("/reports/").content.decode()
    assert 'data-testid="status-luoding">已退回未重报（已逾期）<' in month_page
    assert "罗定市（已退回未重报（已逾期））" in month_page
    assert "罗定市（已退回未重报（已逾期））" in dashboard


def build_monthly_report_for_may(today: date):
    from accounts.models import Office
    from reporting.selectors import build_monthly_report

    return build_monthly_report(offices=Office.objects.all(), year=2026, month=5, today=today)


# --- the return form keeps what was typed ----------------------------------------------------------
def test_a_refused_return_keeps_the_reason_typed(client, personas):
    submit_as(personas)
    client.force_login(personas["city"])
    too_long = "请补充" * 200  # over the 500 characters allowed
    response = client.post("/reports/2026/5/445381/return/", {"reason": too_long})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'name="reason" rows="2">{too_long}</textarea>' in body


# --- targets: the sum rule is a form error whoever calls the service ---------------------------------
def test_save_targets_refuses_a_bad_total_with_a_validation_error(personas):
    from django.core.exceptions import ValidationError

    from accounts.models import Office
    from reporting.services import save_targets

    shares = dict(zip(Office.objects.all(), [300, 450, 300, 1000, 500, 450], strict=True))
    with pytest.raises(ValidationError) as refused:
        save_targets(year=2026, city_target=3200, office_targets=shares, by=personas["city"])
    assert refused.value.messages == ["各机构年度目标之和（3000件）必须等于全市年度目标（3200件），目前少200件。"]
    assert not AnnualTarget.objects.exists()


def test_a_bad_total_reaching_the_service_is_shown_on_the_form(client, personas, monkeypatch):
    from reporting.forms import BaseOfficeTargetFormSet

    # Only the service's own check stands between the request and the rows (e.g. a form changed
    # without its rule): the page shows the rule's message instead of failing.
    monkeypatch.setattr(BaseOfficeTargetFormSet, "clean", lambda self: None)
    client.force_login(personas["city"])
    response = client.post("/reports/targets/2026/", targets_post(3200, [300, 450, 300, 1000, 500, 450]))
    assert response.status_code == 200
    assert "各机构年度目标之和（3000件）必须等于全市年度目标（3200件），目前少200件。" in response.content.decode()
    assert not AnnualTarget.objects.exists()


# --- the admin shows targets and sheets but cannot change them ----------------------------------------
def test_the_admin_cannot_change_targets(client, personas):
    from accounts.models import Office
    from reporting.services import save_targets

    annual = save_targets(
        year=2026,
        city_target=3000,
        office_targets=dict(zip(Office.objects.all(), [300, 450, 300, 1000, 500, 450], strict=True)),
        by=personas["city"],
    )
    client.force_login(personas["admin"])
    assert client.get("/admin/reporting/annualtarget/").status_code == 200
    page = client.get(f"/admin/reporting/annualtarget/{annual.pk}/change/")
    assert page.status_code == 200 and 'name="city_target"' not in page.content.decode()
    assert 'name="offices-0-target"' not in page.content.decode()
    refused = client.post(f"/admin/reporting/annualtarget/{annual.pk}/change/", {"year": 2026, "city_target": 1})
    assert refused.status_code == 403
    assert client.get("/admin/reporting/annualtarget/add/").status_code == 403
    assert client.get(f"/admin/reporting/annualtarget/{annual.pk}/delete/").status_code == 403
    annual.refresh_from_db()
    assert annual.city_target == 3000
