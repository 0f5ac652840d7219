"""A realistic demo year of applications (a `seed_demo` step; SPEC §8).

About 3000 approved matters a year, Jan 1 to today, shaped like a real year: a dip around 春节 in
February and in the 国庆 week, a year-end push in December; spread over the offices roughly by
population (the default targets of `reporting.models.DEFAULT_OFFICE_SHARES`); ~15% received at one
county for another (市域通办); plus refusals (some objected to), 视为撤回 after an unanswered 补正,
applications waiting for 补正 and recent ones waiting for review — a few of them overdue.

Rows are built in memory and written with bulk_create (a few thousand rows in a few seconds); the
application numbers follow the order of receipt, gap-free, and the counter row is set to the last.
Deterministic for the same rng and today; does nothing when applications already exist.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from applications.identity import id_check_character
from applications.models import (
    OPEN_STATUSES,
    Application,
    Channel,
    EconomicBasis,
    ExemptionGround,
    KnownAuthority,
    Location,
    MatterCategory,
    Objection,
    ObjectionOutcome,
    SpecialGroup,
    Status,
    SupplementRequest,
    store_decision_due_dates,
)
from applications.routing import route
from applications.services import (
    APPLICATION_NUMBERS,
    application_number,
    decision_tallies,
    objection_due,
    receipt_tallies,
    supplement_reply_due,
)
from core.numbering import reserve_numbers
from tallies import services as tallies

# The year's 3000 counted matters (SPEC §7) come from approvals, from notices (通知辩护, about a sixth as
# many as approvals: cases.demo.NOTICES_PER_APPROVAL) and from about 900 persons given 法律帮助
# (duty.demo.PERSONS_PER_YEAR): approvals make (3000 - 900) / 1.16 of them.
ANNUAL_APPROVED = 1810
# Share of approvals per responsible office (by office code), like the default targets.
OFFICE_WEIGHTS = {"445300": 10, "445302": 15, "445303": 10, "445381": 33, "445321": 17, "445322": 15}
# Relative volume per month: 春节 in February, 国庆 in October, the year-end push in December.
MONTH_WEIGHTS = [0.95, 0.6, 1.05, 1.0, 1.0, 1.05, 1.0, 0.95, 1.05, 0.85, 1.1, 1.35]
CROSS_COUNTY_SHARE = 0.15
ONLINE_SHARE = 0.18
REFUSED_SHARE = 0.06
WITHDRAWN_SHARE = 0.025
RETRACTED_AFTER_DAYS = 2
PROGRESS_WIDTH = 30

SURNAMES = "陈李黄梁张吴何林罗刘冯邓谭麦莫彭卢苏叶赖钟杨周郑蔡曾廖欧潘伍严区关甘植邹黎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰志华建国文辉玉梅金凤少珍永健锦荣家宝婷嘉欣子豪俊杰晓红燕萍海亮"
TOWNS = {
    "445302": ("云城区", ["云城街道", "高峰街道", "河口街道", "安塘街道", "腰古镇", "思劳镇", "前锋镇", "南盛镇"]),
    "445303": ("云安区", ["六都镇", "高村镇", "白石镇", "镇安镇", "富林镇", "石城镇", "都杨镇"]),
    "445381": (
        "罗定市",
        ["罗城街道", "素龙街道", "附城街道", "双东街道", "罗镜镇", "太平镇", "分界镇", "围底镇", "榃滨镇", "船步镇"],
    ),
    "445321": ("新兴县", ["新城镇", "六祖镇", "东成镇", "太平镇", "车岗镇", "水台镇", "天堂镇", "簕竹镇"]),
    "445322": ("郁南县", ["都城镇", "平台镇", "桂圩镇", "建城镇", "宝珠镇", "大方镇", "千官镇", "连滩镇", "南江口镇"]),
}
VILLAGES = [
    "新村",
    "东村",
    "西村",
    "南村",
    "北村",
    "大塘村",
    "石岗村",
    "河背村",
    "上围村",
    "下坪村",
    "平岗村",
    "龙湾村",
]
SUMMARIES = {
    MatterCategory.CIVIL: [
        "申请人与{o}因民间借贷纠纷，对方借款{n}万元逾期未还，申请人拟提起诉讼。",
        "申请人在交通事故中受伤，与肇事方{o}就赔偿协商未果，拟起诉请求赔偿医疗费、误工费等。",
        "申请人与{o}离婚纠纷，涉及子女抚养及财产分割，申请人经济困难无力委托律师。",
        "申请人之母年迈，子女{o}拒不履行赡养义务，申请人请求支付赡养费。",
        "申请人子女的抚养费由{o}长期拖欠，申请人拟起诉追索抚养费。",
        "申请人遭受家庭暴力，请求人身安全保护令并提起离婚诉讼。",
        "申请人因医疗损害责任纠纷与{o}协商无果，拟起诉。",
    ],
    MatterCategory.LABOUR: [
        "申请人在{o}务工，被拖欠工资{n}万元，拟申请劳动仲裁。",
        "申请人在{o}工作期间受伤，已认定工伤，用人单位拒绝支付工伤待遇，拟申请仲裁。",
        "申请人被{o}违法解除劳动合同，请求支付赔偿金。",
        "申请人在建筑工地务工，包工头{o}拖欠劳动报酬，拟申请支付劳动报酬。",
    ],
    MatterCategory.CRIMINAL: [
        "申请人之子涉嫌盗窃罪被羁押，家庭经济困难，申请法律援助辩护。",
        "申请人系故意伤害案被害人，申请法律援助代理提起附带民事诉讼。",
        "申请人涉嫌危险驾驶罪，经济困难，申请指派律师提供辩护。",
        "申请人系诈骗案被害人，被骗{n}万元，申请法律援助代理。",
    ],
    MatterCategory.ADMINISTRATIVE: [
        "申请人对{o}作出的行政处罚决定不服，拟提起行政诉讼。",
        "申请人房屋被征收，对{o}的补偿决定不服，拟申请行政复议。",
    ],
    MatterCategory.STATE_COMPENSATION: [
        "申请人经再审改判无罪，请求国家赔偿。",
        "申请人被错误羁押，请求{o}予以国家赔偿。",
    ],
}
CATEGORY_WEIGHTS = {
    MatterCategory.CIVIL: 46,
    MatterCategory.LABOUR: 24,
    MatterCategory.CRIMINAL: 24,
    MatterCategory.ADMINISTRATIVE: 4,
    MatterCategory.STATE_COMPENSATION: 2,
}
OPPONENTS = [
    "某建筑劳务有限公司",
    "某电子厂",
    "某石材加工厂",
    "某物流有限公司",
    "某餐饮店",
    "某村民委员会",
    "陈某",
    "李某",
    "黄某",
    "梁某",
]
REFUSAL_REASONS = [
    "经审查，申请人家庭经济状况不符合法律援助经济困难标准。",
    "申请事项不属于法律援助范围。",
    "申请人已委托律师代理同一事项。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _id_number(rng: random.Random, area: str, *, today: date) -> tuple[str, date, str]:
    born = date(today.year - rng.randint(18, 80), rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randint(1, 999)
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17), born, "男" if sequence % 2 else "女"


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def _is_working_day(day: date) -> bool:
    # The package directly, not the override table: one query per day would cost seconds here.
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class _Plan:
    """One application to create, with what hangs off it."""

    application: Application
    groups: list[int] = field(default_factory=list)
    supplement: tuple[date, date | None, bool] | None = None  # requested_on, resolved_on, expired
    objection: tuple[date, str] | None = None  # received_on, outcome


DEMO_LEGAL_BASIS = "《广东省法律援助条例》（演示数据，条款以实际依据为准）"


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.offices = {office.code: office for office in Office.objects.all()}
        users = {user.username: user for user in get_user_model().objects.filter(username__contains="-")}
        self.clerks = {code: users.get(f"clerk-{office.slug}") for code, office in self.offices.items()}
        # The 司法局审核人 who decided the office's objections (第四十九条).
        self.bureaus = {code: users.get(f"bureau-{office.slug}") for code, office in self.offices.items()}
        self.reviewers = {code: users.get(f"reviewer-{office.slug}") for code, office in self.offices.items()}
        self.authorities: dict[str, list[str]] = {}
        for name, location in KnownAuthority.objects.values_list("name", "location"):
            self.authorities.setdefault(location, []).append(name)
        self.exemptions = list(ExemptionGround.objects.filter(is_active=True))
        self.groups = dict(SpecialGroup.objects.values_list("name", "pk"))
        self.plans: list[_Plan] = []

    # --- one application -------------------------------------------------------------------------
    def _authority(self, location: str, category: str) -> str:
        names = self.authorities.get(location, [])
        wanted = {
            MatterCategory.LABOUR: "仲裁",
            MatterCategory.CRIMINAL: self.rng.choice(["法院", "检察院", "公安"]),
        }.get(MatterCategory(category), "法院")
        fitting = [name for name in names if wanted in name] or names
        return self.rng.choice(fitting) if fitting else ""

    def application(self, *, received: datetime, status: str, decided_on: date | None = None) -> _Plan:
        rng = self.rng
        responsible = _weighted(rng, OFFICE_WEIGHTS)
        counties = list(TOWNS)
        home = responsible if responsible in TOWNS else rng.choice(counties)
        online = rng.random() < ONLINE_SHARE
        if online:
            receiving = None
        elif rng.random() < CROSS_COUNTY_SHARE:
            # 市域通办: applied where they live or work, for a matter before another county's authority.
            receiving = rng.choice([code for code in self.offices if code != responsible])
            home = receiving if receiving in TOWNS else home
        else:
            receiving = responsible
        category = _weighted(rng, CATEGORY_WEIGHTS)
        county, towns = TOWNS[home]
        id_number, born, sex = _id_number(rng, home, today=self.today)
        # Only a ground that fits the matter (Application.clean); the 其他 items name their basis.
        fitting_grounds = [ground for ground in self.exemptions if ground.fits(category)]
        ground = rng.choice(fitting_grounds) if rng.random() < 0.3 and fitting_grounds else None
        authority_location = Location.OUTSIDE if status == Status.TRANSFERRED_OUT else responsible
        authority_name = self._authority(authority_location, category)
        receiving_office = self.offices[receiving] if receiving else None
        routing = route(
            authority_name=authority_name,
            authority_location=authority_location,
            residence=home,
            fallback=receiving_office,
        )
        application = Application(
            channel=Channel.ONLINE if online else Channel.WALK_IN,
            receiving_office=receiving_office,
            responsible_office=routing.office,
            received_at=received,
            clock_started_on=timezone.localdate(received),
            received_by=self.clerks.get(receiving) if receiving else None,
            applicant_name=_name(rng),
            id_number=id_number,
            birth_date=born,
            sex=sex,
            phone=_mobile(rng),
            household_address=f"广东省云浮市{county}{rng.choice(towns)}{rng.choice(VILLAGES)}{rng.randint(1, 120)}号",
            residence=home,
            category=category,
            summary=rng.choice(SUMMARIES[MatterCategory(category)]).format(
                o=rng.choice(OPPONENTS), n=rng.randint(1, 30)
            ),
            opponent=rng.choice(OPPONENTS) if category != MatterCategory.CRIMINAL else "",
            authority_name=authority_name,
            authority_location=authority_location,
            transfer_out_required=routing.transfer_out_required,
            routing_basis=routing.basis,
            economic_basis=ground.basis if ground else EconomicBasis.HARDSHIP,
            integrity_pledge=ground is None,
            exemption_ground=ground,
            legal_basis=DEMO_LEGAL_BASIS if ground and ground.needs_legal_basis else "",
            status=status,
            decided_on=decided_on,
            decided_by=self.reviewers.get(routing.office.code) if decided_on else None,
        )
        plan = _Plan(application)
        if rng.random() < 0.45 and self.groups:
            names = ["进城务工人员"] if category == MatterCategory.LABOUR else []
            names += rng.sample(list(self.groups), k=rng.choice((1, 1, 2)))
            plan.groups = sorted({self.groups[name] for name in names if name in self.groups})
        self.plans.append(plan)
        return plan

    def received_before(self, day: date, *, max_days: int) -> datetime:
        """A moment on a working day 0..max_days before `day` (never before 1 January)."""
        for _ in range(20):
            candidate = day - timedelta(days=self.rng.choice(range(max_days + 1)))
            if candidate.year == day.year and _is_working_day(candidate):
                day = candidate
                break
        moment = time(self.rng.randint(8, 17), self.rng.randint(0, 59))
        received = datetime.combine(max(day, date(day.year, 1, 1)), moment, tzinfo=timezone.get_current_timezone())
        return min(received, timezone.now())  # today's receipts have happened by now


def _daily_rates(year: int, today: date) -> list[tuple[date, float]]:
    """Expected approvals on each working day from 1 January to today."""
    days = [date(year, 1, 1) + timedelta(days=n) for n in range((date(year, 12, 31) - date(year, 1, 1)).days + 1)]
    working = [day for day in days if _is_working_day(day)]
    weight = {day: MONTH_WEIGHTS[day.month - 1] for day in working}
    scale = ANNUAL_APPROVED * 1.07 / sum(weight.values())  # a little ahead of pace, as a good year is
    return [(day, weight[day] * scale) for day in working if day <= today]


def _progress(log: Callable[[str], None], label: str, done: int, total: int) -> None:
    filled = PROGRESS_WIDTH * done // max(total, 1)
    log(f"{label} [{'#' * filled}{'.' * (PROGRESS_WIDTH - filled)}] {done}/{total}")


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    if Application.objects.exists():
        log("申请演示数据：已存在，跳过。")
        return
    builder = _Builder(rng, today)
    rates = _daily_rates(today.year, today)
    decision_days = [day for day, _ in rates if day < today]
    for day, rate in rates:
        if day >= today:
            continue  # today's decisions are still to be made, by the people trying the demo
        approvals = int(rate) + (rng.random() < rate - int(rate))
        for _ in range(approvals):
            builder.application(
                received=builder.received_before(day, max_days=6), status=Status.APPROVED, decided_on=day
            )
        if rng.random() < rate * REFUSED_SHARE:
            plan = builder.application(
                received=builder.received_before(day, max_days=6), status=Status.REFUSED, decided_on=day
            )
            plan.application.decision_reason = rng.choice(REFUSAL_REASONS)
            if rng.random() < 0.2:
                received_on = min(day + timedelta(days=rng.randint(2, 10)), today)
                late = (today - received_on).days > 5
                plan.objection = (received_on, ObjectionOutcome.UPHELD if late else ObjectionOutcome.PENDING)
        if rng.random() < rate * WITHDRAWN_SHARE and day + timedelta(days=20) < today:
            plan = builder.application(received=builder.received_before(day, max_days=1), status=Status.WITHDRAWN)
            requested = plan.application.clock_started_on + timedelta(days=1)
            expired_on = supplement_reply_due(requested) + timedelta(days=1)  # the daily job, the day after
            plan.supplement = (requested, expired_on, True)
            plan.application.closed_note = (
                f"补正期限（{supplement_reply_due(requested):%Y年%-m月%-d日}）届满未补正，视为撤回申请"
            )
    # Some approved applications had a 补正 on the way (answered, so the clock paused and ran on).
    for plan in rng.sample(builder.plans, k=len(builder.plans) // 12):
        application = plan.application
        decided_on = application.decided_on
        if application.status == Status.APPROVED and plan.supplement is None and decided_on is not None:
            requested = application.clock_started_on
            plan.supplement = (
                requested,
                min(requested + timedelta(days=rng.randint(1, 4)), decided_on),
                False,
            )
    # Still open: waiting for 补正, waiting for review (a few overdue), and some sent out of the city.
    recent = [day for day in decision_days if (today - day).days <= 14] or [today]
    for _ in range(18):
        plan = builder.application(
            received=builder.received_before(rng.choice(recent), max_days=2), status=Status.AWAITING_SUPPLEMENT
        )
        plan.supplement = (plan.application.clock_started_on + timedelta(days=1), None, False)
    for _ in range(45):
        builder.application(received=builder.received_before(today, max_days=6), status=Status.PENDING_REVIEW)
    for _ in range(5):
        builder.application(received=builder.received_before(today, max_days=14), status=Status.PENDING_REVIEW)
    # A few applicants withdrew (撤回申请) a couple of days after applying.
    older = [day for day in decision_days if (today - day).days > RETRACTED_AFTER_DAYS] or [today]
    for _ in range(10):
        plan = builder.application(
            received=builder.received_before(rng.choice(older), max_days=3), status=Status.RETRACTED
        )
        plan.application.closed_note = rng.choice(
            ["申请人撤回申请（网上）", "申请人撤回申请（窗口登记）：已与对方和解"]
        )
    for _ in range(12):
        builder.application(
            received=builder.received_before(rng.choice(decision_days or [today]), max_days=3),
            status=Status.TRANSFERRED_OUT,
        )
        builder.plans[-1].application.closed_note = "已转交：广州市法律援助处"
    _write(builder, today=today, log=log)


def _closed_on(plan) -> date | None:
    """The day the application left the review queue, as the intake services would have stamped it."""
    application = plan.application
    if application.status in (Status.APPROVED, Status.REFUSED):
        return application.decided_on
    if application.status == Status.WITHDRAWN:
        return plan.supplement[1]
    if application.status == Status.TRANSFERRED_OUT:
        return timezone.localdate(application.received_at)
    if application.status == Status.RETRACTED:
        return timezone.localdate(application.received_at) + timedelta(days=RETRACTED_AFTER_DAYS)
    return None


@transaction.atomic
def _write(builder: _Builder, *, today: date, log: Callable[[str], None]) -> None:
    plans = sorted(builder.plans, key=lambda plan: plan.application.received_at)
    year = today.year
    numbers = reserve_numbers(kind=APPLICATION_NUMBERS, year=year, count=len(plans))  # in order of receipt
    for value, plan in zip(numbers, plans, strict=True):
        plan.application.number = application_number(year=year, value=value)
        plan.application.closed_on = _closed_on(plan)
    total = len(plans)
    batch = 500
    for start in range(0, total, batch):
        Application.objects.bulk_create([plan.application for plan in plans[start : start + batch]])
        _progress(log, "申请演示数据", min(start + batch, total), total)
    # What the services count at receipt and at the decision, for the bulk write.
    tallies.add_many(tally for plan in plans for tally in receipt_tallies(plan.application))
    tallies.add_many(
        tally
        for plan in plans
        if plan.application.decided_on is not None
        for tally in decision_tallies(plan.application)
    )

    Through = Application.special_groups.through
    Through.objects.bulk_create(
        [Through(application_id=plan.application.pk, specialgroup_id=group) for plan in plans for group in plan.groups],
        batch_size=1000,
    )
    supplements, objections = [], []
    fallback_user = next((user for user in builder.clerks.values() if user is not None), None)
    for plan in plans:
        application = plan.application
        clerk = builder.clerks.get(application.responsible_office.code) or fallback_user
        if plan.supplement and clerk is not None:
            requested, resolved, expired = plan.supplement
            supplements.append(
                SupplementRequest(
                    application=application,
                    items=["与事项有关的材料（如起诉状、判决书、劳动合同、工资欠条、病历等）"],
                    requested_on=requested,
                    reply_due_on=supplement_reply_due(requested),
                    requested_by=clerk,
                    # An answered 补正 was replied to and found complete the same day.
                    replied_on=None if expired else resolved,
                    resolved_on=resolved,
                    expired=expired,
                )
            )
        if plan.objection and clerk is not None:
            received_on, outcome = plan.objection
            decided = outcome != ObjectionOutcome.PENDING
            objections.append(
                Objection(
                    application=application,
                    received_on=received_on,
                    due_on=objection_due(received_on),
                    reasons="申请人认为其家庭经济状况符合法律援助条件，对不予法律援助决定不服。",
                    recorded_by=clerk,
                    outcome=outcome,
                    decided_on=received_on + timedelta(days=4) if decided else None,
                    decided_by=builder.bureaus.get(application.responsible_office.code) if decided else None,
                    decision_note="经审查，原决定认定事实清楚，予以维持。" if decided else "",
                )
            )
    SupplementRequest.objects.bulk_create(supplements, batch_size=1000)
    # What the services store as each event happens, for the bulk write: the decision date of the open ones.
    notices: dict[int, list[SupplementRequest]] = defaultdict(list)
    for supplement in supplements:
        notices[supplement.application_id].append(supplement)
    still_open = [plan.application for plan in plans if plan.application.status in OPEN_STATUSES]
    store_decision_due_dates(still_open, supplements=notices, today=today)
    Application.objects.bulk_update(still_open, ["decision_due_on"], batch_size=500)
    Objection.objects.bulk_create(objections, batch_size=1000)
    approved = sum(plan.application.status == Status.APPROVED for plan in plans)
    log(
        f"申请演示数据：共 {total} 件申请，其中准予 {approved} 件，补正 {len(supplements)} 件，异议 {len(objections)} 件。"
    )
