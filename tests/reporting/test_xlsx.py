"""The workbook: every number of 分县统计 against an independent count, and the 附件's layout."""

import statistics
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import Office
from applications.models import Application, Status
from cases.models import Case
from consultations.models import Consultation, DraftedDocument
from duty.models import HelpRecord
from reporting.selectors import MODULE_FIGURES
from reporting.xlsx import (
    COUNTED_TOTAL_COLUMN,
    HEADERS,
    LEADING_COLUMNS,
    SHEET_CUMULATIVE,
    SHEET_OFFICES,
    SHEET_TABLE,
    TASK,
    TRAILING_COLUMNS,
)
from tests.consultations.factories import consult, draft
from tests.duty.factories import on_duty, record
from tests.reporting.factories import approved, local, notified, receive, refuse

# Sheet 2's columns: the forms of legal aid that count by default (SPEC §7), their total, and those
# reported beside.
OFFICE_COLUMNS = [
    *LEADING_COLUMNS,
    "本月申请准予（件）",
    "本月通知辩护（件）",
    "本月法律帮助（人次）",
    COUNTED_TOTAL_COLUMN,
    "本月法律咨询（人次）",
    "本月代拟法律文书（件）",
    *TRAILING_COLUMNS,
]

SLUGS = ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
DEFAULT_TARGETS = {"city": 300, "yuncheng": 450, "yunan": 300, "luoding": 1000, "xinxing": 500, "yunnan": 450}
GENERATED = local(date(2026, 6, 10), 9)


@pytest.fixture
def year_of_rows(personas):
    """A spread of applications: approvals in March–June, cross-county, online, refused, pending."""
    for index in range(24):
        responsible, at = SLUGS[index % 6], SLUGS[(index * 5 + 1) % 6] if index % 4 == 0 else SLUGS[index % 6]
        month = 3 + index % 4
        received_on = date(2026, month, 2 + index % 20)
        approved(
            received_on=received_on,
            decided_on=date(2026, month, 3 + index % 20 + index % 5),
            responsible=responsible,
            at=None if index % 7 == 3 else at,
            personas=personas,
        )
    refuse(
        receive(local(date(2026, 5, 11)), responsible="luoding", at="yunan", personas=personas),
        date(2026, 5, 15),
        personas,
    )
    receive(local(date(2026, 5, 19)), responsible="yunnan", at="luoding", personas=personas)  # overdue at 31 May
    receive(local(date(2026, 5, 28)), responsible="yunnan", at="yunnan", personas=personas)  # due in June
    # Notices (通知辩护) in April and May, some registered at another county's window.
    for index, (organ_office, at, day) in enumerate(
        [
            ("luoding", "luoding", date(2026, 5, 6)),
            ("luoding", "yunan", date(2026, 5, 20)),
            ("xinxing", "xinxing", date(2026, 4, 9)),
            ("yuncheng", "luoding", date(2026, 5, 31)),
        ]
    ):
        notified(received_on=day, organ_office=organ_office, at=at, serial=index, personas=personas)
    # 法律帮助 by duty lawyers (counted per person), consultations and drafted documents (beside).
    with time_machine.travel(local(date(2026, 5, 31), 18), tick=False):
        for office, day, names in [
            ("luoding", date(2026, 5, 7), ("甲", "乙", "丙")),
            ("yunan", date(2026, 5, 14), ("丁",)),
            ("luoding", date(2026, 4, 2), ("戊", "己")),
        ]:
            record(personas, on_duty(personas, on=day, office=office), *names)
        for office, day, people in [("luoding", date(2026, 5, 8), 3), ("xinxing", date(2026, 5, 20), 2)]:
            consult(personas, office, consulted_on=day, people=people)
        draft(personas, "yunnan", drafted_on=date(2026, 5, 21), copies=2)


def generate(tmp_path, **options):
    output = tmp_path / "report.xlsx"
    with time_machine.travel(GENERATED, tick=False):
        call_command("monthly_report", year=2026, month=5, output=str(output), **options)
    return load_workbook(output)


