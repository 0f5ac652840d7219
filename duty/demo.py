"""Demo duty data (a `seed_demo` step after the cases): each office's duty roster for the year so far
and the next two weeks, the 法律帮助 records of every past duty day, those days closed by the office
reviewer with the duty subsidies computed by the product's own rule (`services.rate_in_force`,
`services.shift_subsidy`), and last month's and older subsidies paid.

Volumes are module constants (PERSONS_PER_YEAR: persons helped per office in a full year) so that
the year's counted matters (cases + persons helped) can be tuned. Rows are built in memory and
written with bulk_create; deterministic for the same rng and today; a second run adds nothing. No
audit rows: this is history loaded in bulk, not moves made by anyone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from applications.identity import id_check_character
from cases.models import Handler, HandlerKind
from duty.models import (
    DutyDay,
    DutyDayStatus,
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
from duty.services import help_tally, rate_in_force, shift_subsidy
from quality.models import SubsidyStatus
from tallies import services as tallies

# Persons given 法律帮助 in a full year, per office (by division code): about 1,900 a year across the
# city. The year so far gets its share (working days elapsed / working days in the year).
# About 900 persons a year, split like the offices' targets: with the approvals (applications.demo) and
# the notices (cases.demo) the year ends on pace for the 3000 counted matters of SPEC §7.
PERSONS_PER_YEAR = {"445300": 90, "445302": 135, "445303": 90, "445381": 300, "445321": 150, "445322": 135}
STATION_WEIGHTS = {"看守所": 6, "人民法院": 3, "人民检察院": 3}  # where a day's duty lawyer sits
AFTERNOON_SHARE = 0.25  # share of shifts that are half-days (上午 or 下午)
ID_SHARE = 0.45  # persons whose ID number was recorded (suspects may have none to hand)
ROSTER_AHEAD_DAYS = 14
PAID_DAY = 10  # a month's duty subsidies are paid on the 10th of the next month

SURNAMES = "陈李黄梁张吴何林罗刘冯邓周谢郑苏叶潘杨彭曾赖钟卢莫谭植麦严"
GIVEN = "伟强军明华建国志文杰俊辉荣海锋斌燕芳丽红霞英玲秀娟婷坤达永"
AREA_CODES = ["445302", "445303", "445381", "445321", "445322", "445323", "450881", "440883", "441202"]
STAGES = [(Stage.INVESTIGATION, 50), (Stage.PROSECUTION, 35), (Stage.TRIAL, 15)]
NOTES = ["", "", "", "告知认罪认罚的法律后果。", "建议申请变更强制措施为取保候审。", "家属联系电话已记录。"]


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _id_number(rng: random.Random, on: date) -> str:
    born = on - timedelta(days=rng.randint(19 * 365, 60 * 365))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_character(first17)


def _working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    rng = random.Random(rng.random())  # one draw from the shared stream, whether or not anything is added
    if DutyDay.objects.exists():
        log("值班律师演示数据：已存在，跳过。")
        return
    users = get_user_model().objects.filter(is_active=True)
    reviewers = {u.office_id: u for u in users.filter(username__startswith="reviewer-")}
    city = users.filter(username="city").first()
    lawyers: dict[int, list[Handler]] = defaultdict(list)
    for handler in Handler.objects.filter(kind=HandlerKind.LAWYER, is_active=True).select_related("user"):
        lawyers[handler.office_id].append(handler)
    stations: dict[int, list[Workstation]] = defaultdict(list)
    for station in Workstation.objects.filter(is_active=True).select_related("kind"):
        stations[station.office_id].append(station)
    kinds = {kind.name: kind for kind in HelpKind.objects.filter(is_active=True)}
    with transaction.atomic():
        totals = _seed(
            rng=rng, today=today, reviewers=reviewers, city=city, lawyers=lawyers, stations=stations, kinds=kinds
        )
    log(
        "值班律师演示数据：值班日 {days} 个，法律帮助 {persons} 人，值班补贴 {subsidies} 笔（已发放 {paid} 笔）。".format(
            **totals
        )
    )


def _seed(*, rng, today, reviewers, city, lawyers, stations, kinds) -> dict[str, int]:
    year_days = len(_working_days(date(today.year, 1, 1), date(today.year, 12, 31)))
    past = _working_days(date(today.year, 1, 1), today - timedelta(days=1))
    ahead = _working_days(today, today + timedelta(days=ROSTER_AHEAD_DAYS))
    zone = timezone.get_current_timezone()
    plan: list[tuple[DutyDay, list[tuple[DutyShift, int]]]] = []
    for office in Office.objects.all():
        if not lawyers[office.pk] or not stations[office.pk] or office.pk not in reviewers:
            continue
        reviewer = reviewers[office.pk]
        mean = PERSONS_PER_YEAR.get(office.code, 0) / year_days
        rotation = 0
        for day_date in past:
            closed_at = datetime.combine(day_date, time(18, 0), tzinfo=zone)
            day = DutyDay(
                office=office, date=day_date, status=DutyDayStatus.CLOSED, closed_by=reviewer, closed_at=closed_at
            )
            station = _weighted(rng, [(s, STATION_WEIGHTS.get(s.kind.name, 1)) for s in stations[office.pk]])
            lawyer = lawyers[office.pk][rotation % len(lawyers[office.pk])]
            rotation += 1
            half = (
                rng.choice((HalfDay.MORNING, HalfDay.AFTERNOON)) if rng.random() < AFTERNOON_SHARE else HalfDay.FULL_DAY
            )
            persons = int(mean) + (1 if rng.random() < mean - int(mean) else 0)
            shift = DutyShift(workstation=station, lawyer=lawyer, half_day=half, created_by=reviewer)
            plan.append((day, [(shift, persons)]))
        for day_date in ahead:
            # Today and the coming days: every lawyer of the office on duty somewhere, so that any demo
            # lawyer can record today's list (记录法律帮助).
            day = DutyDay(office=office, date=day_date)
            shifts = []
            for index, lawyer in enumerate(lawyers[office.pk]):
                station = stations[office.pk][index % len(stations[office.pk])]
                shifts.append(
                    (DutyShift(workstation=station, lawyer=lawyer, half_day=HalfDay.FULL_DAY, created_by=reviewer), 0)
                )
            plan.append((day, shifts))

    DutyDay.objects.bulk_create([day for day, _ in plan])
    for day, shifts in plan:
        for shift, _ in shifts:
            shift.day = day
    DutyShift.objects.bulk_create([shift for _, shifts in plan for shift, _ in shifts])

    records: list[HelpRecord] = []
    record_kinds: list[list[HelpKind]] = []
    for day, shifts in plan:
        for shift, persons in shifts:
            for _ in range(persons):
                stage = _weighted(rng, STAGES)
                given = [kinds["法律咨询"]]
                if rng.random() < 0.5:
                    given.append(kinds["程序选择建议"])
                if stage == Stage.PROSECUTION and rng.random() < 0.6:
                    given.append(kinds["认罪认罚具结在场"])
                if stage == Stage.INVESTIGATION and rng.random() < 0.15:
                    given.append(kinds["申请变更强制措施"])
                if rng.random() < 0.2:
                    given.append(kinds["对案件处理提出意见"])
                records.append(
                    HelpRecord(
                        shift=shift,
                        office_id=day.office_id,
                        helped_on=day.date,
                        person_name=_name(rng),
                        id_number=_id_number(rng, day.date) if rng.random() < ID_SHARE else "",
                        stage=stage,
                        note=rng.choice(NOTES),
                        recorded_by=shift.lawyer.user,
                    )
                )
                record_kinds.append(given)
    HelpRecord.objects.bulk_create(records, batch_size=1000)
    tallies.add_many(help_tally(help_record) for help_record in records)
    HelpRecord.kinds.through.objects.bulk_create(
        [
            HelpRecord.kinds.through(helprecord_id=help_record.pk, helpkind_id=kind.pk)
            for help_record, given in zip(records, record_kinds, strict=True)
            for kind in given
        ],
        batch_size=2000,
    )
    subsidies = _subsidies(plan, today=today, city=city)
    return {
        "days": len(plan),
        "persons": len(records),
        "subsidies": len(subsidies),
        "paid": sum(1 for s in subsidies if s.status == SubsidyStatus.PAID),
    }


def _subsidies(plan, *, today: date, city) -> list[DutySubsidy]:
    """The closed days' subsidies by the product's rule at the rates in force each day; a month's are
    paid on the 10th of the next month once that day has passed."""
    rates: dict[date, tuple[DutyRate | None, DutyRate | None]] = {}
    now = timezone.now()
    subsidies = []
    for day, shifts in plan:
        if day.status != DutyDayStatus.CLOSED:
            continue
        if day.date not in rates:
            rates[day.date] = (
                rate_in_force(RateUnit.HALF_DAY, on=day.date),
                rate_in_force(RateUnit.PERSON, on=day.date),
            )
        half_day_rate, person_rate = rates[day.date]
        for shift, persons in shifts:
            item = shift_subsidy(shift, persons=persons, half_day_rate=half_day_rate, person_rate=person_rate)
            if item is None:
                continue
            paid_on = date(day.date.year + (day.date.month == 12), day.date.month % 12 + 1, PAID_DAY)
            paid = city is not None and paid_on <= today
            subsidies.append(
                DutySubsidy(
                    shift=shift,
                    office_id=day.office_id,
                    lawyer=shift.lawyer,
                    duty_date=day.date,
                    half_days=item.half_days,
                    persons=item.persons,
                    half_day_rate=item.half_day_rate,
                    person_rate=item.person_rate,
                    amount=item.amount,
                    computed_at=now,
                    status=SubsidyStatus.PAID if paid else SubsidyStatus.PENDING,
                    paid_on=paid_on if paid else None,
                    paid_by=city if paid else None,
                )
            )
    DutySubsidy.objects.bulk_create(subsidies, batch_size=1000)
    return subsidies
