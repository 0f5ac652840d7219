"""Every write of the reporting app: targets, submitting a monthly sheet, returning it for correction,
rebuilding the monthly aggregate.

Each is one transaction that locks what it changes, checks the actor and the state, saves and writes
the audit row (STYLE practice 1).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, User
from audit.models import AuditAction
from audit.services import record
from core.transitions import TransitionError
from reporting import rules
from reporting.counting import recounted_tallies
from reporting.models import AidForm, AnnualTarget, CountingRule, MonthlySubmission, OfficeTarget, SubmissionStatus
from reporting.selectors import MonthlyReport, Period, build_monthly_report
from reporting.workflows import SUBMISSION_FLOW
from reporting.xlsx import CITY_UNIT, report_filename, write_monthly_report
from tallies import selectors as tally_selectors
from tallies import services as tallies
from tallies.models import Figure


def is_open_for_submission(period: Period) -> bool:
    """A month's sheet can be written once the month has begun."""
    return period.start <= timezone.localdate()


# --- targets -------------------------------------------------------------------------------------
def check_targets_add_up(*, city_target: int, office_total: int) -> None:
    """The offices' targets must add up to the city's: the form's rule and the service's, one text."""
    if office_total != city_target:
        raise ValidationError(
            f"各机构年度目标之和（{office_total}件）必须等于全市年度目标（{city_target}件），"
            f"目前{'多' if office_total > city_target else '少'}{abs(office_total - city_target)}件。",
            code="targets_sum",
        )


@transaction.atomic
def save_targets(
    *, year: int, city_target: int, office_targets: dict[Office, int], by: User, request: HttpRequest | None = None
) -> AnnualTarget:
    """Set a year's targets. The offices must add up to the city (ValidationError otherwise: the
    form checks it first, this makes sure of it for every caller)."""
    if not rules.can_set_targets(by):
        raise PermissionDenied("只有市局工作人员可以设定年度目标。")
    check_targets_add_up(city_target=city_target, office_total=sum(office_targets.values()))
    annual, _ = AnnualTarget.objects.select_for_update().get_or_create(year=year)
    before = {target.office_id: target.target for target in annual.offices.all()}
    annual.city_target = city_target
    annual.updated_by = by
    annual.save(update_fields=["city_target", "updated_by", "updated_at"])
    for office, target in office_targets.items():
        OfficeTarget.objects.update_or_create(annual=annual, office=office, defaults={"target": target})
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=annual,
        from_state="、".join(f"{office.short_name}{before.get(office.pk, '—')}" for office in office_targets),
        to_state="、".join(f"{office.short_name}{target}" for office, target in office_targets.items()),
        note=f"{year}年全市目标 {city_target} 件",
    )
    return annual


# --- what counts toward the target (计入民生实事事项) ----------------------------------------------------
@transaction.atomic
def set_counting_rule(
    form: AidForm,
    *,
    counts: bool,
    starting: Period | None = None,
    reason: str = "",
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> CountingRule:
    """Whether `form` counts toward the target, from month `starting` (default: the current month) on.

    Past months' figures do not move unless city staff say so: starting before the current month
    recomputes them, which needs a written reason (audited with it)."""
    if not rules.can_set_targets(by):
        raise PermissionDenied("只有市局工作人员可以设定计入民生实事的事项。")
    current = Period.containing(today or timezone.localdate())
    starting = starting or current
    reason = reason.strip()
    if starting.start < current.start and not reason:
        raise ValidationError({"reason": "从以往月份起调整会改变已报送月份的数字，请写明理由。"})
    rule, _ = CountingRule.objects.update_or_create(
        form=form, effective_from=starting.start, defaults={"counts": counts, "reason": reason, "set_by": by}
    )
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=form,
        to_state="计入" if counts else "不计入",
        note=f"{form.name}自{starting.label}起{'计入' if counts else '不计入'}民生实事事项"
        + (f"（追溯调整：{reason}）" if starting.start < current.start else (f"：{reason}" if reason else "")),
    )
    return rule


# --- the monthly sheet ---------------------------------------------------------------------------
@transaction.atomic
def submit_monthly_sheet(
    *,
    office: Office,
    period: Period,
    progress: str,
    funding: str,
    problems: str,
    by: User,
    request: HttpRequest | None = None,
) -> MonthlySubmission:
    """提交月报: the first submission creates the sheet; after the city returned it, the office sends
    it again (`resubmit`). Then read-only."""
    if not rules.can_submit(by) or by.office_id != office.pk:
        raise PermissionDenied("您无权报送该机构的月报。")
    if not is_open_for_submission(period):
        raise TransitionError(f"{period.label}尚未开始，不能报送月报。")
    texts = {"progress": progress.strip(), "funding": funding.strip(), "problems": problems.strip()}
    existing = MonthlySubmission.objects.filter(office=office, year=period.year, month=period.month).first()
    if existing is not None:
        with SUBMISSION_FLOW.begin(existing, "resubmit", by=by, request=request) as move:
            submission = move.obj
            for name, value in texts.items():
                setattr(submission, name, value)
            submission.submitted_at = timezone.now()
            submission.submitted_by = by
            submission.full_clean(validate_unique=False)
            move.done(fields=[*texts, "submitted_at", "submitted_by"], note="重新提交月报")
        return submission
    now = timezone.now()
    # first_submitted_at is set here and never again: lateness is judged from the first submission.
    submission = MonthlySubmission(
        office=office,
        year=period.year,
        month=period.month,
        status=SubmissionStatus.SUBMITTED,
        submitted_at=now,
        first_submitted_at=now,
        submitted_by=by,
        **texts,
    )
    submission.full_clean(validate_unique=False)
    try:
        # Two clerks of one office submitting the first sheet at the same instant: the unique
        # constraint lets one in; the other is told the sheet is already there.
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:
        raise TransitionError("该月报已由本机构其他人员报送。") from error
    record(
        AuditAction.STATE_CHANGE,  # from no sheet to 已报送, as the trail of a resubmission reads
        actor=by,
        request=request,
        obj=submission,
        to_state=SubmissionStatus.SUBMITTED.label,
        note="提交月报",
    )
    return submission


