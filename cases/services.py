"""Every write to a case goes through here: one function per move, each made through the case's
workflow table (`cases.workflows`), which locks the row, checks the state and the actor, saves with
`update_fields` and writes the audit row in one transaction (STYLE practice 1). The roster of law firms
and handlers is `cases.roster`.

准予 opens the case in the same transaction (`approve`): the workflow that spans the application and
its case is owned here, by the app above both.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, User
from applications import services as application_services
from applications.models import Application, MatterCategory, Status
from applications.services import file_objection, objection_move, settle_objection
from applications.workflows import APPLICATION_FLOW
from audit.models import AuditAction
from audit.services import record
from cases import sms
from cases.models import (
    ADULT_AGE,
    CLOCKS,
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
    set_clock_due_dates,
)
from cases.workflows import CASE_FLOW, CASE_OBJECTION_FLOW
from core.numbering import next_number
from core.transitions import TransitionError, required
from core.uploads import removes_files_on_error, save_upload
from tallies import services as tallies
from tallies.models import Figure


def allowed_actions(user: User, case: Case) -> set[str]:
    """The moves to offer on the case page, from the workflow tables (templates never test roles or
    states themselves)."""
    actions = CASE_FLOW.allowed(user, case) - {"restore"}
    pending = next((o for o in case.objections.all() if o.outcome == ObjectionOutcome.PENDING), None)
    if pending is not None and CASE_OBJECTION_FLOW.allowed(user, pending):
        actions.add("decide_objection")
    return actions


# --- 准予 opens the case ---------------------------------------------------------------------------
@transaction.atomic
def approve(
    application: Application, *, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Case:
    """准予法律援助 and the case it opens, numbered, in one transaction (SPEC §4). The matter counts in
    the month of the decision (SPEC §7)."""
    application = application_services.approve(application, by=by, request=request, today=today)
    case = open_case(application, by=by, request=request)
    sms.notify_approved(case)
    if application.has_provisional_aid:
        case = _confirm_provisional_handler(case, application, by=by, request=request)
    return case


def _confirm_provisional_handler(
    case: Case, application: Application, *, by: User, request: HttpRequest | None
) -> Case:
    """先行提供 then 准予: the handler who acted first handles the case, assigned (by the normal path: the
    history, the 委托协议 clock and the applicant's text) on the day they were named, so the 3-day
    指派 clock is met. A handler no longer eligible (left the roster, office changed) is not kept:
    the case waits for 指派 as any other, and the record says why."""
    handler = required(application.provisional_handler, "该申请没有先行指派承办人。")
    on = required(application.provisionally_assigned_on, "该申请没有先行指派日期。")
    refusal = handler_refusal(case, handler, today=on)
    if refusal:
        record(
            AuditAction.UPDATE,
            actor=by,
            request=request,
            obj=case,
            note=f"先行指派的承办人{handler}不再符合指派条件（{refusal}），请重新指派。",
        )
        return case
    return assign(case, handler=handler, by=by, request=request, today=on)


# --- 先行提供: a handler before the decision (法律援助法 第四十四条) ---------------------------------------
def provisional_case(application: Application) -> Case:
    """The case 准予 would open, unsaved and unnumbered: what the eligibility of a handler named before
    the decision is judged on (the same `handler_refusal` as 指派)."""
    return Case(
        office=application.responsible_office,
        case_type=CaseType.objects.get(code=application.category),
        application=application,
        is_sealed=is_sealed_matter(application),
    )


def assign_provisionally(
    application: Application,
    *,
    handler: Handler,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Application:
    """先行指派承办人 on an urgent application still under review. No case is opened or numbered: it
    opens on 准予 with this handler assigned (`approve`); a 不予 ends the aid
    (`applications.services.refuse`)."""
    with APPLICATION_FLOW.begin(application, "assign_provisionally", by=by, request=request) as move:
        application = move.obj
        today = today or timezone.localdate()
        check_handler(provisional_case(application), handler, today=today)
        application.provisional_handler = handler
        application.provisionally_assigned_on = today
        application.provisional_ended_on = None
        move.done(
            fields=["provisional_handler", "provisionally_assigned_on", "provisional_ended_on"],
            change=("", handler.user.display_name),
            note=f"先行指派承办人：{handler}（先行提供法律援助，法律援助法第四十四条）",
        )
    return application


def is_sealed_matter(application: Application) -> bool:
    """The default seal of a new case: a criminal matter whose applicant was under 18 when the offence
    was committed (涉嫌犯罪时间; 刑事诉讼法 第二百八十六条 seals the records of a suspect who was under
    18 AT THE TIME OF THE OFFENCE, whatever their age when applying). Without that date, the age on
    the day of application is the best default there is.

    Only a default: the applicant may be a minor victim, or the parent of a minor suspect, so the
    office's reviewer confirms or corrects it on the case page (`set_seal`). Ages follow the
    criminal-law reading (最高法 未成年人刑事案件解释 第二条): a 周岁 is reached the day after the
    birthday, so the previous day is passed to `age_on`.
    """
    if application.category != MatterCategory.CRIMINAL:
        return False
    on = application.offence_date or timezone.localdate(application.received_at)
    return application.id_card.age_on(on - timedelta(days=1)) < ADULT_AGE


def format_case_number(*, year: int, abbreviation: str, type_char: str, serial: int) -> str:
    return f"（{year}）{abbreviation}法援{type_char}字第{serial:04d}号"


def case_number_scope(office_code: str, type_char: str) -> str:
    """The counter's scope: one gap-free series per office, type and year."""
    return f"{office_code}-{type_char}"


def numbered_case(*, office: Office, case_type: CaseType, opened_on: date, serial: int, **origin: object) -> Case:
    """An unsaved case, number `serial` of its (office, year, type) series, opened — and counted
    (SPEC §7) — on `opened_on`, when its 3-day assignment clock starts. `origin` says what opened it
    (the application or the notice) and its defaults (seal, life or death)."""
    return Case(
        office=office,
        case_type=case_type,
        year=opened_on.year,
        serial=serial,
        number=format_case_number(
            year=opened_on.year, abbreviation=office.case_number_abbreviation, type_char=case_type.char, serial=serial
        ),
        opened_on=opened_on,
        assignment_clock_from=opened_on,
        **origin,
    )


def next_serial(*, office: Office, case_type: CaseType, year: int) -> int:
    """The next number of the office's series for the type and year, from the locked counter row."""
    return next_number(kind="case", year=year, scope=case_number_scope(office.code, case_type.char))


def new_case(application: Application, *, serial: int, case_type: CaseType) -> Case:
    """The unsaved case of an approved application with serial number `serial` of its series."""
    return numbered_case(
        office=application.responsible_office,
        case_type=case_type,
        opened_on=required(application.decided_on, "申请尚未作出准予决定，不能立案。"),
        serial=serial,
        application=application,
        is_sealed=is_sealed_matter(application),
    )


@transaction.atomic
def open_case(application: Application, *, by: User, request: HttpRequest | None = None) -> Case:
    """Create the case of an approved application, in the transaction of the decision (SPEC §4).

    The number comes from the locked counter row of (office, year, type): two reviewers approving
    at the same instant wait for each other there, and a rolled-back decision gives its number back.
    """
    if application.status != Status.APPROVED or application.decided_on is None:
        raise TransitionError("只有准予法律援助的申请才能立案。")
    if Case.objects.filter(application=application).exists():
        raise TransitionError("该申请已经立案。")
    case_type = CaseType.objects.get(code=application.category)
    serial = next_serial(office=application.responsible_office, case_type=case_type, year=application.decided_on.year)
    case = new_case(application, serial=serial, case_type=case_type)
    case.full_clean(exclude=["application"])
    case.save()
    record(AuditAction.CREATE, actor=by, request=request, obj=case, to_state=CaseState.AWAITING_ASSIGNMENT.label)
    return case


# --- assignment --------------------------------------------------------------------------------------
def handler_refusal(case: Case, handler: Handler, *, today: date) -> str | None:
    """Why `handler` may not take `case`, or None. A notified case needs a practising lawyer (第三十六条:
    指派律师); a case that may bring life imprisonment or death, or a death-penalty review, a lawyer of
    ≥ 3 years' practice (第二十六条)."""
    if handler.office_id != case.office_id or not handler.is_active:
        return "只能指派本机构名册内可接受指派的承办人。"
    if case.lawyer_only and not handler.is_lawyer:
        return "通知辩护（代理）案件须指派律师，法律援助机构工作人员不能承办（法律援助法第三十六条）。"
    if case.needs_senior_lawyer and (
        not handler.is_lawyer or handler.years_of_practice(on=today) < SENIOR_LAWYER_YEARS
    ):
        return (
            "可能被判处无期徒刑、死刑的案件和死刑复核案件，须指派具有三年以上执业经历的律师（法律援助法第二十六条）。"
        )
    return None


def check_handler(case: Case, handler: Handler, *, today: date) -> None:
    refusal = handler_refusal(case, handler, today=today)
    if refusal:
        raise ValidationError({"handler": refusal})


def assign(
    case: Case,
    *,
    handler: Handler,
    by: User,
    reason: str = "",
    may_bring_life_or_death: bool | None = None,
    death_penalty_review: bool | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Case:
    """指派 (待指派 → 承办中), or 变更承办人 with a written reason while the case is handled.

    The 委托协议 clock (5 days) starts again from the new assignment.
    """
    name = "reassign" if case.state == CaseState.IN_PROGRESS else "assign"
    with CASE_FLOW.begin(case, name, by=by, request=request) as move:
        case = move.obj
        today = today or timezone.localdate()
        if may_bring_life_or_death is not None and not case.life_or_death_by_notice:
            case.may_bring_life_or_death = may_bring_life_or_death and case.category == MatterCategory.CRIMINAL
        if death_penalty_review is not None and not case.life_or_death_by_notice:
            case.death_penalty_review = death_penalty_review and case.category == MatterCategory.CRIMINAL
        check_handler(case, handler, today=today)
        reason = reason.strip()
        if name == "reassign":
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
        fields = ["handler", "assigned_on", "agreement_signed_on", "may_bring_life_or_death", "death_penalty_review"]
        if name == "reassign":
            move.done(
                fields=fields,
                change=(
                    required(before, "案件尚未指派，不能变更承办人。").user.display_name,
                    handler.user.display_name,
                ),
                note=f"变更承办人：{reason}",
            )
        else:
            move.done(fields=fields, note=f"指派：{handler}")
        sms.notify_assigned(case, reassigned=name == "reassign")
    return case


def record_agreement(
    case: Case, *, signed_on: date, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Case:
    """The 委托协议 with the recipient was signed (due 5 days after assignment)."""
    with CASE_FLOW.begin(case, "record_agreement", by=by, request=request) as move:
        case = move.obj
        assigned_on = required(case.assigned_on, "案件尚未指派，不能登记委托协议。")
        if signed_on > (today or timezone.localdate()) or signed_on < assigned_on:
            raise ValidationError({"signed_on": "签订日期应在指派日期与今天之间。"})
        case.agreement_signed_on = signed_on
        move.done(fields=["agreement_signed_on"], note=f"委托协议签订日期：{signed_on:%Y-%m-%d}")
    return case


# --- handling and closure ------------------------------------------------------------------------------
def log_progress(
    case: Case,
    *,
    kind: str,
    happened_on: date,
    note: str,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> ProgressEntry:
    with CASE_FLOW.begin(case, "log_progress", by=by, request=request) as move:
        if kind not in ProgressKind.values:
            raise ValidationError({"kind": "请选择办理事项。"})
        if happened_on > (today or timezone.localdate()):
            raise ValidationError({"happened_on": "日期不能晚于今天。"})
        if not note.strip():
            raise ValidationError({"note": "请填写情况记录。"})
        entry = ProgressEntry.objects.create(
            case=move.obj, kind=kind, happened_on=happened_on, note=note.strip(), recorded_by=by
        )
        move.done(action=AuditAction.CREATE, note=f"办案进展：{entry.get_kind_display()} {happened_on:%Y-%m-%d}")
    return entry


def _check_matter_end(case: Case, matter_ended_on: date, *, today: date) -> None:
    if matter_ended_on > today or (case.assigned_on and matter_ended_on < case.assigned_on):
        raise ValidationError({"matter_ended_on": "案件办结日期应在指派日期与今天之间。"})


def record_matter_end(
    case: Case, *, matter_ended_on: date, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Case:
    """The matter ended (judgment, settlement …): the 30-day clock for closure materials starts."""
    with CASE_FLOW.begin(case, "record_matter_end", by=by, request=request) as move:
        case = move.obj
        _check_matter_end(case, matter_ended_on, today=today or timezone.localdate())
        case.matter_ended_on = matter_ended_on
        move.done(fields=["matter_ended_on"], note=f"案件办结日期：{matter_ended_on:%Y-%m-%d}")
    return case


def attach_closure_material(case: Case, upload: UploadedFile[bytes], *, by: User) -> ClosureMaterial:
    material = ClosureMaterial(case=case, uploaded_by=by)
    save_upload(material, upload)
    return material


@removes_files_on_error
def submit_closure(
    case: Case,
    *,
    method: str,
    matter_ended_on: date,
    summary: str,
    files: Iterable[UploadedFile[bytes]],
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Case:
    """提交结案 (承办中 → 待结案审查): the office's 30-day review clock starts today."""
    with CASE_FLOW.begin(case, "submit_closure", by=by, request=request) as move:
        case = move.obj
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
        move.done(
            fields=["closure_method", "matter_ended_on", "closure_summary", "closure_submitted_on"],
            note=f"结案方式：{ClosureMethod(method).label}；结案材料 {len(files)} 份",
        )
    return case


def accept_closure(case: Case, *, by: User, request: HttpRequest | None = None, today: date | None = None) -> Case:
    """结案审查通过 (待结案审查 → 已结案). The lawyer's subsidy is computed with it: call
    `quality.services.accept_closure`, which owns that step."""
    with CASE_FLOW.begin(case, "accept_closure", by=by, request=request) as move:
        case = move.obj
        case.closed_on = today or timezone.localdate()
        case.closure_returned_reason = ""
        move.done(fields=["closed_on", "closure_returned_reason"])
        tallies.add(closure_tally(case))
        sms.notify_closed(case)
    return case


def closure_tally(case: Case) -> tallies.Tally:
    """A closure counts at the case's office in the month it was accepted (本月结案, SPEC §7); it is
    final: `closed_on` stays set when the case is archived."""
    return tallies.Tally(Figure.CASES_CLOSED, case.office_id, required(case.closed_on, "案件尚未结案。"))


def return_closure(case: Case, *, reason: str, by: User, request: HttpRequest | None = None) -> Case:
    """The office sends the closure back for more (待结案审查 → 承办中), with a reason."""
    with CASE_FLOW.begin(case, "return_closure", by=by, request=request) as move:
        case = move.obj
        if not reason.strip():
            raise ValidationError({"reason": "退回须写明理由。"})
        case.closure_returned_reason = reason.strip()
        case.closure_submitted_on = None
        move.done(fields=["closure_returned_reason", "closure_submitted_on"], note=f"结案材料退回：{reason.strip()}")
    return case


def archive(case: Case, *, by: User, request: HttpRequest | None = None, today: date | None = None) -> Case:
    """归档 (已结案 → 已归档)."""
    with CASE_FLOW.begin(case, "archive", by=by, request=request) as move:
        case = move.obj
        case.archived_on = today or timezone.localdate()
        move.done(fields=["archived_on"])
    return case


# --- 终止 and the objection to it (第四十八条, 第四十九条) ------------------------------------------------
def terminate(
    case: Case,
    *,
    ground: TerminationGround,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Case:
    """终止法律援助 on a ground of 第四十八条; the applicant may object to the 司法局 (第四十九条)."""
    with CASE_FLOW.begin(case, "terminate", by=by, request=request) as move:
        case = move.obj
        if not ground.is_active:
            raise ValidationError({"ground": "请选择终止法律援助的情形。"})
        if not reason.strip():
            raise ValidationError({"reason": "请写明终止的事实和理由。"})
        case.termination_ground = ground
        case.termination_reason = reason.strip()
        case.terminated_on = today or timezone.localdate()
        case.state_before_termination = case.state  # where 责令改正 puts it back
        move.done(
            fields=["termination_ground", "termination_reason", "terminated_on", "state_before_termination"],
            note=f"终止法律援助：{ground}；{reason.strip()}",
        )
        sms.notify_terminated(case)
    return case


def register_objection(
    case: Case,
    *,
    reasons: str,
    received_on: date,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> CaseObjection:
    """The recipient objects to the termination; the 司法局 decides within 5 days."""
    with CASE_FLOW.begin(case, "register_objection", by=by, request=request) as move:
        objection = file_objection(
            move.obj.objections,
            reasons=reasons,
            received_on=received_on,
            earliest=required(move.obj.terminated_on, "案件未终止法律援助，不能登记异议。"),
            by=by,
            request=request,
            today=today,
        )
        move.done(note=f"登记异议（收到日期 {received_on:%Y-%m-%d}）")
    return objection


@removes_files_on_error
@transaction.atomic
def decide_objection(
    case: Case,
    *,
    outcome: str,
    note: str,
    decided_on: date,
    by: User,
    document: UploadedFile[bytes] | None = None,
    request: HttpRequest | None = None,
) -> CaseObjection:
    """Record the 司法局's decision on the pending objection. 责令改正 reopens the case where it
    stood before 终止 (待指派, 承办中 with its handler, or 待结案审查 with the submitted closure).
    A case back in 待指派 gets a new 3-day assignment clock from the correction: the office could
    not assign a terminated case, so the days before do not count against it."""
    case = CASE_FLOW.lock(case)
    if outcome == ObjectionOutcome.CORRECTED:
        CASE_FLOW.check(case, "restore", by)  # refuse before anything is written
    objection = case.objections.filter(outcome=ObjectionOutcome.PENDING).first()
    if objection is None:
        raise TransitionError("该案件没有待审查的异议。")
    with CASE_OBJECTION_FLOW.begin(objection, objection_move(outcome), by=by, request=request) as decision:
        settle_objection(decision, note=note, decided_on=decided_on, document=document, by=by)
    if outcome == ObjectionOutcome.CORRECTED:
        with CASE_FLOW.begin(case, "restore", by=by, request=request) as move:
            case = move.obj
            ground = case.termination_ground
            restored = CaseState(case.state_before_termination)
            case.termination_ground = None
            case.termination_reason = ""
            case.terminated_on = None
            case.state_before_termination = ""
            fields = ["termination_ground", "termination_reason", "terminated_on", "state_before_termination"]
            if restored == CaseState.AWAITING_ASSIGNMENT:
                case.assignment_clock_from = decided_on
                fields.append("assignment_clock_from")
            move.done(to=restored, fields=fields, note=f"司法局责令改正，恢复法律援助（原终止情形：{ground}）")
    return decision.obj


# --- the seal of a minor suspect's record (刑事诉讼法 第二百八十六条) ----------------------------------
def set_seal(case: Case, *, sealed: bool, reason: str, by: User, request: HttpRequest | None = None) -> Case:
    """The office's reviewer confirms or corrects whether the case's records are sealed.

    The default set on opening reads the applicant's age; the law asks about the suspect's (a minor
    victim applying is not sealed, a minor suspect whose parent applied is). Both a confirmation and
    a correction are audited with the reason.
    """
    with CASE_FLOW.begin(case, "set_seal", by=by, request=request) as move:
        case = move.obj
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "请写明理由。"})
        before = case.is_sealed
        case.is_sealed = sealed
        move.done(
            fields=["is_sealed"],
            change=(_seal_label(before), _seal_label(sealed)),
            note=f"{'确认' if before == sealed else '更正'}涉罪未成年人记录封存：{reason}",
        )
    return case


def _seal_label(sealed: bool) -> str:
    return "封存" if sealed else "不封存"


@transaction.atomic
def recompute_stored_deadlines(*, by: User | None = None, request: HttpRequest | None = None) -> int:
    """The due date of every running case clock and the 司法局's 5-day date of every pending objection
    to a termination, after the holiday calendar changed (the intake's dates:
    `applications.services.recompute_stored_deadlines`). A clock that has stopped has no date stored
    (`Case.save`). Returns how many dates moved."""
    moved = 0
    running = Q(pk__in=[])
    for clock in CLOCKS:
        running |= clock.running()
    cases = list(Case.objects.filter(running).order_by("pk"))
    recomputed = [copy(case) for case in cases]
    set_clock_due_dates(recomputed)
    for case, fresh in zip(cases, recomputed, strict=True):
        for clock in case.running_clocks:
            moved += application_services.restate_due_date(
                case,
                clock.due_on,
                getattr(fresh, clock.due_on),
                about=case,
                label=f"{clock.label}期限",
                by=by,
                request=request,
            )
    for objection in CaseObjection.objects.filter(outcome=ObjectionOutcome.PENDING).select_related("case"):
        moved += application_services.restate_due_date(
            objection,
            "due_on",
            application_services.objection_due(objection.received_on),
            about=objection.case,
            label="终止异议审查期限",
            by=by,
            request=request,
        )
    return moved
