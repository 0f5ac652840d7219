"""Demo cases (a `seed_demo` step after the applications step; SPEC §8, §9).

Every approved application without a case gets one, numbered per office, year and type in the order
of the decisions, exactly as `cases.services.open_case` would have numbered them; the counter rows are
set to the last number at the end so that the next real approval continues the series. States follow
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
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Office
from applications.models import Application, MatterCategory, Status
from cases.models import (
    Assignment,
    Case,
    CaseState,
    CaseType,
    ClosureMethod,
    Handler,
    HandlerKind,
    LawFirm,
    ProgressEntry,
    ProgressKind,
    TerminationGround,
)
from cases.services import case_number_scope, format_case_number, is_sealed_matter
from core.models import NumberSequence

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
        counts = _create_cases(applications, handlers=handlers, rng=rng, today=today)
    summary = "，".join(f"{CaseState(state).label} {n} 件" for state, n in sorted(counts.items()))
    log(f"案件演示数据：{sum(counts.values())} 件（{summary}）；承办人 {sum(len(h) for h in handlers.values())} 名。")


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
        office_firms = firms[user.office.slug]
        handler, _ = Handler.objects.get_or_create(
            user=user,
            defaults={
                "kind": HandlerKind.LAWYER,
                "license_number": f"14453{today.year - years}1{number:07d}",
                "licensed_since": date(today.year - years, 7, 1),
                "law_firm": office_firms[number % len(office_firms)],
                "office": user.office,
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
    applications: list[Application], *, handlers: dict[int, list[Handler]], rng: random.Random, today: date
) -> dict[str, int]:
    case_types = {case_type.code: case_type for case_type in CaseType.objects.all()}
    grounds = list(TerminationGround.objects.filter(is_active=True))
    reviewers = {user.office_id: user for user in get_user_model().objects.filter(username__startswith="reviewer-")}
    counters = {(row.year, row.scope): row.last_value for row in NumberSequence.objects.filter(kind="case")}
    # The newest approval of each office is still waiting for its 指派 (the reviewer has 3 days), so the
    # demo shows a 待指派 case on any day, whatever the calendar did to the last few days' decisions.
    newest = {application.responsible_office_id: application.pk for application in applications}
    cases: list[Case] = []
    for application in applications:
        office = application.responsible_office
        case_type = case_types[application.category]
        year = application.decided_on.year
        key = (year, case_number_scope(office.code, case_type.char))
        counters[key] = counters.get(key, 0) + 1
        case = Case(
            application=application,
            office=office,
            case_type=case_type,
            year=year,
            serial=counters[key],
            number=format_case_number(
                year=year, office_short_name=office.short_name, type_char=case_type.char, serial=counters[key]
            ),
            opened_on=application.decided_on,
            assignment_clock_from=application.decided_on,
            is_sealed=is_sealed_matter(application),
        )
        if newest[office.id] != application.pk:
            _advance(case, application, handlers=handlers.get(office.id, []), grounds=grounds, rng=rng, today=today)
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=500)

    assignments, entries = [], []
    for case in cases:
        if case.handler is None:
            continue
        by = reviewers.get(case.office_id) or case.handler.user
        assignments.append(Assignment(case=case, to_handler=case.handler, assigned_on=case.assigned_on, by=by))
        last = min(today, case.matter_ended_on or today)
        for kind in rng.sample(list(PROGRESS_NOTES), k=rng.randint(1, 3)):
            span = max((last - case.assigned_on).days, 0)
            entries.append(
                ProgressEntry(
                    case=case,
                    kind=kind,
                    happened_on=case.assigned_on + timedelta(days=rng.randint(0, span)),
                    note=PROGRESS_NOTES[kind],
                    recorded_by=case.handler.user,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    ProgressEntry.objects.bulk_create(entries, batch_size=1000)

    existing = {(row.year, row.scope): row for row in NumberSequence.objects.filter(kind="case")}
    for (year, scope), last_value in counters.items():
        row = existing.get((year, scope))
        if row is None:
            NumberSequence.objects.create(kind="case", scope=scope, year=year, last_value=last_value)
        elif row.last_value != last_value:
            row.last_value = last_value
            row.save(update_fields=["last_value"])

    counts: dict[str, int] = defaultdict(int)
    for case in cases:
        counts[case.state] += 1
    return counts


def _advance(
    case: Case,
    application: Application,
    *,
    handlers: list[Handler],
    grounds: list[TerminationGround],
    rng: random.Random,
    today: date,
) -> None:
    """Move an in-memory case along its planned path, with dates in order and none after today."""
    decided = application.decided_on
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
    criminal = application.category == MatterCategory.CRIMINAL
    case.may_bring_life_or_death = criminal and rng.random() < 0.05
    eligible = [h for h in handlers if h.years_of_practice(on=today) >= 3] if case.may_bring_life_or_death else []
    case.handler = rng.choice(eligible or handlers)
    if case.may_bring_life_or_death and not eligible:
        case.may_bring_life_or_death = False
    # Most assignments within the 3 days; a few late, so the dashboard has something overdue.
    case.assigned_on = min(today, decided + timedelta(days=rng.choice((0, 1, 1, 2, 3, 3, 5))))
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
    case.closure_method = rng.choice(CLOSURE_METHODS[application.category])
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
