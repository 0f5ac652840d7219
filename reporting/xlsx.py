"""Draws a `MonthlyReport` as the workbook the city sends to the 市政府 every month (SPEC §7).

Only drawing here: every figure comes from `reporting.selectors.build_monthly_report`.

* Sheet 1 (办理情况表) reproduces the 附件 of the 2022 plan: title, 填报单位, 填报时间, the five
  columns, the seed's wording in the first four and the progress, funding and problems in the fifth;
  A4 landscape, one page wide.
* Sheet 2 (分县统计): one row per office in SPEC §2 order and a 合计 row.
* Sheet 3 (累计进度): matters per month, cumulative, the target pace, and a line chart of the two.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reporting.counting import FormCount
from reporting.selectors import BASIS_FIGURES, MODULE_FIGURES, MonthlyReport, Row

# The 附件's wording (seed/000_2509ad755f599d01.txt), the target taken from the year's setting.
LIVELIHOOD_ITEM = "提高困难群众生活救助水平，增强服务可及性"
TASK = (
    "★为困难群众提供便捷高效的法律援助服务。推进法律援助申请“市域通办”，全市全年办理法律援助事项总数不少于{target}件。"
)
LEAD_UNIT = "市司法局"
SUPPORTING_UNITS = "各县（市、区）政府"
HEADERS = ["民生事项", "具体工作任务", "牵头责任单位", "配合单位", "推进落实情况"]
CITY_UNIT = "云浮市司法局"
PROGRESS_LABEL = "推进情况："
FUNDING_LABEL = "相关资金落实（使用）情况："
PROBLEMS_LABEL = "影响项目推进的存在问题："

SHEET_TABLE = "办理情况表"
SHEET_OFFICES = "分县统计"
SHEET_CUMULATIVE = "累计进度"

# Sheet 2's columns around the forms of legal aid (reporting.counting), which come between the target
# and the year-to-date figures: those that count this month, their total, then those reported beside.
LEADING_COLUMNS = ["机构", "年度目标（件）"]
COUNTED_TOTAL_COLUMN = "本月合计计入（件）"
OVERDUE_COLUMN = "月末逾期未审查（件）"  # 截至M月D日… while the month runs (MonthlyReport.overdue_heading)
TRAILING_COLUMNS = [
    "累计计入（件）",
    "完成率（%）",
    "时序进度（件）",
    "受理申请（件）",
    "其中为外县受理（通办转出）",
    "外县转入（通办转入）",
    "审查用时中位数（天）",
    OVERDUE_COLUMN,
    *[f"{label}（件）" for _, label in BASIS_FIGURES],
    *[figure.label for figure in MODULE_FIGURES],
    "月报报送",
]


def form_column(form: FormCount) -> str:
    return f"本月{form.form.name}（{form.form.unit}）"


def _forms_in_order(report: MonthlyReport) -> tuple[list[FormCount], list[FormCount]]:
    counted = [form for form in report.forms if form.counts_now]
    beside = [form for form in report.forms if not form.counts_now]
    return counted, beside


def office_columns(report: MonthlyReport) -> list[str]:
    counted, beside = _forms_in_order(report)
    return [
        *LEADING_COLUMNS,
        *[form_column(form) for form in counted],
        COUNTED_TOTAL_COLUMN,
        *[form_column(form) for form in beside],
        *(f"{report.overdue_heading}（件）" if column == OVERDUE_COLUMN else column for column in TRAILING_COLUMNS),
    ]


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
FONT = "宋体"


def long_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _number(value: Decimal | int | None) -> Decimal | int | str:
    return "—" if value is None else value


def _percent(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{value}%"


# --- the sentences of the fifth column ------------------------------------------------------------
def _breakdown(report: MonthlyReport, row: Row, *, counted: bool) -> str:
    return "、".join(
        f"{form.form.name}{value}{form.form.unit}"
        for form, value in zip(report.forms, row.form_values, strict=True)
        if form.counts_now == counted
    )


def progress_sentences(report: MonthlyReport, row: Row, *, who: str) -> str:
    """The figures of `row` written out, as the city writes them to the 市政府."""
    month = report.period.month
    completion = _number(row.completion)
    text = (
        f"截至{report.as_of_words}，{who}累计办理法律援助事项{row.matters_ytd}件，完成年度目标（{row.target}件）的{completion}%，"
        f"按时序进度应完成{row.pace.quantize(Decimal(1))}件；{month}月办理{row.matters_month}件"
        f"（{_breakdown(report, row, counted=True)}）"
    )
    beside = _breakdown(report, row, counted=False)
    text += f"，另提供{beside}（不计入民生实事事项）。" if beside else "。"
    text += (
        f"{month}月各受理窗口共受理法律援助申请{row.received}件，其中为其他县（市、区）受理（市域通办）{row.cross_out}件，"
        f"接收其他受理点转来的申请{row.routed_in}件；"
    )
    if row.median_days is not None:
        text += f"从收到申请到作出决定的用时中位数为{row.median_days}天；"
    text += f"{report.overdue_when}超过审查期限尚未作出决定的申请{row.overdue}件；{month}月结案{row.modules['cases_closed']}件。"
    modules = row.modules
    text += (
        f"同行评估{modules['peer_reviews']}件，优良率{_percent(modules['good_rate'])}；"
        f"回访受援人{modules['follow_ups']}人次，满意率{_percent(modules['satisfaction'])}；"
        f"开展法律援助宣传活动{modules['publicity_events']}场，受众{modules['people_reached']}人次；"
        f"核定办案补贴{modules['subsidy_computed']}元，发放{modules['subsidy_paid']}元；"
        f"发放值班律师补贴{modules['duty_subsidy_paid']}元。"
    )
    return text


def _county_texts(report: MonthlyReport, field: str) -> list[str]:
    lines = []
    for row in report.county_rows:
        short = row.office.region_name
        submission = row.submission
        if submission is None:
            lines.append(f"{short}：未报送。")
        elif not submission.is_submitted:
            lines.append(f"{short}：月报已退回修改，待重新报送。")
        else:
            lines.append(f"{short}：{getattr(submission, field).strip() or '无。'}")
    return lines


def fifth_column(report: MonthlyReport) -> tuple[str, str, str]:
    if report.covers_all_offices:
        progress = [progress_sentences(report, report.total, who="全市")]
    else:
        progress = [progress_sentences(report, row, who=row.office.region_name) for row in report.rows]
    progress += _county_texts(report, "progress")
    return (
        PROGRESS_LABEL + "\n".join(progress),
        FUNDING_LABEL + "\n".join(_county_texts(report, "funding")),
        PROBLEMS_LABEL + "\n".join(_county_texts(report, "problems")),
    )


def _height(text: str, chars_per_line: int) -> float:
    lines = sum(max(1, math.ceil(len(line) / chars_per_line)) for line in text.split("\n"))
    return max(2, lines) * 15 + 6


# --- sheet 1 -------------------------------------------------------------------------------------
def _table_sheet(ws: Worksheet, report: MonthlyReport, *, unit: str, generated_on: date) -> None:
    ws.title = SHEET_TABLE
    for column, width in zip("ABCDE", (18, 36, 12, 14, 90), strict=True):
        ws.column_dimensions[column].width = width

    ws["A1"] = f"{report.period.year}年云浮市十件民生实事办理情况表"
    ws["A1"].font = Font(name=FONT, size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells("A1:E1")
    ws.row_dimensions[1].height = 36

    ws["A2"] = f"填报单位：{unit}"
    ws["D2"] = f"填报时间：{long_date(generated_on)}"
    ws.merge_cells("A2:C2")
    ws.merge_cells("D2:E2")
    ws["D2"].alignment = Alignment(horizontal="right")
    for cell in ("A2", "D2"):
        ws[cell].font = Font(name=FONT, size=12)

    for index, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=3, column=index, value=header)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = WRAP_CENTER
        cell.fill = HEADER_FILL
    ws.row_dimensions[3].height = 24

    progress, funding, problems = fifth_column(report)
    ws["A4"] = LIVELIHOOD_ITEM
    ws["B4"] = TASK.format(target=report.targets.city)
    ws["C4"] = LEAD_UNIT
    ws["D4"] = SUPPORTING_UNITS
    for column in "ABCD":
        ws.merge_cells(f"{column}4:{column}6")
        ws[f"{column}4"].alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws[f"{column}4"].font = Font(name=FONT, size=12)
    ws["B4"].alignment = Alignment(wrap_text=True, vertical="center")
    for row, text in zip((4, 5, 6), (progress, funding, problems), strict=True):
        cell = ws.cell(row=row, column=5, value=text)
        cell.alignment = WRAP_TOP
        cell.font = Font(name=FONT, size=11)
        ws.row_dimensions[row].height = _height(text, 44)
    for row in ws.iter_rows(min_row=3, max_row=6, max_col=5):
        for cell in row:
            cell.border = BORDER

    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the counties' texts need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "3:3"
    ws.page_margins.left = ws.page_margins.right = 0.5


# --- sheet 2 -------------------------------------------------------------------------------------
def office_row_values(report: MonthlyReport, row: Row) -> list:
    values = dict(zip((form.form.code for form in report.forms), row.form_values, strict=True))
    counted, beside = _forms_in_order(report)
    return [
        row.name,
        row.target,
        *[values[form.form.code] for form in counted],
        row.matters_month,
        *[values[form.form.code] for form in beside],
        row.matters_ytd,
        _number(row.completion),
        row.pace,
        row.received,
        row.cross_out,
        row.routed_in,
        _number(row.median_days),
        row.overdue,
        *row.approved_by_basis,
        *[_number(row.modules[figure.key]) for figure in MODULE_FIGURES],
        row.submission_label if row.office is not None else "",
    ]


OFFICES_FIRST_ROW = 3  # title on row 1, headers on row 2
OFFICES_PRINT_PAGES = 2  # A4 landscape pages across
MONEY_LABELS = {figure.label for figure in MODULE_FIGURES if figure.is_money}


def _offices_sheet(ws: Worksheet, report: MonthlyReport) -> None:
    columns = office_columns(report)
    money_columns = {index for index, label in enumerate(columns, start=1) if label in MONEY_LABELS}
    ws["A1"] = f"{report.period.label}法律援助民生实事分县统计"
    ws["A1"].font = Font(name=FONT, size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for index, header in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index, value=header)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = WRAP_CENTER
        cell.fill = HEADER_FILL
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(index)].width = 20 if index == 1 else 12
    ws.row_dimensions[2].height = 48
    for offset, row in enumerate([*report.rows, report.total]):
        for index, value in enumerate(office_row_values(report, row), start=1):
            cell = ws.cell(row=OFFICES_FIRST_ROW + offset, column=index, value=value)
            cell.border = BORDER
            if index in money_columns:
                cell.number_format = "#,##0.00"
            if row.office is None:
                cell.font = Font(name=FONT, bold=True)
    notes_row = OFFICES_FIRST_ROW + len(report.rows) + 2
    ws.cell(row=notes_row, column=1, value="说明：")
    notes = [
        "计入民生实事的法律援助事项：申请准予的按准予决定日期、通知辩护的按收到通知日期计入当月，计入承办机构；"
        "计入与否按市局设定的计入规则（"
        + "、".join(f"{form.form.name}{'计入' if form.counts_now else '不计入'}" for form in report.forms)
        + "）。"
        "合计行为各机构之和（用时中位数按全部决定计算）。",
        "受理申请按收到申请的窗口统计（网上申请不计入窗口）；月末逾期未审查：截至月末（本月尚未结束的，截至下载当日）尚未作出决定且已超过审查期限的申请，审查期限与工作台一致（7日，补正期间不计入，届满日遇节假日顺延；先行提供的以决定先行提供之日为限）。",
    ]
    for offset, note in enumerate(notes, start=1):
        ws.cell(row=notes_row + offset, column=1, value=note)
    ws.column_dimensions[get_column_letter(len(columns))].width = 24  # 月报报送: 已退回未重报（已逾期）
    ws.freeze_panes = "B3"
    # Printed on A4 landscape across two pages, each repeating the headers and the offices' names, so
    # the 30-odd columns stay legible (one page wide would shrink them below 6 points).
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = OFFICES_PRINT_PAGES
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    ws.print_title_cols = "A:A"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


# --- sheet 3 and the chart -----------------------------------------------------------------------
CUMULATIVE_HEADERS = ["月份", "本月计入（件）", "累计办理（件）", "时序进度（件）"]


def _cumulative_sheet(ws: Worksheet, report: MonthlyReport) -> None:
    for index, header in enumerate(CUMULATIVE_HEADERS, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = Font(name=FONT, bold=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(index)].width = 14
    points = report.cumulative
    for offset, point in enumerate(points, start=2):
        for index, value in enumerate((f"{point.month}月", point.matters, point.cumulative, point.pace), start=1):
            ws.cell(row=offset, column=index, value=value).border = BORDER
    last = len(points) + 1

    chart = LineChart()
    chart.title = f"{report.period.year}年累计办理法律援助事项与时序进度"
    chart.y_axis.title = "件"
    chart.x_axis.title = "月份"
    chart.height, chart.width = 9, 18
    chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.legend.position = "b"  # below the plot, where it stays visible on paper
    ws.add_chart(chart, "F2")
    # The table and the chart print on one A4 landscape page.
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:Q{max(last, 20)}"


def write_monthly_report(report: MonthlyReport, *, unit: str = CITY_UNIT, generated_on: date) -> bytes:
    workbook = Workbook()
    _table_sheet(workbook.active, report, unit=unit, generated_on=generated_on)
    _offices_sheet(workbook.create_sheet(SHEET_OFFICES), report)
    _cumulative_sheet(workbook.create_sheet(SHEET_CUMULATIVE), report)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def report_filename(report: MonthlyReport) -> str:
    scope = "云浮市" if report.covers_all_offices else "、".join(row.office.region_name for row in report.rows)
    return f"{scope}{report.period.label}民生实事办理情况表.xlsx"
