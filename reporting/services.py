"""Every write of the reporting app: targets, submitting a monthly sheet, returning it for correction.

Each is one transaction that locks what it changes, checks the actor and the state, saves and writes
the audit row (STYLE practice 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role
from audit.models import AuditAction
from audit.services import record
from reporting.models import AnnualTarget, MonthlySubmission, OfficeTarget, SubmissionStatus
from reporting.selectors import MonthlyReport, Period, build_monthly_report
from reporting.xlsx import CITY_UNIT, report_filename, write_monthly_report


class TransitionError(Exception):
    """An illegal move; the message is Chinese and shown to the user as it is."""


# --- who may do what -----------------------------------------------------------------------------
def can_submit(user) -> bool:
    """Clerks and reviewers (the office head) of a county office report their county's sheet; the
    city office compiles the city's sheet and does not report to itself."""
    office = getattr(user, "office", None)
    return (
        user.is_authenticated and office is not None and not office.is_city and user.has_role(Role.CLERK, Role.REVIEWER)
    )


def can_return(user) -> bool:
    return user.is_authenticated and user.sees_all_offices


def can_set_targets(user) -> bool:
    return user.is_authenticated and user.sees_all_offices


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
    *, year: int, city_target: int, office_targets: dict[Office, int], by, request: HttpRequest | None = None
) -> AnnualTarget:
    """Set a year's targets. The offices must add up to the city (ValidationError otherwise: the
    form checks it first, this makes sure of it for every caller)."""
    if not can_set_targets(by):
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


# --- the monthly sheet ---------------------------------------------------------------------------
@transaction.atomic
def submit_monthly_sheet(
    *,
    office: Office,
    period: Period,
    progress: str,
    funding: str,
    problems: str,
    by,
    request: HttpRequest | None = None,
) -> MonthlySubmission:
    """提交月报: first submission, or again after the city returned it. Then read-only."""
    if not can_submit(by) or by.office_id != office.pk:
        raise PermissionDenied("您无权报送该机构的月报。")
    if not is_open_for_submission(period):
        raise TransitionError(f"{period.label}尚未开始，不能报送月报。")
    submission = (
        MonthlySubmission.objects.select_for_update()
        .filter(office=office, year=period.year, month=period.month)
        .first()
    )
    before = ""
    if submission is None:
        submission = MonthlySubmission(office=office, year=period.year, month=period.month)
    elif submission.status == SubmissionStatus.SUBMITTED:
        raise TransitionError("该月报已报送，不能修改；如需更正，请联系市局退回。")
    else:
        before = SubmissionStatus(submission.status).label
    submission.status = SubmissionStatus.SUBMITTED
    submission.progress = progress.strip()
    submission.funding = funding.strip()
    submission.problems = problems.strip()
    submission.submitted_at = timezone.now()
    if submission.first_submitted_at is None:  # lateness is judged from the first submission
        submission.first_submitted_at = submission.submitted_at
    submission.submitted_by = by
    submission.full_clean(validate_unique=False)
    try:
        # Two clerks of one office submitting the first sheet at the same instant: the unique
        # constraint lets one in; the other is told the sheet is already there.
        with transaction.atomic():
            submission.save()
    except IntegrityError as error:
        raise TransitionError("该月报已由本机构其他人员报送。") from error
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=submission,
        from_state=before,
        to_state=SubmissionStatus.SUBMITTED.label,
        note="提交月报",
    )
    return submission


@transaction.atomic
def return_monthly_sheet(
    submission: MonthlySubmission, *, reason: str, by, request: HttpRequest | None = None
) -> MonthlySubmission:
    """The city returns a submitted sheet for correction, saying why; the county submits it again."""
    if not can_return(by):
        raise PermissionDenied("只有市局工作人员可以退回月报。")
    submission = MonthlySubmission.objects.select_for_update().select_related("office").get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise TransitionError("该月报尚未报送或已退回，不能退回。")
    if not reason.strip():
        raise TransitionError("请写明退回理由。")
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = reason.strip()
    submission.returned_at = timezone.now()
    submission.returned_by = by
    submission.save(update_fields=["status", "return_reason", "returned_at", "returned_by"])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=submission,
        from_state=SubmissionStatus.SUBMITTED.label,
        to_state=SubmissionStatus.RETURNED.label,
        note=f"退回修改：{reason.strip()}",
    )
    return submission


# --- 下载月报 ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthlyExport:
    report: MonthlyReport
    content: bytes
    filename: str


EXPORT_NOTE_DOWNLOAD = "下载月报"
EXPORT_NOTE_COMMAND = "命令行导出"


def export_monthly_report(
    *,
    offices: Iterable[Office],
    year: int,
    month: int,
    by=None,
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
    content = write_monthly_report(report, unit=unit, generated_on=timezone.localdate())
    filename = report_filename(report)
    record(AuditAction.EXPORT, actor=by, request=request, note=f"{via}：{filename}")
    return MonthlyExport(report=report, content=content, filename=filename)