def independent_rows(year: int, month: int, slugs: list[str]) -> list[list]:
    """Sheet 2 recomputed the plain way: every application in Python, counted per office."""
    apps = list(Application.objects.select_related("responsible_office", "receiving_office"))
    month_end = date(2026, month + 1, 1).toordinal() - 1

    def in_month(day: date | None) -> bool:
        return day is not None and (day.year, day.month) == (year, month)

    notices = list(Case.objects.filter(notice__isnull=False).select_related("office"))
    helped = list(HelpRecord.objects.select_related("office"))
    consultations = list(Consultation.objects.select_related("office"))
    documents = list(DraftedDocument.objects.select_related("office"))
    rows = []
    for slug in slugs:
        approved_by_month = [
            sum(
                1
                for a in apps
                if a.status == Status.APPROVED and a.responsible_office.slug == slug and a.decided_on.month == m
            )
            for m in range(1, month + 1)
        ]
        notices_by_month = [
            sum(1 for case in notices if case.office.slug == slug and case.opened_on.month == m)
            for m in range(1, month + 1)
        ]
        helped_by_month = [
            sum(1 for record in helped if record.office.slug == slug and record.helped_on.month == m)
            for m in range(1, month + 1)
        ]
        by_month = [a + n + h for a, n, h in zip(approved_by_month, notices_by_month, helped_by_month, strict=True)]
        consulted = sum(c.people for c in consultations if c.office.slug == slug and in_month(c.consulted_on))
        drafted = sum(d.copies for d in documents if d.office.slug == slug and in_month(d.drafted_on))
        received = [
            a
            for a in apps
            if a.receiving_office and a.receiving_office.slug == slug and in_month(timezone.localdate(a.received_at))
        ]
        routed_in = [
            a
            for a in apps
            if a.receiving_office
            and a.responsible_office.slug == slug
            and a.receiving_office != a.responsible_office
            and in_month(timezone.localdate(a.received_at))
        ]
        days = [
            (a.decided_on - timezone.localdate(a.received_at)).days
            for a in apps
            if a.responsible_office.slug == slug
            and a.status in (Status.APPROVED, Status.REFUSED)
            and in_month(a.decided_on)
        ]
        overdue = sum(
            1
            for a in apps
            if a.responsible_office.slug == slug
            and a.status == Status.PENDING_REVIEW
            and a.review_due_on(today=date.fromordinal(month_end)).toordinal() < month_end
        )
        target = DEFAULT_TARGETS[slug]
        ytd = sum(by_month)
        rows.append(
            [
                target,
                approved_by_month[-1],
                notices_by_month[-1],
                helped_by_month[-1],
                by_month[-1],
                consulted,
                drafted,
                ytd,
                (Decimal(ytd) * 100 / target).quantize(Decimal("0.1")),
                (Decimal(target) * date.fromordinal(month_end).timetuple().tm_yday / 365).quantize(Decimal("0.1")),
                len(received),
                sum(1 for a in received if a.responsible_office != a.receiving_office),
                len(routed_in),
                Decimal(str(statistics.median(days))).quantize(Decimal("0.1")) if days else "—",
                overdue,
                # Approvals of the month by economic basis: 经济困难, 免予核查 (第四十二条), 第三十二条.
                *[
                    sum(
                        1
                        for a in apps
                        if a.responsible_office.slug == slug
                        and a.status == Status.APPROVED
                        and in_month(a.decided_on)
                        and a.economic_basis == basis
                    )
                    for basis in ("hardship", "exempt", "unrestricted")
                ],
                # No reviews, follow-ups, publicity or subsidies in these rows: counts 0, rates none.
                *["—" if figure.is_rate else 0 for figure in MODULE_FIGURES],
            ]
        )
    return rows


def _numbers(row) -> list:
    return [Decimal(str(value)) if isinstance(value, float) else value for value in row]


def test_sheet_two_equals_an_independent_count_of_the_rows(year_of_rows, tmp_path):
    workbook = generate(tmp_path)
    sheet = workbook[SHEET_OFFICES]
    assert [cell.value for cell in sheet[2]] == OFFICE_COLUMNS
    names = [sheet.cell(row=3 + index, column=1).value for index in range(6)]
    assert names == [office.name for office in Office.objects.order_by("sort_order")]

    expected = independent_rows(2026, 5, SLUGS)
    numeric = len(expected[0])
    got = [_numbers([sheet.cell(row=3 + index, column=2 + col).value for col in range(numeric)]) for index in range(6)]
    assert got == expected
    # The data is not trivial: approvals, notices, persons helped, consultations, documents, receipts.
    assert all(sum(row[col] for row in expected) > 0 for col in (1, 2, 3, 5, 6, 10))

    total = _numbers([sheet.cell(row=9, column=2 + col).value for col in range(numeric)])
    assert sheet.cell(row=9, column=1).value == "合计"
    for col in (0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 14):  # targets and counts add up
        assert total[col] == sum(row[col] for row in got), OFFICE_COLUMNS[col + 1]
    assert total[0] == 3000

    # Statuses: nobody submitted May's sheet; the deadline (2 June) has passed by 10 June.
    statuses = [sheet.cell(row=3 + index, column=len(OFFICE_COLUMNS)).value for index in range(6)]
    assert statuses == ["市级汇总"] + ["未报送（已逾期）"] * 5

    # Year to date of May = the sum of months 1..5 on the cumulative sheet.
    cumulative = workbook[SHEET_CUMULATIVE]
    months = [cumulative.cell(row=r, column=2).value for r in range(2, 7)]
    assert cumulative.cell(row=6, column=3).value == sum(months) == total[7]
    assert [cumulative.cell(row=r, column=1).value for r in range(2, 7)] == ["1月", "2月", "3月", "4月", "5月"]


