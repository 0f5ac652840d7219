"""Every write of the duty app: the roster, the day's 法律帮助 records, closing a roster day (which
computes the duty subsidies), paying them, and the city's rate table. Each service takes keyword-only
arguments, runs in one transaction, checks the rule and writes the audit row; refusals are Chinese."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, User
from applications.identity import parse_id_number
from audit.models import AuditAction
from audit.services import record
from cases.models import Handler, HandlerKind
from duty import rules
from duty.models import (
    HALVES,
    DutyDay,
    DutyRate,
    DutyShift,
    DutySubsidy,
    HalfDay,
    HelpKind,
    HelpRecord,
    RateUnit,
    Stage,
    Workstation,
)
from duty.workflows import DAY_FLOW, DUTY_SUBSIDY_FLOW
from quality.services.money import money
from tallies import services as tallies
from tallies.models import Figure

ZERO = Decimal("0.00")


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- the roster -----------------------------------------------------------------------------------
def roster_refusal(
    *, office: Office, on: date, workstation: Workstation, lawyer: Handler, half_day: str
) -> dict[str, str]:
    """Why this shift may not be put on `office`'s roster, by field ({} when it may)."""
    errors: dict[str, str] = {}
    if workstation.office_id != office.pk or not workstation.is_active:
        errors["workstation"] = "只能选择本机构启用的值班工作站。"
    if lawyer.office_id != office.pk or not lawyer.is_active:
        errors["lawyer"] = "只能安排本机构名册中可接受指派的承办人值班。"
    elif lawyer.kind != HandlerKind.LAWYER:
        errors["lawyer"] = "值班律师须为执业律师（法律援助法第三十条），法律援助机构工作人员不能排班。"
    if half_day not in HalfDay.values:
        errors["half_day"] = "请选择值班时段。"
    if errors:
        return errors
    same_day = DutyShift.objects.filter(day__office=office, day__date=on, lawyer=lawyer).select_related("workstation")
    for other in same_day:
        if other.workstation_id == workstation.pk:
            return {"lawyer": f"该律师{_day_label(on)}已在{workstation.name}排班。"}
        if HALVES[HalfDay(other.half_day)] & HALVES[HalfDay(half_day)]:
            return {
                "half_day": f"该律师{_day_label(on)}{other.get_half_day_display()}已在{other.workstation.name}值班，时段重叠。"
            }
    return {}


@transaction.atomic
def add_shift(
    *,
    office: Office,
    on: date,
    workstation: Workstation,
    lawyer: Handler,
    half_day: str,
    by: User,
    request: HttpRequest | None = None,
) -> DutyShift:
    """Put a lawyer on the office's duty roster for a day (the roster day is made on first use)."""
    _require(rules.can_keep_roster(by, office.pk), "只有本机构审查员可以安排值班。")
    day, _ = DutyDay.objects.get_or_create(office=office, date=on)
    day = DutyDay.objects.select_for_update().get(pk=day.pk)  # a concurrent close waits, or we do
    if not day.is_open:
        raise ValidationError({"on": f"{_day_label(on)}的值班已关闭，不能再修改排班。"})
    errors = roster_refusal(office=office, on=on, workstation=workstation, lawyer=lawyer, half_day=half_day)
    if errors:
        raise ValidationError(errors)
    shift = DutyShift(day=day, workstation=workstation, lawyer=lawyer, half_day=half_day, created_by=by)
    shift.full_clean()
    shift.save()
    record(AuditAction.CREATE, actor=by, request=request, obj=shift, note=f"安排值班：{shift}")
    return shift


@transaction.atomic
def remove_shift(shift: DutyShift, *, by: User, request: HttpRequest | None = None) -> None:
    """Take a shift off an open day's roster; a shift with records stays (the records need it)."""
    shift = DutyShift.objects.select_related("day", "workstation", "lawyer__user").get(pk=shift.pk)
    _require(rules.can_keep_roster(by, shift.day.office_id), "只有本机构审查员可以修改排班。")
    day = DutyDay.objects.select_for_update().get(pk=shift.day_id)
    if not day.is_open:
        raise ValidationError(f"{_day_label(day.date)}的值班已关闭，不能再修改排班。")
    if shift.records.exists():
        raise ValidationError("该排班已有法律帮助记录，不能删除。")
    record(AuditAction.UPDATE, actor=by, request=request, obj=day, note=f"取消值班：{shift}")
    shift.delete()


# --- 法律帮助 ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """One row of a day's list: a person given 法律帮助."""

    person_name: str
    stage: str
    kinds: Sequence[int]  # HelpKind pks
    id_number: str = ""
    note: str = ""


