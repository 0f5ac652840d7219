"""Demo quality data (a `seed_demo` step after the cases step): peer reviews of the past quarters'
samples, follow-ups, subsidy rows and publicity activities across the year.

Rows are built in memory and written with bulk_create; deterministic for the same rng and today;
each part leaves data already seeded alone, and nothing fails when there are no closed cases. No audit
rows: this is history loaded in bulk, not moves made by anyone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from applications.models import SpecialGroup
from cases.models import Case, HandlerKind
from quality.models import (
    FollowUp,
    FollowUpChannel,
    Grade,
    ItemScore,
    PeerReview,
    PublicityActivity,
    PublicityForm,
    SampledCase,
    SampleDraw,
    SampleStatus,
    ScoreSheet,
    Subsidy,
    SubsidyRate,
    SubsidyStatus,
    grade_for_total,
)
from quality.services.follow_up import follow_up_tally
from quality.services.peer_review import (
    DEFAULT_RATIO,
    Candidate,
    choose_sample,
    draw_candidates,
    final_grade,
    settled_tally,
)
from quality.services.subsidy import (
    CLOSED_STATES,
    coefficient_for,
    default_stage,
    rate_in_force,
    subsidy_amount,
    subsidy_tallies,
)
from tallies import services as tallies

PLACES = ["镇政府广场", "村委会文化室", "工业园区", "社区服务中心", "中学礼堂", "集市", "县电视台", "老年活动中心"]
NOTES = {
    PublicityForm.LECTURE: "讲解法律援助申请条件和程序，现场解答群众咨询。",
    PublicityForm.STALL: "设立咨询台，发放法律援助宣传册，解答欠薪、婚姻家庭问题。",
    PublicityForm.MEDIA: "在本地电视台、报纸介绍“市域通办”法律援助服务。",
    PublicityForm.ONLINE: "通过微信公众号推送法律援助典型案例。",
    PublicityForm.CASE_STUDY: "以农民工讨薪援助案件为例，讲解维权途径。",
    PublicityForm.OTHER: "走访特殊群体家庭，送法上门。",
}
FOLLOW_UP_NOTES = [
    "受援人对承办人的服务表示满意。",
    "受援人认为沟通及时，结果基本达到预期。",
    "受援人希望承办人多告知进展。",
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True).select_related("office")}
    with transaction.atomic():
        reviews = _peer_reviews(rng=rng, today=today, users=users)
        subsidies = _subsidies(rng=rng, today=today, users=users)
        follow_ups = _follow_ups(rng=rng, today=today, users=users)
        activities = _publicity(rng=rng, today=today, users=users)
    log(f"质量演示数据：同行评估 {reviews} 件，补贴 {subsidies} 笔，回访 {follow_ups} 次，宣传活动 {activities} 场。")


def _past_quarters(today: date) -> list[tuple[date, date]]:
    quarters = []
    for first_month in (1, 4, 7, 10):
        start = date(today.year, first_month, 1)
        end = (date(today.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)) - timedelta(days=1)
        if end < today:
            quarters.append((start, end))
    return quarters


def _peer_reviews(*, rng: random.Random, today: date, users: dict) -> int:
    city = users.get("city")
    peers = [users[name] for name in sorted(users) if name.startswith("peer-")]
    if city is None or not peers or SampleDraw.objects.exists():
        return 0
    sheets = {sheet.category: (sheet, list(sheet.items.all())) for sheet in ScoreSheet.objects.all()}
    office_ids = list(Office.objects.values_list("pk", flat=True))
    firm_of = {h.user_id: h.law_firm_id for h in _peer_handler_profiles(peers)}
    settled = 0
    for start, end in _past_quarters(today):
        cases = {
            case.pk: case
            for case in draw_candidates(period_start=start, period_end=end)
            .select_related("case_type", "handler")
            .order_by("pk")
        }
        if not cases:
            continue
        seed = rng.randrange(2**31)
        chosen = choose_sample(
            [Candidate(c.pk, c.office_id, c.case_type.category) for c in cases.values()],
            office_ids=office_ids,
            ratio=DEFAULT_RATIO,
            seed=seed,
        )
        draw = SampleDraw.objects.create(
            period_start=start, period_end=end, ratio=DEFAULT_RATIO, seed=seed, drawn_by=city
        )
        samples = SampledCase.objects.bulk_create([SampledCase(draw=draw, case=cases[pk]) for pk in chosen])
        reviews, plans = [], []
        for sample in samples:
            case = sample.case
            sheet, items = sheets[case.case_type.category]
            eligible = [
                p
                for p in peers
                if p.office_id != case.office_id
                and (
                    case.handler is None
                    or (p.pk != case.handler.user_id and firm_of.get(p.pk) != case.handler.law_firm_id)
                )
            ]
            if not eligible:
                continue
            first_total = rng.choice([95, 92, 88, 85, 83, 81, 76, 72, 66, 55])
            totals = [first_total] if first_total >= 60 else [first_total, rng.randint(55, 75), rng.randint(58, 80)]
            chosen_reviewers = rng.sample(eligible, min(len(totals), len(eligible)))
            totals = totals[: len(chosen_reviewers)]
            reviewed_on = min(end + timedelta(days=rng.randint(10, 40)), today)
            for number, (reviewer, total) in enumerate(zip(chosen_reviewers, totals, strict=True)):
                reviews.append(
                    PeerReview(
                        sample=sample,
                        sheet=sheet,
                        reviewer=reviewer,
                        round=1 if number == 0 else 2,
                        assigned_by=city,
                        submitted_at=_at(reviewed_on),
                        total=total,
                        grade=grade_for_total(total),
                        summary="案件办理规范，材料齐全。" if total >= 80 else "部分环节有待改进。",
                    )
                )
                plans.append((items, total))
            result = final_grade(totals)
            if result is None:
                sample.status = SampleStatus.AWAITING_RE_REVIEW
            else:
                sample.status, sample.final_total, sample.final_grade, sample.settled_on = (
                    SampleStatus.SETTLED,
                    result[0],
                    result[1],
                    reviewed_on,
                )
                settled += 1
        PeerReview.objects.bulk_create(reviews)
        ItemScore.objects.bulk_create(
            [
                ItemScore(review=review, item=item, points=points, comment="")
                for review, (items, total) in zip(reviews, plans, strict=True)
                for item, points in zip(items, _split(total, items), strict=True)
            ]
        )
        SampledCase.objects.bulk_update(samples, ["status", "final_total", "final_grade", "settled_on"])
        # What the service counts when a grade settles, for the bulk write.
        tallies.add_many(settled_tally(sample) for sample in samples if sample.status == SampleStatus.SETTLED)
    return settled


def _peer_handler_profiles(peers):
    from cases.models import Handler

    return Handler.objects.filter(user__in=peers)


def _split(total: int, items) -> list[int]:
    """Points per item adding to `total`: each item loses its share of the missing points."""
    missing = 100 - total
    points = [item.max_points for item in items]
    for index in range(len(points)):
        if missing <= 0:
            break
        take = min(missing, points[index] // 2)
        points[index] -= take
        missing -= take
    index = 0
    while missing > 0:
        if points[index % len(points)] > 0:
            points[index % len(points)] -= 1
            missing -= 1
        index += 1
    return points


def _subsidies(*, rng: random.Random, today: date, users: dict) -> int:
    cases = list(
        Case.objects.filter(
            state__in=CLOSED_STATES, subsidy__isnull=True, handler__kind=HandlerKind.LAWYER, closed_on__isnull=False
        )
        .select_related("case_type", "office")
        .order_by("pk")
    )
    if not cases:
        _pay_old_subsidies(rng=rng, today=today, users=users)
        return 0
    # The product's rules, asked once per stage and closure day and once per grade.
    stages = {category: default_stage(category) for category in {case.case_type.category for case in cases}}
    rates: dict[tuple[int, date], SubsidyRate | None] = {}
    coefficients = {grade: coefficient_for(grade) for grade in ["", *Grade.values]}
    grades = dict(
        SampledCase.objects.filter(status=SampleStatus.SETTLED, case__in=cases).values_list("case_id", "final_grade")
    )
    now = timezone.now()
    rows = []
    for case in cases:
        stage = stages.get(case.case_type.category)
        if stage is None or case.closed_on is None or case.handler_id is None:
            continue
        key = (stage.pk, case.closed_on)
        if key not in rates:
            rates[key] = rate_in_force(stage, on=case.closed_on)
        rate = rates[key]
        if rate is None:
            continue
        grade = grades.get(case.pk, "")
        coefficient = coefficients[grade]
        rows.append(
            Subsidy(
                case=case,
                handler_id=case.handler_id,
                stage=stage,
                rate=rate,
                base_amount=rate.amount,
                grade=grade,
                coefficient=coefficient,
                amount=subsidy_amount(rate=rate, coefficient=coefficient),
                computed_at=now,
            )
        )
    Subsidy.objects.bulk_create(rows)
    tallies.add_many(tally for subsidy in rows for tally in subsidy_tallies(subsidy, case=subsidy.case))
    _pay_old_subsidies(rng=rng, today=today, users=users)
    return len(rows)


def _pay_old_subsidies(*, rng: random.Random, today: date, users: dict) -> None:
    """Subsidies of cases closed more than 60 days ago have been paid, 30 to 50 days after closure:
    those computed above and those the closure review computed as it happened."""
    pending = list(
        Subsidy.objects.filter(status=SubsidyStatus.PENDING, case__closed_on__lt=today - timedelta(days=60))
        .select_related("case__office")
        .order_by("pk")
    )
    changes = []
    for subsidy in pending:
        closed_on = subsidy.case.closed_on
        if closed_on is None:  # a subsidy's case is closed; the filter above says so too
            continue
        before = subsidy_tallies(subsidy, case=subsidy.case, sign=-1)
        subsidy.paid_on = paid_on = closed_on + timedelta(days=rng.randint(30, 50))
        subsidy.paid_by = users.get(f"reviewer-{subsidy.case.office.slug}")
        if subsidy.paid_by is not None and paid_on < today:
            subsidy.status = SubsidyStatus.PAID
            changes += [*before, *subsidy_tallies(subsidy, case=subsidy.case)]
    Subsidy.objects.bulk_update(
        [s for s in pending if s.status == SubsidyStatus.PAID], ["status", "paid_on", "paid_by"], batch_size=1000
    )
    tallies.add_many(changes)


def _follow_ups(*, rng: random.Random, today: date, users: dict) -> int:
    if FollowUp.objects.exists():  # seeded before: a second run adds nothing
        return 0
    cases = list(
        Case.objects.filter(state__in=CLOSED_STATES, follow_ups__isnull=True, closed_on__isnull=False)
        .select_related("office")
        .order_by("pk")
    )
    rows = []
    for case in cases:
        clerk = users.get(f"clerk-{case.office.slug}")
        if clerk is None or case.closed_on is None or rng.random() > 0.6:
            continue
        contacted_on = case.closed_on + timedelta(days=rng.randint(3, 20))
        if contacted_on > today:
            continue
        satisfaction = rng.choices(["satisfied", "basically", "dissatisfied"], weights=[70, 25, 5])[0]
        rows.append(
            FollowUp(
                case=case,
                contacted_on=contacted_on,
                channel=rng.choice(FollowUpChannel.values),
                satisfaction=satisfaction,
                note=rng.choice(FOLLOW_UP_NOTES),
                recorded_by=clerk,
            )
        )
    FollowUp.objects.bulk_create(rows)
    tallies.add_many(follow_up_tally(follow_up) for follow_up in rows)
    return len(rows)


def _publicity(*, rng: random.Random, today: date, users: dict) -> int:
    if PublicityActivity.objects.filter(held_on__year=today.year).exists():
        return 0
    groups = list(SpecialGroup.objects.all())
    activities = []
    for office in Office.objects.all():
        clerk = users.get(f"clerk-{office.slug}")
        if clerk is None:
            continue
        for month in range(1, today.month + 1):
            for _ in range(rng.randint(1, 3)):
                held_on = date(today.year, month, rng.randint(1, 28))
                if held_on > today:
                    continue
                form = PublicityForm(rng.choice(PublicityForm.values))
                activities.append(
                    (
                        PublicityActivity(
                            office=office,
                            held_on=held_on,
                            place=f"{office.region_name}{rng.choice(PLACES)}",
                            form=form,
                            people_reached=rng.randint(30, 400)
                            if form != PublicityForm.MEDIA
                            else rng.randint(1000, 5000),
                            materials_handed_out=rng.randint(20, 300),
                            note=NOTES[form],
                            recorded_by=clerk,
                        ),
                        rng.sample(groups, min(len(groups), rng.randint(1, 3))),
                    )
                )
    created = PublicityActivity.objects.bulk_create([activity for activity, _ in activities])
    Through = PublicityActivity.target_groups.through
    Through.objects.bulk_create(
        [
            Through(publicityactivity_id=activity.pk, specialgroup_id=group.pk)
            for activity, (_, chosen) in zip(created, activities, strict=True)
            for group in chosen
        ]
    )
    return len(created)
