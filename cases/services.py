"""Every write to a case goes through here: one function per move, each in one transaction that locks
the row, checks the allowed-moves table and the actor, saves with `update_fields` and writes the audit
row (STYLE practice 1). Views ask `allowed_actions` which buttons to show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, MatterCategory, Status
from applications.services import TransitionError, file_objection, next_number, settle_objection
from applications.uploads import save_upload
from audit.models import AuditAction
from audit.services import record
from cases.models import (
    ADULT_AGE,
    SENIOR_LAWYER_YEARS,
    Assignment,
    Case,
    CaseObjection,
    CaseState,
    CaseType,
    ClosureMaterial,
    ClosureMethod,
    Handler,
    ObjectionOutcome,
    ProgressEntry,
    ProgressKind,
    TerminationGround,
)
from quality.services import compute_subsidy

# move → the states it may start from. The target state is fixed by the service itself.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    "assign": frozenset({CaseState.AWAITING_ASSIGNMENT}),
    "reassign": frozenset({CaseState.IN_PROGRESS}),
    "record_agreement": frozenset({CaseState.IN_PROGRESS}),
    "log_progress": frozenset({CaseState.IN_PROGRESS}),
    "record_matter_end": frozenset({CaseState.IN_PROGRESS}),
    "submit_closure": frozenset({CaseState.IN_PROGRESS}),
    "accept_closure": frozenset({CaseState.CLOSURE_REVIEW}),
    "return_closure": frozenset({CaseState.CLOSURE_REVIEW}),
    "archive": frozenset({CaseState.CLOSED}),
    "terminate": frozenset({CaseState.AWAITING_ASSIGNMENT, CaseState.IN_PROGRESS, CaseState.CLOSURE_REVIEW}),
    "register_objection": frozenset({CaseState.TERMINATED}),
    "decide_objection": frozenset({CaseState.TERMINATED}),
}
MOVES = tuple(ALLOWED_MOVES)


# The state is checked before the actor, so an illegal move is refused the same way for everyone.
def _check_move(case: Case, move: str) -> None:
    if case.state not in ALLOWED_MOVES[move]:
        raise TransitionError(f"案件当前状态为“{case.get_state_display()}”，不能进行此操作。")


def _locked(case: Case) -> Case:
    # OF self: PostgreSQL cannot lock the nullable side of the outer join to the handler.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("office", "application", "handler__user")
        .get(pk=case.pk)
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您无权对该案件进行此操作。")


# --- who may do what (small named rules; views and templates ask these) --------------------------
def _office_staff(user, case: Case, *roles: Role) -> bool:
    return user.is_authenticated and user.office_id == case.office_id and user.has_role(*roles)


def is_handler_of(user, case: Case) -> bool:
    return user.is_authenticated and case.handler_id is not None and case.handler.user_id == user.pk


def can_assign(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_record_agreement(user, case: Case) -> bool:
    return is_handler_of(user, case) or _office_staff(user, case, Role.CLERK, Role.REVIEWER)


def can_log_progress(user, case: Case) -> bool:
    return is_handler_of(user, case)


def can_submit_closure(user, case: Case) -> bool:
    return is_handler_of(user, case)


def can_review_closure(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_archive(user, case: Case) -> bool:
    return _office_staff(user, case, Role.CLERK, Role.REVIEWER)


def can_terminate(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_record_objection(user, case: Case) -> bool:
    # The office records the 司法局's decision as it records the objection (as for applications).
    return _office_staff(user, case, Role.CLERK, Role.REVIEWER)


PERMISSION_RULES = {
    "assign": can_assign,
    "reassign": can_assign,
    "record_agreement": can_record_agreement,
    "log_progress": can_log_progress,
    "record_matter_end": can_submit_closure,
    "submit_closure": can_submit_closure,
    "accept_closure": can_review_closure,
    "return_closure": can_review_closure,
    "archive": can_archive,
    "terminate": can_terminate,
    "register_objection": can_record_objection,
    "decide_objection": can_record_objection,
}


def may(user, case: Case, move: str) -> bool:
    """Whether `user` may make `move` on `case` now: the state allows it and the rule lets them."""
    return case.state in ALLOWED_MOVES[move] and PERMISSION_RULES[move](user, case)


def allowed_actions(user, case: Case) -> set[str]:
    """The moves to offer on the page (templates never test roles or states themselves)."""
    actions = {move for move in MOVES if may(user, case, move)}
    if actions & {"register_objection", "decide_objection"}:
        # One objection at a time: record one, or decide the one pending.
        pending = case.objections.filter(outcome=ObjectionOutcome.PENDING).exists()
        actions.discard("register_objection" if pending else "decide_objection")
    return actions


# --- opening a case on 准予 ------------------------------------------------------------------------
def is_sealed_matter(application: Application) -> bool:
    """A criminal matter whose applicant (the suspect) was under 18 on the day of application
    (刑事诉讼法 第二百八十六条: the records are sealed)."""
    if application.category != MatterCategory.CRIMINAL:
        return False
    applied_on = timezone.localdate(application.received_at)
    born = application.birth_date
    age = applied_on.year - born.year - ((applied_on.month, applied_on.day) < (born.month, born.day))
    return age < ADULT_AGE


def format_case_number(*, year: int, office_short_name: str, type_char: str, serial: int) -> str:
    return f"（{year}）{office_short_name}法援{type_char}字第{serial:04d}号"


def case_number_scope(office_code: str, type_char: str) -> str:
    """The counter's scope: one gap-free series per office, type and year."""
    return f"{office_code}-{type_char}"