def _person_errors(person: Person, *, active_kinds: Mapping[int, HelpKind], today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not person.person_name.strip():
        errors["person_name"] = "请填写受帮助人姓名。"
    if person.id_number.strip():
        try:
            parse_id_number(person.id_number, today=today)
        except ValidationError as error:
            errors["id_number"] = error.messages[0]
    if person.stage not in Stage.values:
        errors["stage"] = "请选择诉讼阶段。"
    if not person.kinds:
        errors["kinds"] = "请至少选择一项帮助内容。"
    elif any(pk not in active_kinds for pk in person.kinds):
        errors["kinds"] = "帮助内容不在可选范围内，请刷新页面后重新选择。"
    return errors


def row_field(index: int, field: str) -> str:
    """The key of a row's field in a refusal: `rows.<index>.<field>` (the day form maps it back)."""
    return f"rows.{index}.{field}"


@transaction.atomic
def record_day(
    *,
    helped_on: date,
    workstation: Workstation,
    people: Sequence[Person],
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> list[HelpRecord]:
    """记录法律帮助: the duty lawyer's list of the people helped at a workstation on a day, saved
    all-or-nothing — any refusal (by row and field) leaves nothing saved. Only on a day and at a
    workstation the lawyer is on the roster for, and only while that roster day is open."""
    _require(rules.can_record_help(by), "只有值班律师可以记录法律帮助。")
    today = today or timezone.localdate()
    handler = by.handler_profile
    if helped_on > today:
        raise ValidationError({"helped_on": "日期不能晚于今天。"})
    shift = (
        DutyShift.objects.filter(day__date=helped_on, workstation=workstation, lawyer=handler)
        .select_related("day")
        .first()
    )
    if shift is None:
        raise ValidationError(
            {"workstation": f"您{_day_label(helped_on)}未在{workstation.name}值班排班，不能记录法律帮助。"}
        )
    day = DutyDay.objects.select_for_update().get(pk=shift.day_id)  # closing waits for this list, or refuses it
    if not day.is_open:
        raise ValidationError(
            {
                "helped_on": f"{_day_label(helped_on)}的值班已关闭（补贴已核算），不能再记录法律帮助，请联系本机构审查员。"
            }
        )
    if not people:
        raise ValidationError("请至少填写一名受帮助人。")
    active_kinds = {kind.pk: kind for kind in HelpKind.objects.filter(is_active=True)}
    errors: dict[str, str] = {}
    for index, person in enumerate(people):
        for field, message in _person_errors(person, active_kinds=active_kinds, today=today).items():
            errors[row_field(index, field)] = message
    if errors:
        raise ValidationError(errors)
    records = [
        HelpRecord(
            shift=shift,
            office_id=day.office_id,
            helped_on=helped_on,
            person_name=person.person_name.strip(),
            id_number=parse_id_number(person.id_number, today=today).value if person.id_number.strip() else "",
            stage=person.stage,
            note=person.note.strip(),
            recorded_by=by,
        )
        for person in people
    ]
    for help_record in records:
        help_record.full_clean(exclude=["shift", "office", "recorded_by"])
    HelpRecord.objects.bulk_create(records)
    tallies.add_many(help_tally(help_record) for help_record in records)
    HelpRecord.kinds.through.objects.bulk_create(
        [
            HelpRecord.kinds.through(helprecord_id=help_record.pk, helpkind_id=kind_pk)
            for help_record, person in zip(records, people, strict=True)
            for kind_pk in dict.fromkeys(person.kinds)
        ]
    )
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=shift,
        note=f"记录法律帮助{len(records)}人：{'、'.join(r.person_name for r in records)}"[:500],
    )
    return records


def help_tally(help_record: HelpRecord) -> tallies.Tally:
    """Each person helped counts toward the target (法律帮助) at the workstation's office, in the month
    of the day (SPEC §7). Records are never edited or removed once saved."""
    return tallies.Tally(Figure.DUTY_HELP, help_record.office_id, help_record.helped_on)


# --- subsidies ------------------------------------------------------------------------------------
def rate_in_force(unit: str, *, on: date) -> DutyRate | None:
    """The rate of `unit` in force on a duty day (the duty date applies)."""
    return DutyRate.objects.filter(unit=unit).in_force(on=on).order_by("-effective_from").first()


def duty_subsidy_amount(
    *, half_days: int, persons: int, half_day_rate: DutyRate | None, person_rate: DutyRate | None
) -> Decimal:
    """THE amount rule: half-days on duty × the half-day rate + persons helped × the per-person
    rate (a unit with no rate in force adds nothing), rounded half up to the fen."""
    amount = ZERO
    if half_day_rate is not None:
        amount += half_day_rate.amount * half_days
    if person_rate is not None:
        amount += person_rate.amount * persons
    return money(amount)


@dataclass(frozen=True)
class ShiftSubsidy:
    """What closing a day computes for one shift, before it is stored."""

    shift: DutyShift
    half_days: int
    persons: int
    half_day_rate: DutyRate | None
    person_rate: DutyRate | None
    amount: Decimal


def shift_subsidy(
    shift: DutyShift, *, persons: int, half_day_rate: DutyRate | None, person_rate: DutyRate | None
) -> ShiftSubsidy | None:
    """One shift's subsidy at the given rates, or None: office staff handlers (法律援助机构工作人员)
    get none (补贴办法), and a shift earning nothing gets no row. `shift.lawyer` must be loaded."""
    if shift.lawyer.kind == HandlerKind.STAFF:
        return None
    amount = duty_subsidy_amount(
        half_days=shift.half_days, persons=persons, half_day_rate=half_day_rate, person_rate=person_rate
    )
    if amount <= ZERO:
        return None
    return ShiftSubsidy(shift, shift.half_days, persons, half_day_rate, person_rate, amount)


def day_subsidies(day: DutyDay, *, persons: Mapping[int, int]) -> list[ShiftSubsidy]:
    """The subsidy of each shift of the day at the rates in force on the day. `persons` maps a shift
    pk to the number of people helped on it."""
    half_day_rate = rate_in_force(RateUnit.HALF_DAY, on=day.date)
    person_rate = rate_in_force(RateUnit.PERSON, on=day.date)
    computed = (
        shift_subsidy(shift, persons=persons.get(shift.pk, 0), half_day_rate=half_day_rate, person_rate=person_rate)
        for shift in day.shifts.select_related("lawyer").order_by("pk")
    )
    return [item for item in computed if item is not None]


def close_day(day: DutyDay, *, by: User, request: HttpRequest | None = None) -> DutyDay:
    """The office reviewer closes a roster day: every duty lawyer's subsidy for the day is computed
    and stored with its inputs (待发放); the day's roster and records are final from then on."""
    with DAY_FLOW.begin(day, "close", by=by, request=request) as move:
        day = move.obj
        counts = dict(
            HelpRecord.objects.filter(shift__day=day).order_by().values_list("shift_id").annotate(n=Count("pk"))
        )
        computed = day_subsidies(day, persons=counts)
        now = timezone.now()
        DutySubsidy.objects.bulk_create(
            [
                DutySubsidy(
                    shift=item.shift,
                    office_id=day.office_id,
                    lawyer=item.shift.lawyer,
                    duty_date=day.date,
                    half_days=item.half_days,
                    persons=item.persons,
                    half_day_rate=item.half_day_rate,
                    person_rate=item.person_rate,
                    amount=item.amount,
                    computed_at=now,
                )
                for item in computed
            ]
        )
        day.closed_by, day.closed_at = by, now
        total = sum((item.amount for item in computed), ZERO)
        move.done(
            fields=["closed_by", "closed_at"],
            note=f"关闭值班日，法律帮助{sum(counts.values())}人，核算值班补贴{len(computed)}笔，共{total}元",
        )
    return day


def mark_paid(subsidy: DutySubsidy, *, paid_on: date, by: User, request: HttpRequest | None = None) -> DutySubsidy:
    """待发放 → 已发放, with the payment date and who paid."""
    with DUTY_SUBSIDY_FLOW.begin(subsidy, "mark_paid", by=by, request=request) as move:
        subsidy = move.obj
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
        if paid_on < subsidy.duty_date:
            raise ValidationError({"paid_on": "发放日期不能早于值班日期。"})
        subsidy.paid_on, subsidy.paid_by = paid_on, by
        move.done(fields=["paid_on", "paid_by"], note=f"发放值班补贴 {subsidy.amount}元")
    return subsidy


# --- rates (city staff) ---------------------------------------------------------------------------
@transaction.atomic
def add_rate(
    *, unit: str, amount: Decimal, effective_from: date, by: User, request: HttpRequest | None = None
) -> DutyRate:
    """A new duty rate from a date. The rate of the same unit in force until then ends the day
    before; a rate may not start on or before the latest one's start (history is not rewritten)."""
    _require(rules.can_edit_rates(by), "只有市局工作人员可以修改值班补贴标准。")
    if unit not in RateUnit.values:
        raise ValidationError({"unit": "请选择计发单位。"})
    if amount < 0:
        raise ValidationError({"amount": "补贴标准不能为负数。"})
    latest = DutyRate.objects.select_for_update().filter(unit=unit).order_by("-effective_from").first()
    if latest is not None:
        if effective_from <= latest.effective_from:
            raise ValidationError(
                {"effective_from": f"生效日期须晚于现行标准的生效日期（{_day_label(latest.effective_from)}）。"}
            )
        if latest.effective_to is None or latest.effective_to >= effective_from:
            latest.effective_to = effective_from - timedelta(days=1)
            latest.save(update_fields=["effective_to"])
    rate = DutyRate(unit=unit, amount=money(Decimal(amount)), effective_from=effective_from, created_by=by)
    rate.full_clean()
    rate.save()
    record(AuditAction.CREATE, actor=by, request=request, obj=rate, note=f"新值班补贴标准：{rate}")
    return rate
