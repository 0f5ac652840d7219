"""The roster of an office: its law firms and handlers, kept by the office's reviewer (issue 4 item 2).
Every change is checked and audited here; the Django admin is the administrator's way in."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role, User
from audit.models import AuditAction
from audit.services import record
from cases.models import Handler, HandlerKind, LawFirm
from cases.rules import can_manage_roster


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您无权进行此操作。")


def handler_accounts_without_profile(office: Office) -> QuerySet:
    """Sign-in accounts of `office` with the 承办人 role that are not yet on the roster."""
    return (
        get_user_model()
        .objects.filter(office=office, is_active=True, groups__name=Role.HANDLER.label, handler_profile__isnull=True)
        .order_by("username")
    )


def _label(model: type[models.Model], name: str) -> str:
    """A field's label, as the audit note names what changed."""
    field = model._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


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
def save_law_firm(
    *, office: Office, name: str, phone: str, by: User, firm: LawFirm | None = None, request: HttpRequest | None = None
) -> LawFirm:
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
    familiar_with_minors: bool = False,
    by: User,
    request: HttpRequest | None = None,
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
    handler = Handler(
        user=user, office=office, is_active=is_active, familiar_with_minors=familiar_with_minors, **values
    )
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
    familiar_with_minors: bool = False,
    by: User,
    request: HttpRequest | None = None,
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
    changed = _changes(handler, {**values, "is_active": is_active, "familiar_with_minors": familiar_with_minors})
    if changed:
        _save_checked(handler, fields=changed)
        labels = "、".join(_label(Handler, name) for name in changed)
        record(AuditAction.UPDATE, actor=by, request=request, obj=handler, note=f"修改承办人：{labels}")
    return handler
