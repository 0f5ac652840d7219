"""Every write to an application goes through here: one function per move, each made through the
application's workflow table (`applications.workflows`), which locks the row, checks the state and the
actor, saves and writes the audit row in one transaction."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from copy import copy
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Actor, Office, User
from applications import sms
from applications.models import (
    OBJECTION_DAYS,
    OPEN_STATUSES,
    Application,
    BaseObjection,
    Channel,
    EconomicBasis,
    Material,
    MaterialKind,
    MaterialSource,
    MatterCategory,
    Objection,
    ObjectionOutcome,
    Status,
    SupplementRequest,
    UrgentGround,
    review_due_dates,
    store_decision_due_dates,
)
from applications.routing import route
from applications.signals import application_submitted
from applications.workflows import APPLICATION_FLOW, OBJECTION_FLOW
from audit.models import AuditAction
from audit.services import record
from core.numbering import next_number
from core.transitions import MoveInProgress, TransitionError, required
from core.uploads import check_record_total, removes_files_on_error, save_upload, write_upload
from deadlines import calendar
from deadlines.wording import chinese_date
from tallies import services as tallies
from tallies.models import Figure

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

APPLICATION_NUMBERS = "application"  # the counter kind of application numbers


def require_permission(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您无权对该申请进行此操作。")


def allowed_actions(user: User, application: Application) -> set[str]:
    """The moves `user` may make on `application` now, from the workflow tables: what the page offers
    (a hidden button is still refused by the service if posted)."""
    moves = APPLICATION_FLOW.allowed(user, application) - {"reopen"}
    pending = next((o for o in application.objections.all() if o.outcome == ObjectionOutcome.PENDING), None)
    if pending is not None and OBJECTION_FLOW.allowed(user, pending):
        moves.add("decide_objection")
    return moves


def application_number(*, year: int, value: int) -> str:
    """`YF-2026-000123`: the city-wide, gap-free series of a year (SPEC §3)."""
    return f"YF-{year}-{value:06d}"


def allocate_application_number(*, year: int) -> str:
    return application_number(year=year, value=next_number(kind=APPLICATION_NUMBERS, year=year))


def supplement_reply_due(requested_on: date) -> date:
    """The last day to answer a 补正 notice (the reply period is a setting, 15 days by default)."""
    return calendar.add_days(requested_on, settings.LEGALAID_SUPPLEMENT_REPLY_DAYS)


def objection_due(received_on: date) -> date:
    """The 司法局 decides an objection within 5 days of receiving it (第四十九条)."""
    return calendar.add_days(received_on, OBJECTION_DAYS)


# --- materials -----------------------------------------------------------------------------------
def attach_material(
    application: Application,
    upload: UploadedFile[bytes],
    *,
    kind: str,
    source: str,
    by: Actor | None = None,
    supplement_item: str = "",
) -> Material:
    material = _material(kind=kind, source=source, by=by, supplement_item=supplement_item)
    material.application = application
    save_upload(material, upload)
    return material


def _material(*, kind: str, source: str, by: Actor | None, supplement_item: str = "") -> Material:
    return Material(
        kind=kind,
        source=source,
        uploaded_by=by if isinstance(by, User) else None,
        supplement_item=supplement_item[: Material._meta.get_field("supplement_item").max_length or 200],
    )


def _written_materials(
    uploads: Mapping[str, Iterable[UploadedFile[bytes]]], *, source: str, by: Actor | None
) -> list[Material]:
    """The records of a new application's files, each file checked and written; the records are
    saved with the application (`Material.objects.bulk_create`)."""
    materials = []
    for kind, files in uploads.items():
        for upload in files or []:
            material = _material(kind=kind, source=source, by=by)
            write_upload(material, upload)
            materials.append(material)
    return materials


# --- intake --------------------------------------------------------------------------------------
def open_duplicates(*, id_number: str, category: str) -> QuerySet[Application]:
    """Open applications of the same person and 事项类别 (the duplicate guard of SPEC §3)."""
    return (
        Application.objects.open().filter(id_number=id_number, category=category).select_related("responsible_office")
    )


def duplicate_warning(
    *, id_number: str, category: str, by: User, request: HttpRequest | None = None, exclude: Application | None = None
) -> str:
    """The duplicate guard's warning for `by`, or "" when the person has no other open application of
    this 事项类别. An application `by` may see is named with its number and status; one of another
    county only by the office that handles it (its number and status are that county's business),
    and each such mention is on the record: who learnt what, when and from where."""
    duplicates = [a for a in open_duplicates(id_number=id_number, category=category) if exclude is None or a != exclude]
    if not duplicates:
        return ""
    visible = set(
        Application.objects.visible_to(by).filter(pk__in=[a.pk for a in duplicates]).values_list("pk", flat=True)
    )
    mentions = []
    for duplicate in duplicates:
        if duplicate.pk in visible:
            mentions.append(
                f"{duplicate.number}（{duplicate.responsible_office.name}，{duplicate.get_status_display()}）"
            )
        else:
            mentions.append(f"{duplicate.responsible_office.name}承办的一件申请")
            record(
                AuditAction.REVEAL_DUPLICATE,
                actor=by,
                request=request,
                obj=duplicate,
                note=f"重复申请提示：告知存在由{duplicate.responsible_office.name}承办的同类未办结申请",
            )
    category_label = MatterCategory(category).label
    return f"该申请人已有同类（{category_label}）未办结申请：{'、'.join(mentions)}。"


def submitted_with(token: uuid.UUID | None) -> Application | None:
    """The application a form page with this token already made, if any: the columns the pages it
    lands on name (it is asked on every post of a form: the whole row, sorted by the model's order,
    cost four times as much for at most one row of a unique column)."""
    if token is None:
        return None
    made = Application.objects.filter(submission_token=token).only("pk", "number", "responsible_office")
    return next(iter(made.order_by()[:1]), None)


def submit_application(
    *,
    data: dict[str, Any],
    uploads: Mapping[str, Iterable[UploadedFile[bytes]]],
    receiving_office: Office | None,
    by: Actor | None = None,
    request: HttpRequest | None = None,
    origin: str = "",
) -> Application:
    """Save a validated application (online when `receiving_office` is None, else walk-in).
    `origin` names the record a walk-in form was prefilled from (applications.prefill).

    Idempotent for a form page: posted again with the same `submission_token` (a double click, a
    browser's resend, a replay), it returns the application the first post made. The views ask
    `submitted_with` before they read the form; here the unique token is the database's to enforce,
    so a post that made it this far costs no extra query."""
    try:
        return _create_application(
            data=data, uploads=uploads, receiving_office=receiving_office, by=by, request=request, origin=origin
        )
    except IntegrityError:
        # The page was posted before (or twice at the same instant): the unique token let one post
        # in; this one was rolled back — its number, its files — and answers with the first one's.
        if (existing := submitted_with(data.get("submission_token"))) is not None:
            return existing
        raise


@removes_files_on_error
@transaction.atomic
def _create_application(
    *,
    data: dict[str, Any],
    uploads: Mapping[str, Iterable[UploadedFile[bytes]]],
    receiving_office: Office | None,
    by: Actor | None,
    request: HttpRequest | None,
    origin: str,
) -> Application:
    data = dict(data)
    special_groups = data.pop("special_groups", [])
    uploads = {kind: list(files or []) for kind, files in uploads.items()}
    check_record_total(0, [file for files in uploads.values() for file in files])
    routing = route(
        authority_name=data.get("authority_name", ""),
        authority_location=data["authority_location"],
        residence=data["residence"],
        fallback=receiving_office,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    # The same rule as the clerk's warning (duplicate_warning): online it only flags the application.
    flagged = open_duplicates(id_number=data["id_number"], category=data["category"]).exists()
    application = Application(
        **data,
        flagged_duplicate=flagged,
        channel=Channel.WALK_IN if receiving_office else Channel.ONLINE,
        receiving_office=receiving_office,
        responsible_office=routing.office,
        routing_basis=routing.basis,
        transfer_out_required=routing.transfer_out_required,
        received_at=now,
        clock_started_on=today,
        received_by=by if isinstance(by, User) else None,
    )
    # The fields are checked here; the table's constraints and unique columns are the database's to
    # enforce at the insert, in this transaction. The form already judged the constraints on what the
    # person wrote, with a message by each field; the rest are the values set here (the number from
    # the locked counter, the token: see submit_application). Checking each again in Python costs a
    # query apiece — a third of a submission's time (issue 14). So do the foreign keys: the offices
    # and the clerk are rows just read, not values someone typed.
    application.full_clean(
        exclude=["number", "submission_token", "receiving_office", "responsible_office", "received_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    application.store_decision_due_on(supplements=[], today=today)  # a new application has no 补正 notice
    source = MaterialSource.OFFICE if receiving_office else MaterialSource.APPLICANT_ONLINE
    materials = _written_materials(uploads, source=source, by=by)
    tallies.add_many(receipt_tallies(application))  # in this transaction; needs no number
    # Gap-free numbers serialise the submissions of the whole portal: the counter row stays locked
    # from here to the commit, so everything that does not need the number (routing, the checks, the
    # files, the month's count) is done before it is taken, and what follows is a few inserts.
    application.number = allocate_application_number(year=today.year)
    application.save()
    if special_groups:  # a new application has none to replace
        application.special_groups.add(*special_groups)
    for material in materials:
        material.application = application
    Material.objects.bulk_create(materials)
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=application,
        to_state=Status(application.status).label,
        note=f"{application.get_channel_display()}；承办机构：{routing.office.name}（{routing.basis}）"
        + ("；疑似重复申请（已有同类未办结申请）" if flagged else "")
        + (f"；重复申请说明：{application.duplicate_reason}" if application.duplicate_reason else ""),
    )
    sms.notify_received(application)
    application_submitted.send(sender=Application, application=application, origin=origin, by=by, request=request)
    return application


def reroute(
    application: Application, *, to_office: Office, reason: str, by: User, request: HttpRequest | None = None
) -> Application:
    with APPLICATION_FLOW.begin(application, "reroute", by=by, request=request) as move:
        application = move.obj
        if not reason.strip():
            raise ValidationError({"reason": "请写明变更承办机构的理由。"})
        if to_office.pk == application.responsible_office_id:
            raise ValidationError({"to_office": "新的承办机构与原承办机构相同。"})
        before = application.responsible_office
        moved_from = receipt_tallies(application, sign=-1)  # 通办 figures follow the office responsible
        application.responsible_office = to_office
        application.routing_basis = f"人工变更：{reason.strip()}"[:200]
        fields = ["responsible_office", "routing_basis"]
        # A handler named before the decision is on the old office's roster: the new office names its own.
        ended = end_provisional_aid(application, on=timezone.localdate(), fields=fields)
        move.done(
            fields=fields,
            change=(before.name, to_office.name),
            note=f"变更承办机构：{reason.strip()}{ended}",
        )
        tallies.add_many([*moved_from, *receipt_tallies(application)])
    return application


def receipt_tallies(application: Application, *, sign: int = 1) -> list[tallies.Tally]:
    """An application received at an office (not online) counts there, in the month of receipt (受理,
    SPEC §7); received for another office it counts as 通办 too — out at the receiving office, in at
    the one responsible. `sign=-1` takes them back: a reroute moves the 通办 figures to the new
    office (the receipt itself stays where it happened)."""
    receiving = application.receiving_office_id
    if receiving is None:
        return []
    on = timezone.localdate(application.received_at)
    counted = [tallies.Tally(Figure.RECEIVED, receiving, on, sign)]
    if application.responsible_office_id != receiving:
        counted += [
            tallies.Tally(Figure.RECEIVED_FOR_OTHER, receiving, on, sign),
            tallies.Tally(Figure.ROUTED_IN, application.responsible_office_id, on, sign),
        ]
    return counted


def mark_urgent(application: Application, *, ground: str, by: User, request: HttpRequest | None = None) -> Application:
    """先行提供 (第四十四条): the work may start before the review is complete."""
    with APPLICATION_FLOW.begin(application, "mark_urgent", by=by, request=request) as move:
        application = move.obj
        if ground not in UrgentGround.values:
            raise ValidationError({"ground": "请选择先行提供的情形。"})
        application.urgent_ground = ground
        application.urgent_marked_at = timezone.now()
        move.done(fields=["urgent_ground", "urgent_marked_at"], note=f"先行提供法律援助：{UrgentGround(ground).label}")
    return application


# --- 补正 ----------------------------------------------------------------------------------------
def request_supplement(
    application: Application,
    *,
    items: list[str],
    note: str,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> SupplementRequest:
    """One notice listing everything missing; the review clock stops until the materials arrive.
    Not once the review is overdue (第四十三条): a late notice would only hide the delay."""
    with APPLICATION_FLOW.begin(application, "request_supplement", by=by, request=request) as move:
        today = today or timezone.localdate()
        due = review_due_dates([move.obj], today=today)[move.obj.pk]
        if due is not None and due < today:
            raise TransitionError(
                f"审查期限已于{chinese_date(due)}届满，不能再告知补正：逾期后补正不能补救已超过的审查期限，"
                "请尽快作出准予或者不予的决定。"
            )
        items = [item.strip() for item in items if item.strip()]
        if not items:
            raise ValidationError({"items": "请至少列明一项需要补正的材料。"})
        supplement = SupplementRequest.objects.create(
            application=move.obj,
            items=items,
            note=note.strip(),
            requested_on=today,
            reply_due_on=supplement_reply_due(today),
            requested_by=by,
        )
        move.obj.decision_due_on = None  # the clock stops until the materials are found complete
        move.done(fields=["decision_due_on"], note="一次性告知补正：" + "；".join(items))
        sms.notify_supplement(supplement)
    return supplement


@removes_files_on_error
def receive_supplement(
    application: Application,
    *,
    files: Iterable[UploadedFile[bytes]] = (),
    by_item: Mapping[str, Iterable[UploadedFile[bytes]]] | None = None,
    by: Actor | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Application:
    """The missing materials arrived (on /track/ from the applicant, or at any office). They are kept
    and the reply dated, but the clock stays stopped until the responsible office has checked them
    (`confirm_supplement` / `reject_supplement`). `by_item` holds the files the uploader put under an
    item of the notice (kept with that item, and of its checklist kind when the item is a checklist
    item, so the missing list shows it received); `files` those put under none. `by` is None or
    anonymous for the applicant."""
    actor = by if by is not None else AnonymousUser()
    with APPLICATION_FLOW.begin(application, "receive_supplement", by=actor, request=request) as move:
        application = move.obj
        supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
        assigned = {item: list(uploads) for item, uploads in (by_item or {}).items() if uploads}
        if unknown := [item for item in assigned if item not in supplement.items]:
            raise ValidationError(f"补正通知中没有这一项：{'、'.join(unknown)}。")
        files = list(files)
        every_file = [*files, *(upload for uploads in assigned.values() for upload in uploads)]
        if not every_file:
            raise ValidationError({"files": "请上传补正材料。"})
        check_record_total(application.materials.aggregate(total=Sum("size"))["total"] or 0, every_file)
        source = MaterialSource.OFFICE if actor.is_authenticated else MaterialSource.APPLICANT_ONLINE
        for item, uploads in assigned.items():
            kind = application.kind_for_item(item)
            for upload in uploads:
                attach_material(application, upload, kind=kind, source=source, by=by, supplement_item=item)
        for upload in files:
            attach_material(application, upload, kind=MaterialKind.SUPPLEMENT, source=source, by=by)
        if supplement.replied_on is None:
            supplement.replied_on = today or timezone.localdate()
            supplement.save(update_fields=["replied_on"])
        note = f"收到补正材料 {len(every_file)} 份"
        if assigned:
            note += "（" + "；".join(f"{item} {len(uploads)} 份" for item, uploads in assigned.items()) + "）"
        move.done(note=note + "，待承办机构核对")
    return application


def confirm_supplement(
    application: Application, *, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Application:
    """The office found the 补正 reply complete: the review clock runs again from this day (the days
    until the check are 补正 time, 第四十三条)."""
    with APPLICATION_FLOW.begin(application, "confirm_supplement", by=by, request=request) as move:
        application = move.obj
        supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
        supplement.resolved_on = today or timezone.localdate()
        supplement.save(update_fields=["resolved_on"])
        application.store_decision_due_on(
            supplements=SupplementRequest.objects.filter(application=application), today=supplement.resolved_on
        )
        move.done(
            fields=["decision_due_on"],
            note=f"补正材料经核对齐全，{supplement.resolved_on:%Y年%-m月%-d日}起恢复计算审查期限",
        )
    return application


def reject_supplement(
    application: Application,
    *,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Application:
    """未按要求补正，视为撤回: the office's own finding, not a 不予 (no objection route); the applicant
    may apply again."""
    with APPLICATION_FLOW.begin(application, "reject_supplement", by=by, request=request) as move:
        application = move.obj
        if not reason.strip():
            raise ValidationError({"reason": "请写明补正材料不符合要求之处。"})
        today = today or timezone.localdate()
        supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
        supplement.resolved_on = today
        supplement.incomplete = True
        supplement.save(update_fields=["resolved_on", "incomplete"])
        application.closed_on = today
        application.closed_note = f"未按要求补正，视为撤回申请：{reason.strip()}"[:200]
        fields = ["closed_on", "closed_note"]
        ended = end_provisional_aid(application, on=today, fields=fields)
        move.done(fields=fields, note=application.closed_note + ended)
    return application


def withdraw(
    application: Application,
    *,
    reason: str = "",
    by: User | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> Application:
    """撤回申请: the applicant's own withdrawal, on /track/ (`by` None or anonymous) or recorded at a
    window. The application leaves the queue; the applicant may apply again."""
    by = by if by is not None else AnonymousUser()
    with APPLICATION_FLOW.begin(application, "withdraw", by=by, request=request) as move:
        application = move.obj
        today = today or timezone.localdate()
        application.supplement_requests.filter(resolved_on__isnull=True).update(resolved_on=today)
        application.closed_on = today
        who = "窗口登记" if by.is_authenticated else "网上"
        application.closed_note = (f"申请人撤回申请（{who}）" + (f"：{reason.strip()}" if reason.strip() else ""))[:200]
        fields = ["closed_on", "closed_note"]
        ended = end_provisional_aid(application, on=today, fields=fields)
        move.done(fields=fields, note=application.closed_note + ended)
    return application


def expire_supplements(*, today: date | None = None) -> list[Application]:
    """视为撤回 for every 补正 left unanswered past its reply date. Idempotent: run daily."""
    today = today or timezone.localdate()
    expired = []
    # A reply that is waiting for the office's check is the office's to decide on, not the job's.
    overdue = SupplementRequest.objects.filter(
        resolved_on__isnull=True, replied_on__isnull=True, expired=False, reply_due_on__lt=today
    )
    for application_id in overdue.values_list("application_id", flat=True):
        application = Application(pk=application_id)  # read again under the lock
        # Application first, then its 补正 row: the same order as receive_supplement, so the daily job
        # and an applicant's late upload wait for each other instead of deadlocking.
        try:
            with APPLICATION_FLOW.begin(application, "expire_supplement", by=None) as move:
                application = move.obj
                supplement = application.supplement_requests.select_for_update().get(resolved_on__isnull=True)
                supplement.expired = True
                supplement.resolved_on = today
                supplement.save(update_fields=["expired", "resolved_on"])
                application.closed_on = today
                application.closed_note = (
                    f"补正期限（{supplement.reply_due_on:%Y年%-m月%-d日}）届满未补正，视为撤回申请"
                )
                fields = ["closed_on", "closed_note"]
                ended = end_provisional_aid(application, on=today, fields=fields)
                move.done(fields=fields, note=application.closed_note + ended)
        except TransitionError:
            continue  # answered, transferred or otherwise moved on meanwhile
        expired.append(application)
    return expired


# --- decisions -----------------------------------------------------------------------------------
def approve(
    application: Application, *, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Application:
    """准予法律援助: the decision only. The case it opens is opened by `cases.services.approve`, which
    calls this in the same transaction; that is the one to call."""
    with APPLICATION_FLOW.begin(application, "approve", by=by, request=request) as move:
        application = move.obj
        application.decided_on = application.closed_on = today or timezone.localdate()
        application.decided_by = by
        application.decision_reason = ""
        move.done(fields=["decided_on", "decided_by", "decision_reason", "closed_on"])
        tallies.add_many(decision_tallies(application))
    return application


# The figure each economic basis of an approval counts under (SPEC §3.2: kept apart on the sheet).
APPROVED_BY_BASIS = {
    EconomicBasis.HARDSHIP: Figure.APPROVED_HARDSHIP,
    EconomicBasis.EXEMPT: Figure.APPROVED_EXEMPT,
    EconomicBasis.UNRESTRICTED: Figure.APPROVED_UNRESTRICTED,
}


def decision_tallies(application: Application, *, sign: int = 1) -> list[tallies.Tally | tallies.Decision]:
    """A decision (准予 or 不予) counts at the office responsible, in the month of the decision, with
    the days it took from receipt (the month's median review time). An approval counts toward the
    target too (申请准予, SPEC §7), and under its economic basis; it is final — no later move
    un-approves an application. A refusal is taken back (`sign=-1`) when 责令改正 reopens it."""
    decided_on = required(application.decided_on, "申请尚未作出决定。")
    office_id = application.responsible_office_id
    took = (decided_on - timezone.localdate(application.received_at)).days
    counted: list[tallies.Tally | tallies.Decision] = [tallies.Decision(office_id, decided_on, took, sign)]
    if application.status == Status.APPROVED:
        counted += [
            tallies.Tally(Figure.APPROVED_APPLICATION, office_id, decided_on, sign),
            tallies.Tally(APPROVED_BY_BASIS[EconomicBasis(application.economic_basis)], office_id, decided_on, sign),
        ]
    return counted


def refuse(
    application: Application, *, reason: str, by: User, request: HttpRequest | None = None, today: date | None = None
) -> Application:
    with APPLICATION_FLOW.begin(application, "refuse", by=by, request=request) as move:
        application = move.obj
        if not reason.strip():
            raise ValidationError({"reason": "不予法律援助必须写明理由。"})
        decided_on = today or timezone.localdate()
        application.decided_on = application.closed_on = decided_on
        application.decided_by = by
        application.decision_reason = reason.strip()
        fields = ["decided_on", "decided_by", "decision_reason", "closed_on"]
        # 第四十四条: the aid given first ends with the refusal; the letter says so and names the handler.
        note = reason.strip() + end_provisional_aid(application, on=decided_on, fields=fields)
        move.done(fields=fields, note=note)
        tallies.add_many(decision_tallies(application))
        sms.notify_refused(application)
    return application


def end_provisional_aid(application: Application, *, on: date, fields: list[str]) -> str:
    """先行提供 ends when the application leaves the queue without 准予 (不予, 撤回, 视为撤回, 转交) or
    moves to another office (变更承办机构, whose roster the handler is not on): the
    handler who acted first stops (their page lists it as ended, `selectors.provisional_aid_of`, and
    the application is no longer theirs to read). Adds the field to `fields`; returns what the
    move's audit note adds ("" when no provisional aid was running)."""
    if not application.has_provisional_aid:
        return ""
    handler = required(application.provisional_handler, "该申请没有先行指派承办人。")
    application.provisional_ended_on = on
    fields.append("provisional_ended_on")
    return f"；终止先行提供法律援助（先行指派承办人：{handler}）"


def transfer_out(
    application: Application, *, destination: str, by: User, request: HttpRequest | None = None
) -> Application:
    with APPLICATION_FLOW.begin(application, "transfer_out", by=by, request=request) as move:
        application = move.obj
        if not destination.strip():
            raise ValidationError({"destination": "请写明转交的市外法律援助机构。"})
        today = timezone.localdate()
        application.closed_note = f"已转交：{destination.strip()}"[:200]
        application.closed_on = today
        application.supplement_requests.filter(resolved_on__isnull=True).update(resolved_on=today)
        fields = ["closed_note", "closed_on"]
        ended = end_provisional_aid(application, on=today, fields=fields)
        move.done(fields=fields, note=application.closed_note + ended)
    return application


# --- objections (第四十九条) -------------------------------------------------------------------------
def file_objection[O: BaseObjection](
    objections: RelatedManager[O],
    *,
    reasons: str,
    received_on: date,
    earliest: date,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> O:
    """Record an objection on `objections` (an application's or a case's related manager). The
    司法局's 5-day clock is fixed now, as the applicant is told it. Call inside the move that files it."""
    if not reasons.strip():
        raise ValidationError({"reasons": "请填写异议理由。"})
    if not earliest <= received_on <= (today or timezone.localdate()):
        raise ValidationError({"received_on": f"收到异议日期应在{earliest:%Y年%-m月%-d日}与今天之间。"})
    objection = objections.create(
        reasons=reasons.strip(),
        received_on=received_on,
        due_on=objection_due(received_on),
        recorded_by=by,
    )
    record(AuditAction.CREATE, actor=by, request=request, obj=objection, to_state=ObjectionOutcome.PENDING.label)
    return objection


OBJECTION_MOVES = {ObjectionOutcome.UPHELD: "uphold", ObjectionOutcome.CORRECTED: "correct"}


def settle_objection[O: BaseObjection](
    move: MoveInProgress[O], *, note: str, decided_on: date, document: UploadedFile[bytes] | None, by: User
) -> None:
    """Finish the 司法局's decision on a locked, pending objection (`move` from its workflow), with the
    bureau's 决定书. Call from a service wrapped in `removes_files_on_error`."""
    objection = move.obj
    if not objection.received_on <= decided_on <= timezone.localdate():
        raise ValidationError({"decided_on": "决定日期应在收到异议日期与今天之间。"})
    if document is None:
        raise ValidationError({"document": "请上传司法局的异议审查决定书。"})
    objection.decided_on = decided_on
    objection.decision_note = note.strip()
    objection.decided_by = by
    save_upload(objection, document, folder="objections")
    move.done(
        fields=["decided_on", "decision_note", "decided_by"],
        note=(note.strip() + "；" if note.strip() else "") + f"决定书：{objection.original_name}",
    )


def objection_move(outcome: str) -> str:
    if outcome not in OBJECTION_MOVES:
        raise ValidationError({"outcome": "请选择审查结果。"})
    return OBJECTION_MOVES[ObjectionOutcome(outcome)]


def register_objection(
    application: Application, *, reasons: str, received_on: date, by: User, request: HttpRequest | None = None
) -> Objection:
    with APPLICATION_FLOW.begin(application, "register_objection", by=by, request=request) as move:
        objection = file_objection(
            move.obj.objections,
            reasons=reasons,
            received_on=received_on,
            earliest=required(move.obj.decided_on, "申请尚未作出决定，不能登记异议。"),
            by=by,
            request=request,
        )
        move.done(note=f"登记异议（收到日期 {received_on:%Y-%m-%d}）")
    return objection


@removes_files_on_error
@transaction.atomic
def decide_objection(
    objection: Objection,
    *,
    outcome: str,
    note: str,
    decided_on: date,
    by: User,
    document: UploadedFile[bytes] | None = None,
    request: HttpRequest | None = None,
) -> Objection:
    """The 司法局's decision (第四十九条), recorded by its 司法局审核人 with the bureau's 决定书. 责令改正
    reopens the application for a new decision, with a new seven-day clock from the order."""
    with OBJECTION_FLOW.begin(objection, objection_move(outcome), by=by, request=request) as move:
        settle_objection(move, note=note, decided_on=decided_on, document=document, by=by)
        objection = move.obj
    if outcome == ObjectionOutcome.CORRECTED:
        with APPLICATION_FLOW.begin(objection.application, "reopen", by=by, request=request) as move:
            application = move.obj
            refusal = decision_tallies(application, sign=-1)  # no longer a decision of its month
            application.clock_started_on = decided_on
            application.decided_on = application.decided_by = application.closed_on = None
            application.store_decision_due_on(
                supplements=SupplementRequest.objects.filter(application=application),
                today=max(decided_on, timezone.localdate()),
            )
            move.done(fields=["clock_started_on", "decided_on", "decided_by", "closed_on", "decision_due_on"])
            tallies.add_many(refusal)
    return objection


# --- stored due dates follow the calendar (节假日调整) ------------------------------------------------
def restate_due_date(record_obj: Any, field: str, due: date, *, about: Any, label: str, by: Any, request: Any) -> bool:
    """Store `due` in `record_obj.field` if it moved, with an audit row on `about` saying what moved."""
    before = getattr(record_obj, field)
    if before == due:
        return False
    setattr(record_obj, field, due)
    record_obj.save(update_fields=[field])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=about,
        from_state=f"{before:%Y-%m-%d}",
        to_state=f"{due:%Y-%m-%d}",
        note=f"节假日调整后重新计算{label}：{chinese_date(before)} → {chinese_date(due)}",
    )
    return True


@transaction.atomic
def recompute_stored_deadlines(*, by: Any = None, request: HttpRequest | None = None) -> int:
    """Recompute the due dates the intake stores — the 补正 reply date of every open notice and the
    司法局's 5-day date of every pending objection to a refusal — after the holiday calendar changed.
    Closed items keep the date they were held to. Returns how many dates moved."""
    moved = 0
    for supplement in SupplementRequest.objects.filter(resolved_on__isnull=True).select_related("application"):
        moved += restate_due_date(
            supplement,
            "reply_due_on",
            supplement_reply_due(supplement.requested_on),
            about=supplement.application,
            label="补正期限",
            by=by,
            request=request,
        )
    # The open applications' decision dates (those waiting for 补正 have none until it is complete).
    running = list(Application.objects.filter(status__in=OPEN_STATUSES, decision_due_on__isnull=False).order_by("pk"))
    notices: dict[int, list[SupplementRequest]] = defaultdict(list)
    for notice in SupplementRequest.objects.filter(application__in=[application.pk for application in running]):
        notices[notice.application_id].append(notice)
    recomputed = [copy(application) for application in running]
    store_decision_due_dates(recomputed, supplements=notices, today=timezone.localdate())
    for application, fresh in zip(running, recomputed, strict=True):
        if fresh.decision_due_on is None:  # never: only a 补正 notice stops the clock
            continue
        moved += restate_due_date(
            application,
            "decision_due_on",
            fresh.decision_due_on,
            about=application,
            label="审查决定期限",
            by=by,
            request=request,
        )
    for objection in Objection.objects.filter(outcome=ObjectionOutcome.PENDING).select_related("application"):
        moved += restate_due_date(
            objection,
            "due_on",
            objection_due(objection.received_on),
            about=objection.application,
            label="异议审查期限",
            by=by,
            request=request,
        )
    return moved
