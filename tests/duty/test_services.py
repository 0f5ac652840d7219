"""Duty lawyers' rules: the roster, the all-or-nothing day list, closing a day and its subsidies,
paying them, the rate table. Every refusal with its Chinese message; nothing saved on refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Office, Role
from audit.models import AuditEntry
from cases.models import HandlerKind
from core.transitions import TransitionError
from duty import services
from duty.models import DutyDay, DutyDayStatus, DutyRate, DutyShift, DutySubsidy, HalfDay, HelpRecord, RateUnit
from quality.models import SubsidyStatus
from tests.duty.factories import duty_lawyer, on_duty, person, record, station

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- the roster -----------------------------------------------------------------------------------
def test_reviewer_puts_a_lawyer_on_the_roster_with_an_audit_row(personas):
    shift = on_duty(personas, on=today())
    assert shift.day.office.slug == "luoding" and shift.day.status == DutyDayStatus.OPEN
    assert shift.half_days == 2
    assert AuditEntry.objects.filter(object_type="duty.DutyShift", object_id=str(shift.pk)).exists()


def test_roster_refuses_an_office_employee_who_is_not_a_lawyer(personas):
    staff = duty_lawyer(personas, kind=HandlerKind.STAFF)
    with pytest.raises(ValidationError) as refused:
        on_duty(personas, on=today(), lawyer=staff)
    assert messages_of(refused.value)["lawyer"] == [
        "值班律师须为执业律师（法律援助法第三十条），法律援助机构工作人员不能排班。"
    ]
    assert not DutyShift.objects.exists()


def test_roster_refuses_another_offices_station_and_lawyer(personas):
    office = Office.objects.get(slug="luoding")
    reviewer = personas[(Role.REVIEWER, "luoding")]
    with pytest.raises(ValidationError) as refused:
        services.add_shift(
            office=office,
            on=today(),
            workstation=station("yunnan"),
            lawyer=duty_lawyer(personas, "yunnan"),
            half_day=HalfDay.MORNING,
            by=reviewer,
        )
    errors = messages_of(refused.value)
    assert errors["workstation"] == ["只能选择本机构启用的值班工作站。"]
    assert errors["lawyer"] == ["只能安排本机构名册中可接受指派的承办人值班。"]


def test_roster_refuses_the_same_lawyer_twice_in_one_half_day(personas):
    on_duty(personas, on=today(), kind="看守所", half_day=HalfDay.MORNING)
    with pytest.raises(ValidationError) as refused:
        on_duty(personas, on=today(), kind="人民法院", half_day=HalfDay.FULL_DAY)
    day = f"{today().year}年{today().month}月{today().day}日"
    assert messages_of(refused.value)["half_day"] == [f"该律师{day}上午已在罗定市看守所值班，时段重叠。"]
    afternoon = on_duty(personas, on=today(), kind="人民法院", half_day=HalfDay.AFTERNOON)
    assert afternoon.half_days == 1
    with pytest.raises(ValidationError) as again:
        on_duty(personas, on=today(), kind="人民法院", half_day=HalfDay.MORNING)
    assert messages_of(again.value)["lawyer"] == [f"该律师{day}已在罗定市人民法院排班。"]


def test_only_the_offices_reviewer_keeps_the_roster(personas):
    for who in (personas[(Role.CLERK, "luoding")], personas[(Role.REVIEWER, "yunnan")], personas["city"]):
        with pytest.raises(PermissionDenied, match="只有本机构审查员可以安排值班"):
            services.add_shift(
                office=Office.objects.get(slug="luoding"),
                on=today(),
                workstation=station(),
                lawyer=duty_lawyer(personas),
                half_day=HalfDay.FULL_DAY,
                by=who,
            )


def test_a_closed_day_refuses_roster_changes(personas):
    shift = on_duty(personas, on=today())
    services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
    with pytest.raises(ValidationError, match="的值班已关闭，不能再修改排班"):
        on_duty(personas, on=today(), kind="人民法院", lawyer=shift.lawyer, half_day=HalfDay.MORNING)
    with pytest.raises(ValidationError, match="的值班已关闭，不能再修改排班"):
        services.remove_shift(shift, by=personas[(Role.REVIEWER, "luoding")])


def test_a_shift_with_records_cannot_be_removed(personas):
    shift = on_duty(personas, on=today())
    record(personas, shift, "李四")
    with pytest.raises(ValidationError) as refused:
        services.remove_shift(shift, by=personas[(Role.REVIEWER, "luoding")])
    assert refused.value.messages == ["该排班已有法律帮助记录，不能删除。"]


# --- recording a day's list -----------------------------------------------------------------------
def test_a_duty_lawyer_records_a_days_list_in_one_go(personas):
    shift = on_duty(personas, on=today())
    people = [
        person("李四", id_number="11010519491231002X", help=("法律咨询", "程序选择建议")),
        person("王五", help=("认罪认罚具结在场",)),
    ]
    saved = services.record_day(helped_on=today(), workstation=shift.workstation, people=people, by=shift.lawyer.user)
    assert [r.person_name for r in saved] == ["李四", "王五"]
    first = HelpRecord.objects.get(person_name="李四")
    assert first.office.slug == "luoding" and first.helped_on == today() and first.shift == shift
    assert sorted(k.name for k in first.kinds.all()) == ["法律咨询", "程序选择建议"]
    assert first.masked_id_number == "110105********002X"
    assert AuditEntry.objects.filter(object_type="duty.DutyShift", note__startswith="记录法律帮助2人").exists()


def test_one_bad_row_saves_nothing_and_names_the_row_and_field(personas):
    shift = on_duty(personas, on=today())
    people = [person("李四"), person("王五"), person("赵六", id_number="110105194912310021"), person("", help=())]
    with pytest.raises(ValidationError) as refused:
        services.record_day(helped_on=today(), workstation=shift.workstation, people=people, by=shift.lawyer.user)
    errors = messages_of(refused.value)
    assert errors["rows.2.id_number"] == ["身份证号校验位不正确，请核对后重新输入。"]
    assert errors["rows.3.person_name"] == ["请填写受帮助人姓名。"]
    assert errors["rows.3.kinds"] == ["请至少选择一项帮助内容。"]
    assert not HelpRecord.objects.exists()


def test_recording_off_the_roster_is_refused(personas):
    shift = on_duty(personas, on=today(), kind="看守所")
    day = f"{today().year}年{today().month}月{today().day}日"
    with pytest.raises(ValidationError) as wrong_station:
        services.record_day(
            helped_on=today(), workstation=station(kind="人民法院"), people=[person()], by=shift.lawyer.user
        )
    assert messages_of(wrong_station.value)["workstation"] == [f"您{day}未在罗定市人民法院值班排班，不能记录法律帮助。"]
    yesterday = today() - timedelta(days=1)
    with pytest.raises(ValidationError, match="未在罗定市看守所值班排班"):
        services.record_day(helped_on=yesterday, workstation=shift.workstation, people=[person()], by=shift.lawyer.user)
    assert not HelpRecord.objects.exists()


def test_recording_a_future_day_an_empty_list_or_as_a_non_lawyer_is_refused(personas):
    shift = on_duty(personas, on=today())
    with pytest.raises(ValidationError) as future:
        services.record_day(
            helped_on=today() + timedelta(days=1),
            workstation=shift.workstation,
            people=[person()],
            by=shift.lawyer.user,
        )
    assert messages_of(future.value)["helped_on"] == ["日期不能晚于今天。"]
    with pytest.raises(ValidationError) as empty:
        services.record_day(helped_on=today(), workstation=shift.workstation, people=[], by=shift.lawyer.user)
    assert empty.value.messages == ["请至少填写一名受帮助人。"]
    with pytest.raises(PermissionDenied, match="只有值班律师可以记录法律帮助"):
        services.record_day(
            helped_on=today(), workstation=shift.workstation, people=[person()], by=personas[(Role.CLERK, "luoding")]
        )


def test_a_closed_day_refuses_more_records(personas):
    shift = on_duty(personas, on=today())
    services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
    with pytest.raises(ValidationError, match="的值班已关闭（补贴已核算），不能再记录法律帮助"):
        record(personas, shift, "李四")
    assert not HelpRecord.objects.exists()


# --- closing a day: the subsidy -------------------------------------------------------------------
def test_closing_pays_per_half_day_at_the_seeded_rate(personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    full = on_duty(personas, on=today(), half_day=HalfDay.FULL_DAY)
    other = duty_lawyer(personas, "luoding")  # the same handler persona: use a second lawyer below
    assert other == full.lawyer
    record(personas, full, "李四", "王五", "赵六")
    day = services.close_day(full.day, by=reviewer)
    assert day.status == DutyDayStatus.CLOSED and day.closed_by == reviewer
    subsidy = DutySubsidy.objects.get()
    # The seeded rate: 200 yuan per half-day, no per-person rate.
    assert (subsidy.half_days, subsidy.persons, subsidy.amount) == (2, 3, Decimal("400.00"))
    assert subsidy.half_day_rate.amount == Decimal("200.00") and subsidy.person_rate is None
    assert subsidy.status == SubsidyStatus.PENDING and subsidy.duty_date == today()
    assert AuditEntry.objects.filter(object_type="duty.DutyDay", to_state="已关闭").exists()


def test_per_person_and_per_half_day_rates_add_up(personas):
    city = personas["city"]
    services.add_rate(unit=RateUnit.PERSON, amount=Decimal("30"), effective_from=today() - timedelta(days=3), by=city)
    shift = on_duty(personas, on=today(), half_day=HalfDay.MORNING)
    record(personas, shift, "李四", "王五")
    services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
    subsidy = DutySubsidy.objects.get()
    assert subsidy.amount == Decimal("260.00")  # 1 half-day × 200 + 2 persons × 30
    assert subsidy.person_rate.amount == Decimal("30.00")


def test_the_rate_in_force_on_the_duty_day_applies(personas):
    city = personas["city"]
    yesterday = today() - timedelta(days=1)
    services.add_rate(unit=RateUnit.HALF_DAY, amount=Decimal("250"), effective_from=today(), by=city)
    old = DutyRate.objects.get(unit=RateUnit.HALF_DAY, amount=Decimal("200.00"))
    assert old.effective_to == yesterday
    before = on_duty(personas, on=yesterday, half_day=HalfDay.MORNING)
    after = on_duty(personas, on=today(), half_day=HalfDay.MORNING)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    services.close_day(before.day, by=reviewer)
    services.close_day(after.day, by=reviewer)
    assert DutySubsidy.objects.get(shift=before).amount == Decimal("200.00")
    assert DutySubsidy.objects.get(shift=after).amount == Decimal("250.00")


def test_a_per_person_rate_alone_pays_nothing_for_a_quiet_day(personas):
    city = personas["city"]
    services.add_rate(unit=RateUnit.HALF_DAY, amount=Decimal("0"), effective_from=today() - timedelta(days=2), by=city)
    services.add_rate(unit=RateUnit.PERSON, amount=Decimal("50"), effective_from=today() - timedelta(days=2), by=city)
    quiet = on_duty(personas, on=today(), kind="看守所", half_day=HalfDay.MORNING)
    busy = on_duty(personas, on=today(), kind="人民法院", half_day=HalfDay.AFTERNOON)
    record(personas, busy, "李四", "王五", "赵六")
    services.close_day(quiet.day, by=personas[(Role.REVIEWER, "luoding")])
    assert not DutySubsidy.objects.filter(shift=quiet).exists()
    assert DutySubsidy.objects.get(shift=busy).amount == Decimal("150.00")


def test_office_staff_get_no_subsidy(personas):
    shift = on_duty(personas, on=today())
    record(personas, shift, "李四")
    # The lawyer joined the office as an employee after being put on the roster (补贴办法: no subsidy).
    handler = shift.lawyer
    handler.kind, handler.license_number, handler.licensed_since, handler.law_firm = HandlerKind.STAFF, "", None, None
    handler.save()
    services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
    assert not DutySubsidy.objects.exists()
    assert DutyDay.objects.get().status == DutyDayStatus.CLOSED


def test_closing_is_refused_for_a_future_day_for_others_and_twice(personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    future = on_duty(personas, on=today() + timedelta(days=2))
    with pytest.raises(TransitionError, match="该值班日尚未到来，不能关闭"):
        services.close_day(future.day, by=reviewer)
    shift = on_duty(personas, on=today(), kind="人民法院")
    for who in (personas[(Role.CLERK, "luoding")], personas["city"], personas[(Role.REVIEWER, "yunnan")]):
        with pytest.raises(PermissionDenied):
            services.close_day(shift.day, by=who)
    services.close_day(shift.day, by=reviewer)
    with pytest.raises(TransitionError, match="值班日当前状态为“已关闭”"):
        services.close_day(shift.day, by=reviewer)
    assert DutySubsidy.objects.count() == 1


# --- paying, rates --------------------------------------------------------------------------------
def test_city_or_the_office_reviewer_pays_a_duty_subsidy(personas):
    shift = on_duty(personas, on=today())
    services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
    subsidy = DutySubsidy.objects.get()
    with pytest.raises(PermissionDenied):
        services.mark_paid(subsidy, paid_on=today(), by=personas[(Role.REVIEWER, "yunnan")])
    with pytest.raises(ValidationError) as future:
        services.mark_paid(subsidy, paid_on=today() + timedelta(days=1), by=personas["city"])
    assert messages_of(future.value)["paid_on"] == ["发放日期不能晚于今天。"]
    with pytest.raises(ValidationError) as early:
        services.mark_paid(subsidy, paid_on=today() - timedelta(days=1), by=personas["city"])
    assert messages_of(early.value)["paid_on"] == ["发放日期不能早于值班日期。"]
    paid = services.mark_paid(subsidy, paid_on=today(), by=personas[(Role.REVIEWER, "luoding")])
    assert paid.status == SubsidyStatus.PAID and paid.paid_by == personas[(Role.REVIEWER, "luoding")]
    with pytest.raises(TransitionError, match="已发放"):
        services.mark_paid(paid, paid_on=today(), by=personas["city"])


def test_rates_are_set_by_city_staff_and_never_rewrite_history(personas):
    with pytest.raises(PermissionDenied, match="只有市局工作人员可以修改值班补贴标准"):
        services.add_rate(
            unit=RateUnit.HALF_DAY, amount=Decimal("1"), effective_from=today(), by=personas[(Role.REVIEWER, "luoding")]
        )
    with pytest.raises(ValidationError) as early:
        services.add_rate(
            unit=RateUnit.HALF_DAY, amount=Decimal("1"), effective_from=today().replace(year=2021), by=personas["city"]
        )
    assert messages_of(early.value)["effective_from"] == ["生效日期须晚于现行标准的生效日期（2022年1月1日）。"]
    with pytest.raises(ValidationError) as negative:
        services.add_rate(unit=RateUnit.PERSON, amount=Decimal("-1"), effective_from=today(), by=personas["city"])
    assert messages_of(negative.value)["amount"] == ["补贴标准不能为负数。"]
