"""Demo cases (a `seed_demo` step after the applications step; SPEC §8, §9).

Every approved application without a case gets one, and a year of notices (通知辩护, SPEC §3.3) from the
counties' police, procuratorates and courts opens theirs — about 40 % of the criminal cases. All are
numbered per office, year and type in the order they opened, from the same gap-free counters the
product uses (`core.numbering.reserve_numbers`, `cases.services.numbered_case`), so the next real
approval or notice continues the series. Handlers are chosen by the product's rule
(`cases.services.handler_refusal`: a lawyer for a notice, ≥ 3 years for life or death). States follow
the age of the decision: old cases archived or closed, recent ones being handled, the last few days'
still 待指派, a few terminated — some of each clock due or overdue, so the dashboard has work to show.

Handlers are the demo users `lawyer-1` … `lawyer-12` (accounts.demo) at law firms of their county.
Rows are built in memory and written with bulk_create; deterministic for the same rng and today;
does nothing when every approved application already has its case. No audit rows: this is history
loaded in bulk, not moves made by anyone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import Office
from applications.identity import id_check_character
from applications.models import (
    NOTIFYING_KINDS,
    Application,
    AuthorityKind,
    KnownAuthority,
    Location,
    MatterCategory,
    Status,
)
from applications.routing import route
from cases.models import (
    Assignment,
    Case,
    CaseState,
    CaseType,
    ClosureMethod,
    Handler,
    HandlerKind,
    LawFirm,
    Notice,
    NoticeGround,
    NoticeStage,
    ProgressEntry,
    ProgressKind,
    TerminationGround,
    set_clock_due_dates,
)
from cases.notices import COMPULSORY_MEDICAL_TYPE, NoticeData, is_minor, notice_tally
from cases.services import (
    case_number_scope,
    closure_tally,
    format_case_number,
    handler_refusal,
    is_sealed_matter,
    numbered_case,
)
from core.numbering import reserve_numbers
from tallies import services as tallies

# At least one firm per county (SPEC §9); the names are made up.
LAW_FIRMS = {
    "city": ["广东云浮法正律师事务所"],
    "yuncheng": ["广东云城明理律师事务所", "广东蟠龙律师事务所"],
    "yunan": ["广东云安正平律师事务所"],
    "luoding": ["广东泷州律师事务所", "广东罗定德信律师事务所"],
    "xinxing": ["广东新兴六祖律师事务所"],
    "yunnan": ["广东郁南南江律师事务所"],
}
# Years of practice of lawyer-1 … lawyer-12: lawyer-4 and lawyer-9 are under the three years that
# a case which may bring life imprisonment or death requires (第二十六条).
YEARS_OF_PRACTICE = [12, 6, 8, 2, 15, 5, 4, 9, 1, 7, 11, 20]

PROGRESS_NOTES = {
    ProgressKind.MEETING: "会见受援人，了解案情并告知权利义务。",
    ProgressKind.FILE_REVIEW: "到办案机关查阅、摘抄、复制案卷材料。",
    ProgressKind.INVESTIGATION: "走访证人，调取工资发放记录等证据。",
    ProgressKind.HEARING: "出庭参加庭审，发表代理（辩护）意见。",
    ProgressKind.MEDIATION: "参加调解，双方达成初步意向。",
    ProgressKind.DOCUMENT: "代写起诉状（仲裁申请书）并提交。",
}
CLOSURE_METHODS = {
    MatterCategory.CRIMINAL: [ClosureMethod.JUDGMENT, ClosureMethod.RULING],
    MatterCategory.LABOUR: [ClosureMethod.ARBITRATION, ClosureMethod.MEDIATION, ClosureMethod.SETTLEMENT],
    MatterCategory.CIVIL: [ClosureMethod.JUDGMENT, ClosureMethod.MEDIATION, ClosureMethod.SETTLEMENT],
    MatterCategory.ADMINISTRATIVE: [ClosureMethod.JUDGMENT, ClosureMethod.WITHDRAWAL],
    MatterCategory.STATE_COMPENSATION: [ClosureMethod.OTHER, ClosureMethod.SETTLEMENT],
}
CLOSURE_SUMMARIES = {
    ClosureMethod.JUDGMENT: "法院作出判决，受援人的主要诉求得到支持。",
    ClosureMethod.RULING: "法院作出裁定，案件审结。",
    ClosureMethod.MEDIATION: "经调解，双方达成调解协议，对方同意分期支付。",
    ClosureMethod.SETTLEMENT: "双方自行和解，受援人获得赔偿。",
    ClosureMethod.WITHDRAWAL: "对方纠正行为后受援人撤回起诉。",
    ClosureMethod.ARBITRATION: "仲裁委裁决支持受援人的仲裁请求。",
    ClosureMethod.OTHER: "赔偿义务机关作出赔偿决定。",
}


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    applications = list(
        Application.objects.filter(status=Status.APPROVED, case__isnull=True, decided_on__isnull=False)
        .select_related("responsible_office")
        .order_by("decided_on", "pk")
    )
    if not applications:
        log("案件演示数据：没有待立案的准予申请，跳过。")
        return
    with transaction.atomic():
        handlers = _ensure_handlers(today=today)
        notified = _notices(applications, rng=rng, today=today)
        counts = _create_cases(applications, notified, handlers=handlers, rng=rng, today=today)
    summary = "，".join(f"{CaseState(state).label} {n} 件" for state, n in sorted(counts.items()))
    log(
        f"案件演示数据：{sum(counts.values())} 件，其中通知辩护 {len(notified)} 件（{summary}）；"
        f"承办人 {sum(len(h) for h in handlers.values())} 名。"
    )


# --- notices (通知辩护) --------------------------------------------------------------------------------
# About 40 % of criminal cases come by notice: criminal matters are a quarter of the approvals, so
# notices are about a sixth of them (0.4 × 0.24 / 0.6 ≈ 0.16).
NOTICES_PER_APPROVAL = 0.16
CROSS_COUNTY_NOTICE_SHARE = 0.08  # registered at another county's window (市域通办)
GROUND_WEIGHTS = {
    "第二十五条第二款": 55,  # the court's discretion in other 普通程序 trials: most of them
    "第二十五条第一款第一项": 14,  # minors
    "第二十五条第一款第四项": 12,  # life imprisonment or death
    "第二十五条第一款第二项": 5,
    "第二十五条第一款第三项": 5,
    "第二十五条第一款第七项": 4,
    "第二十八条": 5,  # 强制医疗
}
CHARGES = [
    "盗窃罪",
    "故意伤害罪",
    "诈骗罪",
    "危险驾驶罪",
    "寻衅滋事罪",
    "贩卖毒品罪",
    "抢劫罪",
    "聚众斗殴罪",
    "开设赌场罪",
    "交通肇事罪",
    "帮助信息网络犯罪活动罪",
    "掩饰、隐瞒犯罪所得罪",
]
SERIOUS_CHARGES = ["故意杀人罪", "贩卖毒品罪", "抢劫罪", "强奸罪"]
NOTIFYING = {
    NoticeStage.INVESTIGATION: AuthorityKind.POLICE,
    NoticeStage.PROSECUTION: AuthorityKind.PROCURATORATE,
    NoticeStage.TRIAL: AuthorityKind.COURT,
    NoticeStage.COMPULSORY_MEDICAL: AuthorityKind.COURT,
}
NOTICE_NAMES = "陈李黄梁张吴何林罗刘冯邓谭麦莫彭卢苏叶赖钟杨周郑"
NOTICE_GIVEN = "强伟军杰明辉涛斌鹏华勇锋亮志海平"
SAMPLE_SCAN = b"%PDF-1.4\n% demo notice\n"


@dataclass(frozen=True)
class DemoNotice:
    """A notice made for the demo, with what its case needs: where it opens and whether it is sealed."""

    notice: Notice
    opens_at: Office
    minor: bool


def _notices(applications: list[Application], *, rng: random.Random, today: date) -> list[DemoNotice]:
    """A year of notices from the police, procuratorates and courts of the city and its counties, on
    the days the year's approvals fell (so they follow its seasons). Does nothing once notices exist."""
    if Notice.objects.exists():
        return []
    organs: dict[tuple[str, str], list[KnownAuthority]] = defaultdict(list)
    for organ in KnownAuthority.objects.filter(kind__in=NOTIFYING_KINDS).exclude(location=Location.OUTSIDE):
        organs[(organ.location, organ.kind)].append(organ)
    grounds = {ground.article: ground for ground in NoticeGround.objects.filter(is_active=True)}
    offices = list(Office.objects.all())
    clerks = {user.office_id: user for user in get_user_model().objects.filter(username__startswith="clerk-")}
    if not clerks or not grounds:
        return []
    scan_name = default_storage.save("notices/demo/通知书（演示样本）.pdf", ContentFile(SAMPLE_SCAN))
    weights = {article: weight for article, weight in GROUND_WEIGHTS.items() if article in grounds}
    made: list[DemoNotice] = []
    decision_days = [application.decided_on for application in applications if application.decided_on]
    for serial in range(1, round(len(applications) * NOTICES_PER_APPROVAL) + 1):
        received = rng.choice(decision_days)
        ground = grounds[rng.choices(list(weights), weights=list(weights.values()))[0]]
        stage = (
            NoticeStage.COMPULSORY_MEDICAL
            if ground.compulsory_medical
            else NoticeStage.TRIAL
            if ground.article == "第二十五条第二款"
            else rng.choice([NoticeStage.INVESTIGATION, NoticeStage.PROSECUTION, NoticeStage.TRIAL, NoticeStage.TRIAL])
        )
        location = rng.choices([o.code for o in offices], weights=[10, 15, 10, 33, 17, 15])[0]
        candidates = organs.get((location, NOTIFYING[stage])) or organs.get((location, AuthorityKind.COURT)) or []
        if not candidates:
            continue
        organ = rng.choice(candidates)
        at = rng.choice(offices) if rng.random() < CROSS_COUNTY_NOTICE_SHARE else None
        clerk = clerks.get((at or next(o for o in offices if o.code == location)).pk) or next(iter(clerks.values()))
        minor = ground.concerns_minor
        born = date(
            received.year - (rng.randint(14, 17) if minor else rng.randint(19, 62)),
            rng.randint(1, 12),
            rng.randint(1, 28),
        )
        id_number = ""
        if rng.random() < 0.7:
            first17 = (
                f"{location if location != '445300' else '445302'}{born:%Y%m%d}{rng.randint(10, 99)}{rng.randint(0, 9)}"
            )
            id_number = first17 + id_check_character(first17)
        data = NoticeData(
            organ=organ,
            other_organ_name="",
            notice_number=f"{organ.name[:2]}法援通〔{received.year}〕{serial}号",
            notice_date=received - timedelta(days=rng.choice((0, 1, 1, 2))),
            received_on=received,
            person_name=rng.choice(NOTICE_NAMES) + rng.choice(NOTICE_GIVEN) + rng.choice(NOTICE_GIVEN),
            person_id_number=id_number,
            person_birth_date=born,
            charge=rng.choice(SERIOUS_CHARGES if ground.needs_senior_lawyer else CHARGES),
            stage=stage,
            ground=ground,
        )
        routing = route(
            authority_name=organ.name,
            authority_location=organ.location,
            residence=Location.UNKNOWN,
            fallback=clerk.office,
        )
        notice = Notice(
            organ=organ,
            organ_name=organ.name,
            organ_location=organ.location,
            notice_number=data.notice_number,
            notice_date=data.notice_date,
            received_on=received,
            person_name=data.person_name,
            person_id_number=id_number,
            person_birth_date=born,
            charge=data.charge,
            stage=stage,
            ground=ground,
            receiving_office=clerk.office,
            routing_basis=routing.basis,
            file=scan_name,
            original_name="通知书.pdf",
            content_type="application/pdf",
            size=len(SAMPLE_SCAN),
            registered_by=clerk,
        )
        made.append(DemoNotice(notice, opens_at=routing.office, minor=is_minor(data)))
    Notice.objects.bulk_create([demo.notice for demo in made], batch_size=500)
    return made