def return_monthly_sheet(
    submission: MonthlySubmission, *, reason: str, by: User, request: HttpRequest | None = None
) -> MonthlySubmission:
    """The city returns a submitted sheet for correction, saying why; the county submits it again."""
    with SUBMISSION_FLOW.begin(submission, "return_sheet", by=by, request=request) as move:
        submission = move.obj
        if not reason.strip():
            raise ValidationError({"reason": "请写明退回理由。"})
        submission.return_reason = reason.strip()
        submission.returned_at = timezone.now()
        submission.returned_by = by
        move.done(fields=["return_reason", "returned_at", "returned_by"], note=f"退回修改：{reason.strip()}")
    return submission


# --- 下载月报 ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthlyExport:
    report: MonthlyReport
    content: bytes
    filename: str


EXPORT_NOTE_DOWNLOAD = "下载月报"
EXPORT_NOTE_COMMAND = "命令行导出"


WORKBOOK_CACHE_SECONDS = 3600


def _workbook(report: MonthlyReport, *, unit: str, generated_on: date) -> bytes:
    """The workbook of exactly these figures, drawn once: openpyxl's drawing costs more than the
    figures' queries (issue 14), and a month's sheet is downloaded again and again once it is
    collected. Keyed by the report itself (every figure, row and submission state it holds), so any
    change to a figure draws a new workbook; the figures themselves are read fresh every time."""
    fingerprint = hashlib.sha256(pickle.dumps((report, unit, generated_on))).hexdigest()
    key = f"reporting:monthly-xlsx:{fingerprint}"
    content = cache.get(key)
    if not isinstance(content, bytes):  # not drawn yet (or evicted)
        content = write_monthly_report(report, unit=unit, generated_on=generated_on)
        cache.set(key, content, WORKBOOK_CACHE_SECONDS)
    return content


def export_monthly_report(
    *,
    offices: Iterable[Office],
    year: int,
    month: int,
    by: User | None = None,
    request: HttpRequest | None = None,
    via: str = EXPORT_NOTE_DOWNLOAD,
) -> MonthlyExport:
    """The month's workbook for `offices` — the city's (填报单位 云浮市司法局) when they are all of
    them, else that county's bureau — and its EXPORT audit row (SPEC §8: every export). The
    download view and the `monthly_report` command both come here; `by` is None for a command run
    without `--user`."""
    office_list = list(offices)
    if not office_list:
        raise ValueError("export_monthly_report() needs at least one office")
    report = build_monthly_report(offices=office_list, year=year, month=month)
    unit = CITY_UNIT if report.covers_all_offices else report.rows[0].office.justice_bureau
    content = _workbook(report, unit=unit, generated_on=timezone.localdate())
    filename = report_filename(report)
    record(AuditAction.EXPORT, actor=by, request=request, note=f"{via}：{filename}")
    return MonthlyExport(report=report, content=content, filename=filename)


# --- the monthly aggregate ------------------------------------------------------------------------
@dataclass(frozen=True)
class TallyDifference:
    """A row of the monthly aggregate that is not what the records count."""

    month: date
    office: str
    what: str  # the figure's label, or 审查用时N日的决定数
    stored: int
    counted: int

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月 {self.office} {self.what}：存储 {self.stored}，按记录统计 {self.counted}"


def tally_differences(*, years: Iterable[int]) -> list[TallyDifference]:
    """Every row of the years' monthly aggregate that differs from the same figures counted afresh from
    the records (`reporting.counting.recounted_tallies`), by month: none while every event has gone
    through the services. What an operator checks after an import or a restore, or any day, before
    trusting the sheet (`manage.py rebuild_tallies --check`); it changes nothing."""
    offices = dict(Office.objects.values_list("pk", "name"))
    differences: list[TallyDifference] = []
    for year in years:
        counted = tallies.totals(recounted_tallies(office_ids=list(offices), year=year))
        stored = tally_selectors.stored(first=date(year, 1, 1), last=date(year, 12, 1))
        differences += _differences(stored.figures, counted.figures, offices, lambda figure: Figure(figure).label)
        differences += _differences(stored.decisions, counted.decisions, offices, "审查用时{}日的决定数".format)
    return sorted(differences, key=lambda difference: difference.month)


def _differences(
    stored: tallies.Rows, counted: tallies.Rows, offices: dict[int, str], name: Callable[[Any], str]
) -> list[TallyDifference]:
    return [
        TallyDifference(month, offices[office_id], name(what), stored[key], counted[key])
        for key in sorted(stored.keys() | counted.keys(), key=lambda key: (key[1], key[0], str(key[2])))
        if stored[key] != counted[key]
        for office_id, month, what in [key]
    ]


def rebuild_tallies(*, years: Iterable[int]) -> int:
    """Count each year's monthly aggregate afresh from the events (`reporting.counting.RECOUNTS`) and
    replace what is stored — after data arrived by another road than the services (an import, a
    restore, `bench_data`'s copies). One transaction a year, each holding the year's rows locked
    against the services' additions meanwhile. Returns the number of rows written."""
    office_ids = list(Office.objects.values_list("pk", flat=True))
    written = 0
    for year in years:
        with transaction.atomic():
            rows = recounted_tallies(office_ids=office_ids, year=year)
            tallies.replace_all(rows, months=(date(year, 1, 1), date(year, 12, 1)))
            written += len(rows)
    return written