@transaction.atomic
def open_case(application: Application, *, by, request: HttpRequest | None = None) -> Case:
    """Create the case of an approved application, in the transaction of the decision (SPEC §4).

    The number comes from the locked counter row of (office, year, type): two reviewers approving
    at the same instant wait for each other there, and a rolled-back decision gives its number back.
    """
    if application.status != Status.APPROVED or application.decided_on is None:
        raise TransitionError("只有准予法律援助的申请才能立案。")
    if Case.objects.filter(application=application).exists():
        raise TransitionError("该申请已经立案。")
    office = application.responsible_office
    case_type = CaseType.objects.get(category=application.category)
    year = application.decided_on.year
    serial = next_number(kind="case", year=year, scope=case_number_scope(office.code, case_type.char))
    case = Case(
        application=application,
        office=office,
        case_type=case_type,
        year=year,
        serial=serial,
        number=format_case_number(
            year=year, office_short_name=office.short_name, type_char=case_type.char, serial=serial
        ),
        opened_on=application.decided_on,
        is_sealed=is_sealed_matter(application),
    )
    case.full_clean(exclude=["application"])
    case.save()
    record(AuditAction.CREATE, actor=by, request=request, obj=case, to_state=CaseState.AWAITING_ASSIGNMENT.label)
    return case


# --- transitions ---------------------------------------------------------------------------------
def _set_state(case: Case, state: str, *, by, request=None, note: str = "", extra: Iterable[str] = ()) -> None:
    before = case.state
    case.state = state
    case.save(update_fields=["state", *extra])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=case,
        from_state=CaseState(before).label,
        to_state=CaseState(state).label,
        note=note,
    )


def _check_handler(case: Case, handler: Handler, *, today: date) -> None:
    if handler.office_id != case.office_id or not handler.is_active:
        raise ValidationError({"handler": "只能指派本机构名册内可接受指派的承办人。"})
    if case.may_bring_life_or_death and (
        not handler.is_lawyer or handler.years_of_practice(on=today) < SENIOR_LAWYER_YEARS
    ):
        raise ValidationError(
            {"handler": "可能被判处无期徒刑、死刑的案件，须指派具有三年以上执业经历的律师（法律援助法第二十六条）。"}
        )


@transaction.atomic
def assign(
    case: Case,
    *,
    handler: Handler,
    by,
    reason: str = "",
    may_bring_life_or_death: bool | None = None,
    request=None,
    today: date | None = None,
) -> Case:
    """指派 (待指派 → 承办中), or 变更承办人 with a written reason while the case is handled.

    The 委托协议 clock (5 days) starts again from the new assignment.
    """
    case = _locked(case)
    today = today or timezone.localdate()
    reassigning = case.state == CaseState.IN_PROGRESS
    move = "reassign" if reassigning else "assign"
    _check_move(case, move)
    _require(PERMISSION_RULES[move](by, case))
    if may_bring_life_or_death is not None:
        case.may_bring_life_or_death = may_bring_life_or_death and case.application.category == MatterCategory.CRIMINAL
    _check_handler(case, handler, today=today)
    reason = reason.strip()
    if reassigning:
        if not reason:
            raise ValidationError({"reason": "变更承办人须写明理由。"})
        if handler.pk == case.handler_id:
            raise ValidationError({"handler": "新的承办人与原承办人相同。"})
    before = case.handler
    Assignment.objects.create(
        case=case, from_handler=before, to_handler=handler, reason=reason, assigned_on=today, by=by
    )
    case.handler = handler
    case.assigned_on = today
    case.agreement_signed_on = None
    fields = ["handler", "assigned_on", "agreement_signed_on", "may_bring_life_or_death"]
    if reassigning:
        case.save(update_fields=fields)
        record(
            AuditAction.UPDATE,
            actor=by,
            request=request,
            obj=case,
            from_state=str(before.user.display_name),
            to_state=handler.user.display_name,
            note=f"变更承办人：{reason}",
        )
    else:
        _set_state(case, CaseState.IN_PROGRESS, by=by, request=request, note=f"指派：{handler}", extra=fields)
    return case