def _ensure_handlers(*, today: date) -> dict[int, list[Handler]]:
    """LawFirm rows for every county and a Handler profile for each demo lawyer (idempotent)."""
    offices = {office.slug: office for office in Office.objects.all()}
    firms: dict[str, list[LawFirm]] = {}
    for slug, names in LAW_FIRMS.items():
        firms[slug] = [
            LawFirm.objects.get_or_create(name=name, defaults={"office": offices[slug]})[0] for name in names
        ]
    lawyers = get_user_model().objects.filter(username__startswith="lawyer-").select_related("office")
    by_office: dict[int, list[Handler]] = defaultdict(list)
    for user in sorted(lawyers, key=lambda u: int(u.username.split("-")[1])):
        number = int(user.username.split("-")[1])
        years = YEARS_OF_PRACTICE[(number - 1) % len(YEARS_OF_PRACTICE)]
        office = user.office
        if office is None:  # a demo lawyer always belongs to a county's office
            continue
        office_firms = firms[office.slug]
        handler, _ = Handler.objects.get_or_create(
            user=user,
            defaults={
                "kind": HandlerKind.LAWYER,
                "license_number": f"14453{today.year - years}1{number:07d}",
                "licensed_since": date(today.year - years, 7, 1),
                "law_firm": office_firms[number % len(office_firms)],
                "office": office,
            },
        )
        by_office[handler.office_id].append(handler)
    return by_office


