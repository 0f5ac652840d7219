"""Every write to a case goes through here: one function per move, each in one transaction that locks
the row, checks the allowed-moves table and the actor, saves with `update_fields` and writes the audit
row (STYLE practice 1). Views ask `allowed_actions` which buttons to show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role
from applications.models import Application, MatterCategory, Status
from applications.services import TransitionError, file_objection, next_number, settle_objection
from applications.uploads import removes_files_on_error, save_upload
from audit.models import AuditAction
from audit.services import record
from cases.models import (
    ADULT_AGE,
    SENIOR_LAWYER_YEARS,
    TERMINABLE_STATES,
    Assignment,
    Case,
    CaseObjection,
    CaseState,
    CaseType,
    ClosureMaterial,
    ClosureMethod,
    Handler,
    HandlerKind,
    LawFirm,
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
    "terminate": frozenset(TERMINABLE_STATES),
    "register_objection": frozenset({CaseState.TERMINATED}),
    "decide_objection": frozenset({CaseState.TERMINATED}),
    # Not a change of state: whether the record is sealed may be confirmed or corrected at any time
    # (the seal matters most once the file is archived).
    "set_seal": frozenset(CaseState.values),
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


def can_set_seal(user, case: Case) -> bool:
    # The office's reviewer decides whether a record is sealed (刑事诉讼法 第二百八十六条).
    return _office_staff(user, case, Role.REVIEWER)


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
    "set_seal": can_set_seal,
}


def may(user, case: Case, move: str) -> bool:
    """Whether `user` may make `move` on `case` now: the state allows it and the rule lets them."""
    return case.state in ALLOWED_MOVES[move] and PERMISSION_RULES[move](user, case)


def allowed_actions(user, case: Case) -> set[str]:
    """The moves to offer on the page (templates never test roles or states themselves)."""
    actions = {move for move in MOVES if may(user, case, move)}
    if case.application.category != MatterCategory.CRIMINAL:
        actions.discard("set_seal")  # only criminal records are sealed
    if actions & {"register_objection", "decide_objection"}:
        # One objection at a time: record one, or decide the one pending.
        pending = case.objections.filter(outcome=ObjectionOutcome.PENDING).exists()
        actions.discard("register_objection" if pending else "decide_objection")
    return actions


# --- opening a case on 准予 ------------------------------------------------------------------------
def is_sealed_matter(application: Application) -> bool:
    """The default seal of a new case: a criminal matter whose applicant was under 18 on the day of
    application (刑事诉讼法 第二百八十六条 seals the records of a suspect under 18).

    Only a default: the applicant may be a minor victim, or the parent of a minor suspect, so the
    office's reviewer confirms or corrects it on the case page (`set_seal`). Ages follow the
    criminal-law reading (最高法 未成年人刑事案件解释 第二条): a 周岁 is reached the day after the
    birthday, so the previous day is passed to `age_on`.
    """
    if application.category != MatterCategory.CRIMINAL:
        return False
    applied_on = timezone.localdate(application.received_at)
    return application.id_card.age_on(applied_on - timedelta(days=1)) < ADULT_AGE


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
        assignment_clock_from=application.decided_on,
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


@removes_files_on_error
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
    case.state_before_termination = case.state  # where 责令改正 puts it back
    _set_state(
        case,
        CaseState.TERMINATED,
        by=by,
        request=request,
        note=f"终止法律援助：{ground}；{reason.strip()}",
        extra=["termination_ground", "termination_reason", "terminated_on", "state_before_termination"],
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
    stood before 终止 (待指派, 承办中 with its handler, or 待结案审查 with the submitted closure).
    A case back in 待指派 gets a new 3-day assignment clock from the correction: the office could
    not assign a terminated case, so the days before do not count against it."""
    case = _locked(case)
    _check_move(case, "decide_objection")
    _require(can_record_objection(by, case))
    objection = case.objections.select_for_update().filter(outcome=ObjectionOutcome.PENDING).first()
    if objection is None:
        raise TransitionError("该案件没有待审查的异议。")
    settle_objection(objection, outcome=outcome, note=note, decided_on=decided_on, by=by, request=request)
    if outcome == ObjectionOutcome.CORRECTED:
        ground = case.termination_ground
        restored = CaseState(case.state_before_termination)
        case.termination_ground = None
        case.termination_reason = ""
        case.terminated_on = None
        case.state_before_termination = ""
        extra = ["termination_ground", "termination_reason", "terminated_on", "state_before_termination"]
        if restored == CaseState.AWAITING_ASSIGNMENT:
            case.assignment_clock_from = decided_on
            extra.append("assignment_clock_from")
        _set_state(
            case,
            restored,
            by=by,
            request=request,
            note=f"司法局责令改正，恢复法律援助（原终止情形：{ground}）",
            extra=extra,
        )
    return objection


