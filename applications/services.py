"""Every write to an application goes through here: one function per move, each in one transaction
that locks the row, checks the allowed-moves table and the actor, saves and writes the audit row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role
from applications.models import (
    OBJECTION_DAYS,
    Application,
    BaseObjection,
    Channel,
    KnownAuthority,
    Location,
    Material,
    MaterialKind,
    MaterialSource,
    NumberSequence,
    Objection,
    ObjectionOutcome,
    Status,
    SupplementRequest,
    UrgentGround,
)
from applications.uploads import removes_files_on_error, save_upload
from audit.models import AuditAction
from audit.services import record
from deadlines import calendar


class TransitionError(Exception):
    """An illegal move; the message is Chinese and shown to the user as it is."""


ALLOWED_MOVES: dict[str, set[str]] = {
    "request_supplement": {Status.PENDING_REVIEW},
    "receive_supplement": {Status.AWAITING_SUPPLEMENT},
    "expire_supplement": {Status.AWAITING_SUPPLEMENT},
    "approve": {Status.PENDING_REVIEW},
    "refuse": {Status.PENDING_REVIEW},
    "transfer_out": {Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT},
    "mark_urgent": {Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT},
    "reroute": {Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT},
    "register_objection": {Status.REFUSED},
}


def _check_move(application: Application, move: str) -> None:
    if application.status not in ALLOWED_MOVES[move]:
        raise TransitionError(f"申请当前状态为“{application.get_status_display()}”，不能进行此操作。")


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


# --- who may do what (small named rules; views and templates ask these) --------------------------
def _works_at(user, office_id: int | None, *roles: Role) -> bool:
    return user.is_authenticated and user.office_id == office_id and user.has_role(*roles)


def can_register_walk_in(user) -> bool:
    return user.is_authenticated and user.office_id is not None and user.has_role(Role.CLERK)


def can_handle_materials(user, application: Application) -> bool:
    return _works_at(user, application.responsible_office_id, Role.CLERK, Role.REVIEWER) or _works_at(
        user, application.receiving_office_id, Role.CLERK
    )


def can_decide(user, application: Application) -> bool:
    return _works_at(user, application.responsible_office_id, Role.REVIEWER)


def can_reroute(user, application: Application) -> bool:
    return _works_at(user, application.responsible_office_id, Role.CLERK, Role.REVIEWER) or _works_at(
        user, application.receiving_office_id, Role.CLERK, Role.REVIEWER
    )


def can_mark_urgent(user, application: Application) -> bool:
    return can_reroute(user, application)


def can_record_objection(user, application: Application) -> bool:
    return _works_at(user, application.responsible_office_id, Role.CLERK, Role.REVIEWER)


MOVE_PERMISSIONS = {
    "approve": can_decide,
    "refuse": can_decide,
    "request_supplement": can_handle_materials,
    "receive_supplement": can_handle_materials,
    "mark_urgent": can_mark_urgent,
    "reroute": can_reroute,
    "transfer_out": can_decide,
    "register_objection": can_record_objection,
}


def allowed_actions(user, application: Application) -> set[str]:
    """The moves `user` may make on `application` now: what the page offers (a hidden button is
    still refused by the service if posted)."""
    moves = {
        move
        for move, permitted in MOVE_PERMISSIONS.items()
        if application.status in ALLOWED_MOVES[move] and permitted(user, application)
    }
    if application.supplement_requests.exists():
        moves.discard("request_supplement")  # one notice only (一次性告知)
    if application.is_urgent:
        moves.discard("mark_urgent")
    if not application.transfer_out_required:
        moves.discard("transfer_out")
    if application.objections.filter(outcome=ObjectionOutcome.PENDING).exists():
        moves.discard("register_objection")
        if can_record_objection(user, application):
            moves.add("decide_objection")
    return moves


def require_permission(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您无权对该申请进行此操作。")


# --- numbering -----------------------------------------------------------------------------------
def next_number(*, kind: str, year: int, scope: str = "") -> int:
    """The next value of a gap-free counter. Call inside the transaction that uses the number: the
    counter row stays locked until it commits, and a rollback gives the number back."""
    NumberSequence.objects.bulk_create([NumberSequence(kind=kind, scope=scope, year=year)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(kind=kind, scope=scope, year=year)
    sequence.last_value = F("last_value") + 1
    sequence.save(update_fields=["last_value"])
    sequence.refresh_from_db(fields=["last_value"])
    return sequence.last_value


def allocate_application_number(*, year: int) -> str:
    return f"YF-{year}-{next_number(kind='application', year=year):06d}"


# --- routing (市域通办) ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Routing:
    office: Office
    basis: str
    transfer_out_required: bool


def route(*, authority_name: str, authority_location: str, residence: str, fallback: Office | None) -> Routing:
    """The responsible office (法律援助法 第三十八条): where the handling authority sits; where that
    is unknown, the applicant's usual residence. A city-level authority goes to the city office.
    An authority outside 云浮 is flagged for transfer, never refused (the applicant applies once)."""
    offices = {office.code: office for office in Office.objects.all()}
    # A known authority's seat wins over what was picked: 云浮市中级人民法院 sits in 云城区 but is a
    # city-level court, so its matters go to the city office.
    known = KnownAuthority.objects.filter(name=authority_name.strip()).first() if authority_name else None
    location = known.location if known is not None else authority_location
    if location in offices:
        where = Location(location).label
        return Routing(offices[location], f"办案机关或争议处理机关所在地：{where}", False)
    if location == Location.OUTSIDE:
        office = offices.get(residence) or fallback or offices["445300"]
        return Routing(office, "办案机关在云浮市外：由受理机构接收后转交", True)
    if residence in offices:
        return Routing(offices[residence], f"办案机关所在地不明，按经常居住地：{Location(residence).label}", False)
    office = fallback or offices["445300"]
    return Routing(office, "办案机关所在地不明且经常居住地在云浮市外：由受理机构承办", False)


# --- materials -----------------------------------------------------------------------------------
def attach_material(application: Application, upload: UploadedFile, *, kind: str, source: str, by=None) -> Material:
    material = Material(
        application=application,
        kind=kind,
        source=source,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    save_upload(material, upload)
    return material


def _attach_all(application: Application, uploads: dict[str, Iterable[UploadedFile]], *, source: str, by) -> None:
    for kind, files in uploads.items():
        for upload in files or []:
            attach_material(application, upload, kind=kind, source=source, by=by)


# --- intake --------------------------------------------------------------------------------------
def open_duplicates(*, id_number: str, category: str) -> list[Application]:
    """Open applications of the same person and 事项类别 (the duplicate guard of SPEC §3)."""
    return list(
        Application.objects.open().filter(id_number=id_number, category=category).select_related("responsible_office")
    )


@removes_files_on_error
@transaction.atomic
def submit_application(
    *,
    data: dict,
    uploads: dict[str, Iterable[UploadedFile]],
    receiving_office: Office | None,
    by=None,
    request: HttpRequest | None = None,
) -> Application:
    """Save a validated application (online when `receiving_office` is None, else walk-in)."""
    special_groups = data.pop("special_groups", [])
    routing = route(
        authority_name=data.get("authority_name", ""),
        authority_location=data["authority_location"],
        residence=data["residence"],
        fallback=receiving_office,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    application = Application(
        **data,
        number=allocate_application_number(year=today.year),
        channel=Channel.WALK_IN if receiving_office else Channel.ONLINE,
        receiving_office=receiving_office,
        responsible_office=routing.office,
        routing_basis=routing.basis,
        transfer_out_required=routing.transfer_out_required,
        received_at=now,
        clock_started_on=today,
        received_by=by if by is not None and by.is_authenticated else None,
    )
    application.full_clean()
    application.save()
    application.special_groups.set(special_groups)
    source = MaterialSource.OFFICE if receiving_office else MaterialSource.APPLICANT_ONLINE
    _attach_all(application, uploads, source=source, by=by)
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=application,
        to_state=Status(application.status).label,
        note=f"{application.get_channel_display()}；承办机构：{routing.office.name}（{routing.basis}）"
        + (f"；重复申请说明：{application.duplicate_reason}" if application.duplicate_reason else ""),
    )
    return application


@transaction.atomic
def reroute(application: Application, *, to_office: Office, reason: str, by, request=None) -> Application:
    application = _locked(application)
    require_permission(can_reroute(by, application))
    _check_move(application, "reroute")
    if not reason.strip():
        raise ValidationError({"reason": "请写明变更承办机构的理由。"})
    if to_office.pk == application.responsible_office_id:
        raise ValidationError({"to_office": "新的承办机构与原承办机构相同。"})
    before = application.responsible_office
    application.responsible_office = to_office
    application.routing_basis = f"人工变更：{reason.strip()}"[:200]
    application.save(update_fields=["responsible_office", "routing_basis"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=application,
        from_state=before.name,
        to_state=to_office.name,
        note=f"变更承办机构：{reason.strip()}",
    )
    return application


@transaction.atomic
def mark_urgent(application: Application, *, ground: str, by, request=None) -> Application:
    """先行提供 (第四十四条): the work may start before the review is complete."""
    application = _locked(application)
    require_permission(can_mark_urgent(by, application))
    _check_move(application, "mark_urgent")
    if ground not in UrgentGround.values:
        raise ValidationError({"ground": "请选择先行提供的情形。"})
    application.urgent_ground = ground
    application.urgent_marked_at = timezone.now()
    application.save(update_fields=["urgent_ground", "urgent_marked_at"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=application,
        note=f"先行提供法律援助：{UrgentGround(ground).label}",
    )
    return application


# --- 补正 ----------------------------------------------------------------------------------------
@transaction.atomic
def request_supplement(
    application: Application, *, items: list[str], note: str, by, request=None, today: date | None = None
) -> SupplementRequest:
    """One notice listing everything missing; the review clock stops until the materials arrive."""
    application = _locked(application)
    require_permission(can_handle_materials(by, application))
    _check_move(application, "request_supplement")
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise ValidationError({"items": "请至少列明一项需要补正的材料。"})
    if application.supplement_requests.exists():
        raise TransitionError("补正只能一次性告知；该申请已发出过补正通知。")
    today = today or timezone.localdate()
    supplement = SupplementRequest.objects.create(
        application=application,
        items=items,
        note=note.strip(),
        requested_on=today,
        reply_due_on=calendar.add_days(today, settings.LEGALAID_SUPPLEMENT_REPLY_DAYS),
        requested_by=by,
    )
    _set_status(
        application, Status.AWAITING_SUPPLEMENT, by=by, request=request, note="一次性告知补正：" + "；".join(items)
    )
    return supplement


@removes_files_on_error
@transaction.atomic
def receive_supplement(
    application: Application,
    *,
    files: Iterable[UploadedFile],
    by=None,
    request=None,
    today: date | None = None,
) -> Application:
    """The missing materials arrived (on /track/ or at any office): the clock runs again."""
    application = _locked(application)
    if by is not None and by.is_authenticated:
        require_permission(can_handle_materials(by, application) or _works_at(by, by.office_id, Role.CLERK))
    _check_move(application, "receive_supplement")
    files = list(files)
    if not files:
        raise ValidationError({"files": "请上传补正材料。"})
    source = MaterialSource.OFFICE if by is not None and by.is_authenticated else MaterialSource.APPLICANT_ONLINE
    for upload in files:
        attach_material(application, upload, kind=MaterialKind.SUPPLEMENT, source=source, by=by)
    supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
    supplement.resolved_on = today or timezone.localdate()
    supplement.save(update_fields=["resolved_on"])
    _set_status(application, Status.PENDING_REVIEW, by=by, request=request, note=f"收到补正材料 {len(files)} 份")
    return application


def expire_supplements(*, today: date | None = None) -> list[Application]:
    """视为撤回 for every 补正 left unanswered past its reply date. Idempotent: run daily."""
    today = today or timezone.localdate()
    expired = []
    overdue = SupplementRequest.objects.filter(resolved_on__isnull=True, expired=False, reply_due_on__lt=today)
    for application_id in overdue.values_list("application_id", flat=True):
        with transaction.atomic():
            # Application first, then its 补正 row: the same order as receive_supplement, so the
            # daily job and an applicant's late upload wait for each other instead of deadlocking.
            application = Application.objects.select_for_update().get(pk=application_id)
            if application.status not in ALLOWED_MOVES["expire_supplement"]:
                continue  # answered, transferred or otherwise moved on meanwhile
            supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
            supplement.expired = True
            supplement.resolved_on = today
            supplement.save(update_fields=["expired", "resolved_on"])
            application.closed_note = f"补正期限（{supplement.reply_due_on:%Y年%-m月%-d日}）届满未补正，视为撤回申请"
            _set_status(
                application, Status.WITHDRAWN, by=None, note=application.closed_note, extra=["closed_note"], today=today
            )
            expired.append(application)
    return expired


# --- decisions -----------------------------------------------------------------------------------
CLOSED_STATUSES = {Status.APPROVED, Status.REFUSED, Status.WITHDRAWN, Status.TRANSFERRED_OUT}


def _set_status(
    application: Application,
    status: str,
    *,
    by,
    request=None,
    note: str = "",
    extra: Iterable[str] = (),
    today: date | None = None,
):
    """Move to `status` and write the audit row; keeps `closed_on` (when it left the queue) in step."""
    before = application.status
    application.status = status
    application.closed_on = (today or timezone.localdate()) if status in CLOSED_STATUSES else None
    application.save(update_fields=["status", "closed_on", *extra])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=application,
        from_state=Status(before).label,
        to_state=Status(status).label,
        note=note,
    )


@transaction.atomic
def approve(application: Application, *, by, request=None, today: date | None = None) -> Application:
    """准予法律援助. The matter counts in the month of this date (SPEC §7)."""
    application = _locked(application)
    require_permission(can_decide(by, application))
    _check_move(application, "approve")
    application.decided_on = today or timezone.localdate()
    application.decided_by = by
    application.decision_reason = ""
    _set_status(
        application,
        Status.APPROVED,
        by=by,
        request=request,
        extra=["decided_on", "decided_by", "decision_reason"],
        today=application.decided_on,
    )
    # The case is opened, and numbered, in the same transaction as the decision (SPEC §4).
    from cases.services import open_case  # cases builds on applications, not the other way round

    open_case(application, by=by, request=request)
    return application


@transaction.atomic
def refuse(application: Application, *, reason: str, by, request=None, today: date | None = None) -> Application:
    application = _locked(application)
    require_permission(can_decide(by, application))
    _check_move(application, "refuse")
    if not reason.strip():
        raise ValidationError({"reason": "不予法律援助必须写明理由。"})
    application.decided_on = today or timezone.localdate()
    application.decided_by = by
    application.decision_reason = reason.strip()
    _set_status(
        application,
        Status.REFUSED,
        by=by,
        request=request,
        note=reason.strip(),
        extra=["decided_on", "decided_by", "decision_reason"],
        today=application.decided_on,
    )
    return application


@transaction.atomic
def transfer_out(application: Application, *, destination: str, by, request=None) -> Application:
    application = _locked(application)
    require_permission(can_decide(by, application))
    _check_move(application, "transfer_out")
    if not destination.strip():
        raise ValidationError({"destination": "请写明转交的市外法律援助机构。"})
    application.closed_note = f"已转交：{destination.strip()}"[:200]
    application.supplement_requests.filter(resolved_on__isnull=True).update(resolved_on=timezone.localdate())
    _set_status(
        application, Status.TRANSFERRED_OUT, by=by, request=request, note=application.closed_note, extra=["closed_note"]
    )
    return application


# --- objections (第四十九条) -------------------------------------------------------------------------
def file_objection(
    objections, *, reasons: str, received_on: date, earliest: date, by, request=None, today: date | None = None
) -> BaseObjection:
    """Record an objection on `objections` (an application's or a case's related manager). The
    司法局's 5-day clock is fixed now, as the applicant is told it. Call inside the caller's
    transaction, with the decided-on record locked."""
    if objections.filter(outcome=ObjectionOutcome.PENDING).exists():
        raise TransitionError("已有尚未审查完毕的异议。")
    if not reasons.strip():
        raise ValidationError({"reasons": "请填写异议理由。"})
    if not earliest <= received_on <= (today or timezone.localdate()):
        raise ValidationError({"received_on": f"收到异议日期应在{earliest:%Y年%-m月%-d日}与今天之间。"})
    objection = objections.create(
        reasons=reasons.strip(),
        received_on=received_on,
        due_on=calendar.add_days(received_on, OBJECTION_DAYS),
        recorded_by=by,
    )
    record(AuditAction.CREATE, actor=by, request=request, obj=objection, to_state=ObjectionOutcome.PENDING.label)
    return objection


def settle_objection(objection: BaseObjection, *, outcome: str, note: str, decided_on: date, by, request=None) -> None:
    """Record the 司法局's decision on a locked, pending objection; the caller reopens what 责令改正 reopens."""
    if objection.outcome != ObjectionOutcome.PENDING:
        raise TransitionError("该异议已有审查结果。")
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.CORRECTED):
        raise ValidationError({"outcome": "请选择审查结果。"})
    if not objection.received_on <= decided_on <= timezone.localdate():
        raise ValidationError({"decided_on": "决定日期应在收到异议日期与今天之间。"})
    objection.outcome = outcome
    objection.decided_on = decided_on
    objection.decision_note = note.strip()
    objection.save(update_fields=["outcome", "decided_on", "decision_note"])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=objection,
        from_state=ObjectionOutcome.PENDING.label,
        to_state=ObjectionOutcome(outcome).label,
        note=note.strip(),
    )


@transaction.atomic
def register_objection(application: Application, *, reasons: str, received_on: date, by, request=None) -> Objection:
    application = _locked(application)
    require_permission(can_record_objection(by, application))
    _check_move(application, "register_objection")
    return file_objection(
        application.objections,
        reasons=reasons,
        received_on=received_on,
        earliest=application.decided_on,
        by=by,
        request=request,
    )


@transaction.atomic
def decide_objection(objection: Objection, *, outcome: str, note: str, decided_on: date, by, request=None) -> Objection:
    """责令改正 reopens the application for a new decision, with a new seven-day clock from the order."""
    objection = Objection.objects.select_for_update().select_related("application").get(pk=objection.pk)
    application = _locked(objection.application)
    require_permission(can_record_objection(by, application))
    settle_objection(objection, outcome=outcome, note=note, decided_on=decided_on, by=by, request=request)
    if outcome == ObjectionOutcome.CORRECTED:
        application.clock_started_on = decided_on
        application.decided_on = None
        application.decided_by = None
        _set_status(
            application,
            Status.PENDING_REVIEW,
            by=by,
            request=request,
            note="司法局责令改正，重新审查",
            extra=["clock_started_on", "decided_on", "decided_by"],
        )
    return objection