def _plan_state(age: int, rng: random.Random) -> str:
    """A state for a case decided `age` days ago: the older, the further along."""
    roll = rng.random()
    if age <= 2:
        return CaseState.AWAITING_ASSIGNMENT if roll < 0.6 else CaseState.IN_PROGRESS
    if roll < 0.03:
        return CaseState.TERMINATED
    if age < 45:
        return CaseState.IN_PROGRESS if roll < 0.9 else CaseState.CLOSURE_REVIEW
    if age < 120:
        return CaseState.IN_PROGRESS if roll < 0.45 else CaseState.CLOSURE_REVIEW if roll < 0.65 else CaseState.CLOSED
    if age < 200:
        return CaseState.IN_PROGRESS if roll < 0.15 else CaseState.CLOSED if roll < 0.45 else CaseState.ARCHIVED
    return CaseState.CLOSED if roll < 0.15 else CaseState.ARCHIVED


def _create_cases(
    applications: list[Application],
    notices: list[DemoNotice],
    *,
    handlers: dict[int, list[Handler]],
    rng: random.Random,
    today: date,
) -> dict[str, int]:
    case_types = {case_type.code: case_type for case_type in CaseType.objects.all()}
    grounds = list(TerminationGround.objects.filter(is_active=True))
    reviewers = {user.office_id: user for user in get_user_model().objects.filter(username__startswith="reviewer-")}
    # Unnumbered cases of both doors, in the order they opened.
    cases = [
        numbered_case(
            office=application.responsible_office,
            case_type=case_types[application.category],
            opened_on=decided_on,
            serial=0,
            application=application,
            is_sealed=is_sealed_matter(application),
        )
        for application in applications
        if (decided_on := application.decided_on) is not None
    ] + [
        numbered_case(
            office=demo.opens_at,
            case_type=case_types[COMPULSORY_MEDICAL_TYPE if demo.notice.ground.compulsory_medical else "criminal"],
            opened_on=demo.notice.received_on,
            serial=0,
            notice=demo.notice,
            is_sealed=demo.minor,
            may_bring_life_or_death=demo.notice.ground.needs_senior_lawyer,
            death_penalty_review=demo.notice.stage == NoticeStage.DEATH_REVIEW,  # as notices.open_case does
        )
        for demo in notices
    ]
    cases.sort(key=lambda case: (case.opened_on, case.application_id or 0, case.notice_id or 0))
    _number(cases)
    # The newest case of each office is still waiting for its 指派 (the reviewer has 3 days), so the
    # demo shows a 待指派 case on any day, whatever the calendar did to the last few days' decisions.
    newest = {case.office_id: case for case in cases}
    for case in cases:
        if newest[case.office_id] is not case:
            _advance(case, handlers=handlers.get(case.office_id, []), grounds=grounds, rng=rng, today=today)
    set_clock_due_dates(cases)  # what `Case.save` does, for the bulk write
    Case.objects.bulk_create(cases, batch_size=500)
    tallies.add_many(notice_tally(case) for case in cases if case.notice_id is not None)
    tallies.add_many(closure_tally(case) for case in cases if case.closed_on is not None)

    assignments, entries = [], []
    for case in cases:
        handler, assigned_on = case.handler, case.assigned_on
        if handler is None or assigned_on is None:
            continue
        by = reviewers.get(case.office_id) or handler.user
        assignments.append(Assignment(case=case, to_handler=handler, assigned_on=assigned_on, by=by))
        last = min(today, case.matter_ended_on or today)
        for kind in rng.sample(list(PROGRESS_NOTES), k=rng.randint(1, 3)):
            span = max((last - assigned_on).days, 0)
            entries.append(
                ProgressEntry(
                    case=case,
                    kind=kind,
                    happened_on=assigned_on + timedelta(days=rng.randint(0, span)),
                    note=PROGRESS_NOTES[kind],
                    recorded_by=handler.user,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    ProgressEntry.objects.bulk_create(entries, batch_size=1000)

    counts: dict[str, int] = defaultdict(int)
    for case in cases:
        counts[case.state] += 1
    return counts


def _number(cases: list[Case]) -> None:
    """Number the cases (already in the order they opened) from the product's counters, one block of
    consecutive numbers per office, type and year."""
    series: dict[tuple[int, str, str], list[Case]] = defaultdict(list)
    for case in cases:
        series[(case.year, case.office.code, case.case_type.char)].append(case)
    for (year, office_code, char), members in series.items():
        serials = reserve_numbers(
            kind="case", year=year, scope=case_number_scope(office_code, char), count=len(members)
        )
        for case, serial in zip(members, serials, strict=True):
            case.serial = serial
            case.number = format_case_number(
                year=year, abbreviation=case.office.case_number_abbreviation, type_char=char, serial=serial
            )


def _advance(
    case: Case,
    *,
    handlers: list[Handler],
    grounds: list[TerminationGround],
    rng: random.Random,
    today: date,
) -> None:
    """Move an in-memory case along its planned path, with dates in order and none after today."""
    decided = case.opened_on
    state = _plan_state((today - decided).days, rng)
    if state == CaseState.TERMINATED or not handlers:
        if state == CaseState.TERMINATED:
            case.state_before_termination = case.state  # terminated before assignment
            case.state = CaseState.TERMINATED
            case.termination_ground = rng.choice(grounds)
            case.termination_reason = "经核查，" + case.termination_ground.name + "。"
            case.terminated_on = min(today, decided + timedelta(days=rng.randint(3, 40)))
        return
    if state == CaseState.AWAITING_ASSIGNMENT:
        return
    if case.application_id is not None and case.category == MatterCategory.CRIMINAL:
        case.may_bring_life_or_death = rng.random() < 0.05
    # Most assignments within the 3 days; a few late, so the dashboard has something overdue.
    case.assigned_on = min(today, decided + timedelta(days=rng.choice((0, 1, 1, 2, 3, 3, 5))))
    eligible = [h for h in handlers if handler_refusal(case, h, today=case.assigned_on) is None]
    if not eligible:
        return  # nobody on the roster may take it: it waits for 指派, overdue on the dashboard
    case.handler = rng.choice(eligible)
    case.state = CaseState.IN_PROGRESS
    if (today - case.assigned_on).days >= 6 or rng.random() < 0.5:
        case.agreement_signed_on = min(today, case.assigned_on + timedelta(days=rng.randint(0, 5)))
    if state == CaseState.IN_PROGRESS:
        ended = case.assigned_on + timedelta(days=rng.randint(20, 150))
        if ended <= today and rng.random() < 0.4:
            case.matter_ended_on = ended
        return
    ended = case.assigned_on + timedelta(days=rng.randint(15, 90))
    submitted = ended + timedelta(days=rng.randint(3, 30))
    if submitted > today:
        return
    case.matter_ended_on = ended
    case.closure_method = rng.choice(CLOSURE_METHODS[MatterCategory(case.category)])
    case.closure_summary = CLOSURE_SUMMARIES[case.closure_method]
    case.closure_submitted_on = submitted
    case.state = CaseState.CLOSURE_REVIEW
    if state == CaseState.CLOSURE_REVIEW:
        return
    closed = submitted + timedelta(days=rng.randint(1, 25))
    if closed > today:
        return
    case.closed_on = closed
    case.state = CaseState.CLOSED
    if state == CaseState.CLOSED:
        return
    archived = closed + timedelta(days=rng.randint(3, 30))
    if archived <= today:
        case.archived_on = archived
        case.state = CaseState.ARCHIVED
