"""Every write of the registers: 登记 a consultation or a drafted document, 转为申请 (open the walk-in
form prefilled) and the link kept when that application is registered. Keyword-only arguments, one
transaction each, the rule checked and the audit row written."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from applications import prefill
from applications.identity import normalize_mobile
from applications.models import Application
from audit.models import AuditAction
from audit.services import record
from consultations import rules
from consultations.models import Consultation, DocumentType, DraftedDocument
from tallies import services as tallies
from tallies.models import Figure

ORIGIN_PREFIX = "consultation:"
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def normalize_phone(raw: str) -> str:
    """A mainland mobile (normalized), or a landline such as 0766-8888888 (来电 often come from one)."""
    value = re.sub(r"\s+", "", raw)
    if not value:
        return ""
    if _LANDLINE.fullmatch(value):
        return value
    try:
        return normalize_mobile(value)
    except ValidationError:
        raise ValidationError("请输入有效的手机号码或固定电话（如0766-8888888）。", code="invalid_phone") from None


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天。"})


@transaction.atomic
def register_consultation(
    *,
    channel: str,
    consulted_on: date,
    category: str,
    summary: str,
    people: int = 1,
    name: str = "",
    phone: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Consultation:
    """登记 a consultation of the clerk's own office."""
    _require(rules.can_register(by), "只有法律援助机构的窗口受理员可以登记法律咨询。")
    _not_future(consulted_on, "consulted_on")
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages[0]}) from None
    consultation = Consultation(
        office_id=by.own_office_id,
        channel=channel,
        consulted_on=consulted_on,
        category=category,
        people=people,
        name=name.strip(),
        phone=phone,
        summary=summary.strip(),
        recorded_by=by,
    )
    consultation.full_clean()
    consultation.save()
    tallies.add(consultation_tally(consultation))
    record(AuditAction.CREATE, actor=by, request=request, obj=consultation, note=f"{people}人次")
    return consultation


@transaction.atomic
def register_document(
    *,
    drafted_on: date,
    document_type: DocumentType,
    category: str,
    copies: int = 1,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> DraftedDocument:
    """登记 a document drafted for someone (代拟法律文书) by the clerk's own office."""
    _require(rules.can_register(by), "只有法律援助机构的窗口受理员可以登记代拟法律文书。")
    _not_future(drafted_on, "drafted_on")
    if not document_type.is_active:
        raise ValidationError({"document_type": "该文书类型已停用，请选择其他类型。"})
    document = DraftedDocument(
        office_id=by.own_office_id,
        drafted_on=drafted_on,
        document_type=document_type,
        category=category,
        copies=copies,
        note=note.strip(),
        recorded_by=by,
    )
    document.full_clean()
    document.save()
    tallies.add(document_tally(document))
    record(AuditAction.CREATE, actor=by, request=request, obj=document, note=f"{copies}件")
    return document


def consultation_tally(consultation: Consultation) -> tallies.Tally:
    """法律咨询 counts its 人次 at the registering office in the month consulted (SPEC §7)."""
    return tallies.Tally(Figure.CONSULTATION, consultation.office_id, consultation.consulted_on, consultation.people)


def document_tally(document: DraftedDocument) -> tallies.Tally:
    """代拟法律文书 counts its 件数 at the registering office in the month drafted (SPEC §7)."""
    return tallies.Tally(Figure.DOCUMENT, document.office_id, document.drafted_on, document.copies)


def start_conversion(consultation: Consultation, *, by: User, request: HttpRequest) -> None:
    """转为申请: put the consultation's name, phone, 事项类别 and summary into the walk-in form
    (applications.prefill); the link is made when that form registers the application."""
    _require(rules.can_convert(by, consultation), "只有本机构窗口受理员可以将未转申请的咨询转为申请。")
    prefill.offer(
        request,
        initial={
            "applicant_name": consultation.name,
            "phone": consultation.phone if not consultation.phone.startswith("0") else "",
            "category": consultation.category,
            "summary": consultation.summary,
        },
        origin=f"{ORIGIN_PREFIX}{consultation.pk}",
    )


def link_converted_application(
    sender: object,
    *,
    application: Application,
    origin: str,
    by: User | None = None,
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    """Receiver of `applications.signals.application_submitted`, inside the submission's transaction:
    the consultation the walk-in form was opened from records the application it became. A second
    application from the same consultation is refused (nothing is saved), naming the first."""
    pk = origin.removeprefix(ORIGIN_PREFIX)
    if not origin.startswith(ORIGIN_PREFIX) or not pk.isdigit():
        return
    consultation = Consultation.objects.select_for_update().filter(pk=int(pk)).first()
    if consultation is None or consultation.office_id != application.receiving_office_id:
        return  # not this office's consultation: register the application, link nothing
    if consultation.application_id is not None:
        number = Application.objects.filter(pk=consultation.application_id).values_list("number", flat=True).first()
        raise ValidationError(f"该咨询已转为申请 {number}，不能重复转为申请。")
    consultation.application = application
    consultation.save(update_fields=["application"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=consultation,
        to_state=application.number,
        note=f"转为申请 {application.number}",
    )