# --- the seal of a minor suspect's record (刑事诉讼法 第二百八十六条) ----------------------------------
@transaction.atomic
def set_seal(case: Case, *, sealed: bool, reason: str, by, request=None) -> Case:
    """The office's reviewer confirms or corrects whether the case's records are sealed.

    The default set on opening reads the applicant's age; the law asks about the suspect's (a minor
    victim applying is not sealed, a minor suspect whose parent applied is). Both a confirmation and
    a correction are audited with the reason.
    """
    case = _locked(case)
    _check_move(case, "set_seal")
    _require(can_set_seal(by, case))
    if case.application.category != MatterCategory.CRIMINAL:
        raise TransitionError("只有刑事案件才适用未成年人犯罪记录封存。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请写明理由。"})
    before = case.is_sealed
    case.is_sealed = sealed
    case.save(update_fields=["is_sealed"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=case,
        from_state=_seal_label(before),
        to_state=_seal_label(sealed),
        note=f"{'确认' if before == sealed else '更正'}涉罪未成年人记录封存：{reason}",
    )
    return case


def _seal_label(sealed: bool) -> str:
    return "封存" if sealed else "不封存"


# --- the roster: law firms and handlers, kept by the office's reviewer (issue 4 item 2) ----------
def can_manage_roster(user, office_id: int | None) -> bool:
    """The reviewer of an office keeps its law firms and handlers; city staff only read them, and
    the administrator uses the Django admin (they belong to no office)."""
    return (
        user.is_authenticated and office_id is not None and user.office_id == office_id and user.has_role(Role.REVIEWER)
    )


def handler_accounts_without_profile(office: Office) -> QuerySet:
    """Sign-in accounts of `office` with the 承办人 role that are not yet on the roster."""
    return (
        get_user_model()
        .objects.filter(office=office, is_active=True, groups__name=Role.HANDLER.label, handler_profile__isnull=True)
        .order_by("username")
    )


def _changes(obj, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save_checked(obj, *, fields: list[str] | None) -> None:
    obj.full_clean()
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=fields)


@transaction.atomic
def save_law_firm(*, office: Office, name: str, phone: str, by, firm: LawFirm | None = None, request=None) -> LawFirm:
    """Add a law firm of `office`'s county, or edit one (`firm`)."""
    _require(can_manage_roster(by, office.pk))
    values = {"name": name.strip(), "phone": phone.strip()}
    if firm is None:
        firm = LawFirm(office=office, **values)
        _save_checked(firm, fields=None)
        record(AuditAction.CREATE, actor=by, request=request, obj=firm, note=f"新增律师事务所：{firm.name}")
        return firm
    firm = LawFirm.objects.select_for_update().get(pk=firm.pk)
    _require(firm.office_id == office.pk)
    changed = _changes(firm, values)
    if changed:
        _save_checked(firm, fields=changed)
        record(AuditAction.UPDATE, actor=by, request=request, obj=firm, note=f"修改律师事务所：{'、'.join(changed)}")
    return firm


def _handler_values(
    office: Office,
    *,
    kind: str,
    license_number: str,
    licensed_since: date | None,
    law_firm: LawFirm | None,
    today: date,
) -> dict:
    if kind not in HandlerKind.values:
        raise ValidationError({"kind": "请选择承办人类别。"})
    if kind == HandlerKind.STAFF:
        # Office staff have no licence or firm (and get no subsidy, SPEC §5).
        return {"kind": kind, "license_number": "", "licensed_since": None, "law_firm": None}
    errors = {}
    if not license_number.strip():
        errors["license_number"] = "律师须填写执业证号。"
    if licensed_since is None:
        errors["licensed_since"] = "律师须填写首次执业日期。"
    elif licensed_since > today:
        errors["licensed_since"] = "首次执业日期不能晚于今天。"
    if law_firm is None:
        errors["law_firm"] = "律师须选择所在律师事务所。"
    elif law_firm.office_id != office.pk:
        errors["law_firm"] = "只能选择本县（市、区）的律师事务所。"
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "license_number": license_number.strip(),
        "licensed_since": licensed_since,
        "law_firm": law_firm,
    }


@transaction.atomic
def add_handler(
    *,
    office: Office,
    user,
    kind: str,
    license_number: str = "",
    licensed_since: date | None = None,
    law_firm: LawFirm | None = None,
    is_active: bool = True,
    by,
    request=None,
    today: date | None = None,
) -> Handler:
    """Put an existing sign-in account of `office` with the 承办人 role on the roster."""
    _require(can_manage_roster(by, office.pk))
    if not handler_accounts_without_profile(office).filter(pk=user.pk).exists():
        raise ValidationError({"user": "只能选择本机构具有承办人角色、尚未登记的账户。"})
    values = _handler_values(
        office,
        kind=kind,
        license_number=license_number,
        licensed_since=licensed_since,
        law_firm=law_firm,
        today=today or timezone.localdate(),
    )
    handler = Handler(user=user, office=office, is_active=is_active, **values)
    _save_checked(handler, fields=None)
    record(AuditAction.CREATE, actor=by, request=request, obj=handler, note=f"新增承办人：{handler}")
    return handler


@transaction.atomic
def edit_handler(
    handler: Handler,
    *,
    kind: str,
    license_number: str = "",
    licensed_since: date | None = None,
    law_firm: LawFirm | None = None,
    is_active: bool,
    by,
    request=None,
    today: date | None = None,
) -> Handler:
    """Change a handler's category, licence, firm or availability (the account stays the same)."""
    handler = Handler.objects.select_for_update(of=("self",)).select_related("user", "office").get(pk=handler.pk)
    _require(can_manage_roster(by, handler.office_id))
    values = _handler_values(
        handler.office,
        kind=kind,
        license_number=license_number,
        licensed_since=licensed_since,
        law_firm=law_firm,
        today=today or timezone.localdate(),
    )
    changed = _changes(handler, {**values, "is_active": is_active})
    if changed:
        _save_checked(handler, fields=changed)
        labels = "、".join(str(Handler._meta.get_field(name).verbose_name) for name in changed)
        record(AuditAction.UPDATE, actor=by, request=request, obj=handler, note=f"修改承办人：{labels}")
    return handler