@transaction.atomic
def record_agreement(case: Case, *, signed_on: date, by, request=None, today: date | None = None) -> Case:
    """The 委托协议 with the recipient was signed (due 5 days after assignment)."""
    case = _locked(case)
    _check_move(case, "record_agreement")
    _require(can_record_agreement(by, case))
    today = today or timezone.localdate()
    if signed_on > today or signed_on < case.assigned_on:
        raise ValidationError({"signed_on": "签订日期应在指派日期与今天之间。"})
    case.agreement_signed_on = signed_on
    case.save(update_fields=["agreement_signed_on"])
    record(AuditAction.UPDATE, actor=by, request=request, obj=case, note=f"委托协议签订日期：{signed_on:%Y-%m-%d}")
    return case


@transaction.atomic
def log_progress(
    case: Case, *, kind: str, happened_on: date, note: str, by, request=None, today: date | None = None
) -> ProgressEntry:
    case = _locked(case)
    _check_move(case, "log_progress")
    _require(can_log_progress(by, case))
    today = today or timezone.localdate()
    if kind not in ProgressKind.values:
        raise ValidationError({"kind": "请选择办理事项。"})
    if happened_on > today:
        raise ValidationError({"happened_on": "日期不能晚于今天。"})
    if not note.strip():
        raise ValidationError({"note": "请填写情况记录。"})
    entry = ProgressEntry.objects.create(
        case=case, kind=kind, happened_on=happened_on, note=note.strip(), recorded_by=by
    )
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=case,
        note=f"办案进展：{entry.get_kind_display()} {happened_on:%Y-%m-%d}",
    )
    return entry


def _check_matter_end(case: Case, matter_ended_on: date, *, today: date) -> None:
    if matter_ended_on > today or (case.assigned_on and matter_ended_on < case.assigned_on):
        raise ValidationError({"matter_ended_on": "案件办结日期应在指派日期与今天之间。"})


@transaction.atomic
def record_matter_end(case: Case, *, matter_ended_on: date, by, request=None, today: date | None = None) -> Case:
    """The matter ended (judgment, settlement …): the 30-day clock for closure materials starts."""
    case = _locked(case)
    _check_move(case, "record_matter_end")
    _require(can_submit_closure(by, case))
    _check_matter_end(case, matter_ended_on, today=today or timezone.localdate())
    case.matter_ended_on = matter_ended_on
    case.save(update_fields=["matter_ended_on"])
    record(AuditAction.UPDATE, actor=by, request=request, obj=case, note=f"案件办结日期：{matter_ended_on:%Y-%m-%d}")
    return case


def attach_closure_material(case: Case, upload: UploadedFile, *, by) -> ClosureMaterial:
    material = ClosureMaterial(case=case, uploaded_by=by)
    save_upload(material, upload)
    return material


@transaction.atomic
def submit_closure(
    case: Case,
    *,
    method: str,
    matter_ended_on: date,
    summary: str,
    files: Iterable[UploadedFile],
    by,
    request=None,
    today: date | None = None,
) -> Case:
    """提交结案 (承办中 → 待结案审查): the office's 30-day review clock starts today."""
    case = _locked(case)
    _check_move(case, "submit_closure")
    _require(can_submit_closure(by, case))
    today = today or timezone.localdate()
    if method not in ClosureMethod.values:
        raise ValidationError({"method": "请选择结案方式。"})
    if not summary.strip():
        raise ValidationError({"summary": "请填写办理结果。"})
    _check_matter_end(case, matter_ended_on, today=today)
    files = list(files)
    if not files and not case.closure_materials.exists():
        raise ValidationError({"files": "请上传结案材料。"})
    for upload in files:
        attach_closure_material(case, upload, by=by)
    case.closure_method = method
    case.matter_ended_on = matter_ended_on
    case.closure_summary = summary.strip()
    case.closure_submitted_on = today
    _set_state(
        case,
        CaseState.CLOSURE_REVIEW,
        by=by,
        request=request,
        note=f"结案方式：{ClosureMethod(method).label}；结案材料 {len(files)} 份",
        extra=["closure_method", "matter_ended_on", "closure_summary", "closure_submitted_on"],
    )
    return case