def test_a_county_report_has_only_that_office(year_of_rows, tmp_path):
    workbook = generate(tmp_path, office="445381")
    sheet = workbook[SHEET_OFFICES]
    assert sheet.cell(row=3, column=1).value == "罗定市法律援助处"
    assert sheet.cell(row=4, column=1).value == "合计"
    expected = independent_rows(2026, 5, ["luoding"])[0]
    assert _numbers([sheet.cell(row=3, column=2 + col).value for col in range(len(expected))]) == expected
    assert workbook[SHEET_TABLE]["A2"].value == "填报单位：罗定市司法局"


def test_sheet_one_reproduces_the_annex(year_of_rows, tmp_path):
    workbook = generate(tmp_path)
    assert workbook.sheetnames == [SHEET_TABLE, SHEET_OFFICES, SHEET_CUMULATIVE]
    sheet = workbook[SHEET_TABLE]
    assert sheet["A1"].value == "2026年云浮市十件民生实事办理情况表"
    assert sheet["A2"].value == "填报单位：云浮市司法局"
    assert sheet["D2"].value == "填报时间：2026年6月10日"
    assert [sheet.cell(row=3, column=c).value for c in range(1, 6)] == HEADERS
    assert HEADERS == ["民生事项", "具体工作任务", "牵头责任单位", "配合单位", "推进落实情况"]
    assert sheet["A4"].value == "提高困难群众生活救助水平，增强服务可及性"
    assert sheet["B4"].value == TASK.format(target=3000)
    assert sheet["B4"].value.endswith("全市全年办理法律援助事项总数不少于3000件。")
    assert (sheet["C4"].value, sheet["D4"].value) == ("市司法局", "各县（市、区）政府")
    assert sheet["E4"].value.startswith("推进情况：截至5月底，全市累计办理法律援助事项")
    assert "罗定市：未报送。" in sheet["E4"].value
    assert sheet["E5"].value.startswith("相关资金落实（使用）情况：")
    assert sheet["E6"].value.startswith("影响项目推进的存在问题：")
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A1:E1", "A2:C2", "D2:E2", "A4:A6", "B4:B6", "C4:C6", "D4:D6"} <= merged
    assert sheet["E4"].alignment.wrap_text and sheet["B4"].alignment.wrap_text
    assert sheet["A3"].border.left.style == "thin" and sheet["E6"].border.bottom.style == "thin"
    assert sheet.column_dimensions["E"].width >= 60
    # A4 landscape, one page wide.
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert int(sheet.page_setup.fitToWidth) == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


def test_the_chart_plots_cumulative_matters_against_the_pace(year_of_rows, tmp_path):
    sheet = generate(tmp_path)[SHEET_CUMULATIVE]
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert chart.tagname == "lineChart"
    series = chart.series
    assert [s.tx.strRef.f for s in series] == ["'累计进度'!C1", "'累计进度'!D1"]
    assert [s.val.numRef.f for s in series] == ["'累计进度'!$C$2:$C$6", "'累计进度'!$D$2:$D$6"]
    categories = series[0].cat.strRef or series[0].cat.numRef
    assert categories.f == "'累计进度'!$A$2:$A$6"
    assert (sheet["C1"].value, sheet["D1"].value) == ("累计办理（件）", "时序进度（件）")
    # Printed on one A4 landscape page with the legend below the plot.
    assert chart.legend is not None and chart.legend.position == "b"
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 1)


def test_the_offices_sheet_prints_across_two_pages_with_its_headers_repeated(year_of_rows, tmp_path):
    sheet = generate(tmp_path)[SHEET_OFFICES]
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)
    assert int(sheet.page_setup.fitToWidth) == 2 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2" and sheet.print_title_cols == "$A:$A"
    status_column = get_column_letter(len(OFFICE_COLUMNS))
    assert sheet.column_dimensions[status_column].width >= len("已退回未重报（已逾期）") * 2


# --- the command's export is audited like the download --------------------------------------------
def test_the_command_writes_an_export_audit_row(personas, tmp_path):
    from audit.models import AuditAction, AuditEntry

    generate(tmp_path)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor is None and entry.note == "命令行导出：云浮市2026年5月民生实事办理情况表.xlsx"
    generate(tmp_path, office="445381", user="admin")
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.actor == personas["admin"] and entry.note == "命令行导出：罗定市2026年5月民生实事办理情况表.xlsx"


def test_the_command_refuses_an_unknown_or_non_admin_user(personas, tmp_path):
    from django.core.management.base import CommandError

    from audit.models import AuditAction, AuditEntry

    for username in ("nobody", "city"):
        with pytest.raises(CommandError, match="有效管理员"):
            generate(tmp_path, user=username)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
