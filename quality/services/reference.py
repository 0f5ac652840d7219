"""The city's reference data for quality and money (SPEC §5): score sheets, subsidy rates and the
quality coefficients. Only city staff change them; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit.models import AuditAction
from audit.services import record
from quality import rules
from quality.models import SHEET_TOTAL, ItemScore, QualityCoefficient, ScoreItem, ScoreSheet, SubsidyRate, SubsidyStage
from quality.services.money import money


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- score sheets ---------------------------------------------------------------------------------
def check_sheet_total(points: Iterable[int]) -> None:
    total = sum(points)
    if total != SHEET_TOTAL:
        raise ValidationError(f"评分项目分值合计须为{SHEET_TOTAL}分，现为{total}分。")


@transaction.atomic
def save_sheet_items(
    sheet: ScoreSheet, *, items: Sequence[Mapping[str, Any]], by: User, request: HttpRequest | None = None
) -> ScoreSheet:
    """Replace the sheet's items with `items` (dicts of pk or None, name, max_points, guidance).

    Items already used in a submitted review cannot be removed (their scores keep pointing at them)."""
    _require(rules.can_edit_reference_data(by))
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    check_sheet_total(item["max_points"] for item in items)
    kept = {item["pk"] for item in items if item.get("pk")}
    removed = sheet.items.exclude(pk__in=kept)
    if ItemScore.objects.filter(item__in=removed).exists():
        raise ValidationError("已被评分使用的项目不能删除，可以修改其名称或分值。")
    removed.delete()
    existing = {item.pk: item for item in sheet.items.all()}
    for order, data in enumerate(items, start=1):
        item = existing.get(data.get("pk") or 0) or ScoreItem(sheet=sheet)
        item.name, item.max_points, item.guidance, item.sort_order = (
            data["name"],
            data["max_points"],
            data.get("guidance", ""),
            order,
        )
        item.full_clean(exclude=["sheet"])
        item.save()
    record(AuditAction.UPDATE, actor=by, request=request, obj=sheet, note=f"修改评分项目，共{len(items)}项")
    return sheet


# --- subsidy rates and coefficients ---------------------------------------------------------------
@transaction.atomic
def add_subsidy_rate(
    *, stage: SubsidyStage, amount: Decimal, effective_from: date, by: User, request: HttpRequest | None = None
) -> SubsidyRate:
    """A new rate from a date. The rate in force until then ends the day before; a rate may not start
    inside a closed period nor before the latest rate's start (history is not rewritten)."""
    _require(rules.can_edit_reference_data(by), "只有市局工作人员可以修改补贴标准。")
    if amount < 0:
        raise ValidationError({"amount": "补贴标准不能为负数。"})
    stage = SubsidyStage.objects.select_for_update().get(pk=stage.pk)
    latest = SubsidyRate.objects.filter(stage=stage).order_by("-effective_from").first()
    if latest is not None:
        if effective_from <= latest.effective_from:
            raise ValidationError(
                {"effective_from": f"生效日期须晚于现行标准的生效日期（{latest.effective_from:%Y年%m月%d日}）。"}
            )
        if latest.effective_to is None or latest.effective_to >= effective_from:
            latest.effective_to = effective_from - timedelta(days=1)
            latest.save(update_fields=["effective_to"])
    rate = SubsidyRate(stage=stage, amount=money(Decimal(amount)), effective_from=effective_from, created_by=by)
    rate.full_clean()
    rate.save()
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=rate,
        note=f"新补贴标准 {rate.amount}元，{effective_from:%Y-%m-%d}起",
    )
    return rate


@transaction.atomic
def set_coefficients(*, coefficients: Mapping[str, Decimal], by: User, request: HttpRequest | None = None) -> None:
    """Set the quality coefficient of each grade (applies to subsidies computed from now on)."""
    _require(rules.can_edit_reference_data(by), "只有市局工作人员可以修改质量系数。")
    for grade, value in coefficients.items():
        if value < 0:
            raise ValidationError("质量系数不能为负数。")
        row, _ = QualityCoefficient.objects.select_for_update().get_or_create(
            grade=grade, defaults={"coefficient": value}
        )
        if row.coefficient != value:
            before = row.coefficient
            row.coefficient = value
            row.save(update_fields=["coefficient"])
            record(AuditAction.UPDATE, actor=by, request=request, obj=row, from_state=str(before), to_state=str(value))