@transaction.atomic
def accept_closure(case: Case, *, by, request=None, today: date | None = None) -> Case:
    """结案审查通过 (待结案审查 → 已结案)."""
    case = _locked(case)
    _check_move(case, "accept_closure")
    _require(can_review_closure(by, case))
    case.closed_on = today or timezone.localdate()
    case.closure_returned_reason = ""
    _set_state(
        case,
        CaseState.CLOSED,
        by=by,
        request=request,
        note="结案审查通过",
        extra=["closed_on", "closure_returned_reason"],
    )
    # The lawyer's subsidy is computed as the closure is accepted (SPEC §5), in this transaction.
    compute_subsidy(case, by=by, request=request)
    return case


@transaction.atomic
def return_closure(case: Case, *, reason: str, by, request=None) -> Case:
    """The office sends the closure back for more (待结案审查 → 承办中), with a reason."""
    case = _locked(case)
    _check_move(case, "return_closure")
    _require(can_review_closure(by, case))
    if not reason.strip():
        raise ValidationError({"reason": "退回须写明理由。"})
    case.closure_returned_reason = reason.strip()
    case.closure_submitted_on = None
    _set_state(
        case,
        CaseState.IN_PROGRESS,
        by=by,
        request=request,
        note=f"结案材料退回：{reason.strip()}",
        extra=["closure_returned_reason", "closure_submitted_on"],
    )
    return case


@transaction.atomic
def archive(case: Case, *, by, request=None, today: date | None = None) -> Case:
    """归档 (已结案 → 已归档)."""
    case = _locked(case)
    _check_move(case, "archive")
    _require(can_archive(by, case))
    case.archived_on = today or timezone.localdate()
    _set_state(case, CaseState.ARCHIVED, by=by, request=request, note="归档", extra=["archived_on"])
    return case


@transaction.atomic
def terminate(
    case: Case, *, ground: TerminationGround, reason: str, by, request=None, today: date | None = None
) -> Case:
    """终止法律援助 on a ground of 第四十八条; the applicant may object to the 司法局 (第四十九条)."""
    case = _locked(case)
    _check_move(case, "terminate")
    _require(can_terminate(by, case))
    if not ground.is_active:
        raise ValidationError({"ground": "请选择终止法律援助的情形。"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明终止的事实和理由。"})
    case.termination_ground = ground
    case.termination_reason = reason.strip()
    case.terminated_on = today or timezone.localdate()
    _set_state(
        case,
        CaseState.TERMINATED,
        by=by,
        request=request,
        note=f"终止法律援助：{ground}；{reason.strip()}",
        extra=["termination_ground", "termination_reason", "terminated_on"],
    )
    return case


# --- objections to 终止 (第四十九条) -----------------------------------------------------------------
@transaction.atomic
def register_objection(
    case: Case, *, reasons: str, received_on: date, by, request=None, today: date | None = None
) -> CaseObjection:
    """The recipient objects to the termination; the 司法局 decides within 5 days."""
    case = _locked(case)
    _check_move(case, "register_objection")
    _require(can_record_objection(by, case))
    return file_objection(
        case.objections,
        reasons=reasons,
        received_on=received_on,
        earliest=case.terminated_on,
        by=by,
        request=request,
        today=today,
    )


@transaction.atomic
def decide_objection(case: Case, *, outcome: str, note: str, decided_on: date, by, request=None) -> CaseObjection:
    """Record the 司法局's decision on the pending objection. 责令改正 reopens the case where it
    stood: 承办中 with its handler, or 待指派 when it was terminated before assignment."""
    case = _locked(case)
    _check_move(case, "decide_objection")
    _require(can_record_objection(by, case))
    objection = case.objections.select_for_update().filter(outcome=ObjectionOutcome.PENDING).first()
    if objection is None:
        raise TransitionError("该案件没有待审查的异议。")
    settle_objection(objection, outcome=outcome, note=note, decided_on=decided_on, by=by, request=request)
    if outcome == ObjectionOutcome.CORRECTED:
        ground = case.termination_ground
        case.termination_ground = None
        case.termination_reason = ""
        case.terminated_on = None
        _set_state(
            case,
            CaseState.IN_PROGRESS if case.handler_id else CaseState.AWAITING_ASSIGNMENT,
            by=by,
            request=request,
            note=f"司法局责令改正，恢复法律援助（原终止情形：{ground}）",
            extra=["termination_ground", "termination_reason", "terminated_on"],
        )
    return objection
