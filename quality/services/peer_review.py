"""同行评估 (SPEC §5): the reproducible sample, the reviewers' recusal, scoring and the final grade."""

from __future__ import annotations

import random
import secrets
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role, User
from applications.models import MatterCategory
from audit.models import AuditAction
from audit.services import record
from cases.models import Case
from core.transitions import TransitionError, required
from quality import rules
from quality.models import (
    GRADE_FIGURES,
    Grade,
    ItemScore,
    PeerReview,
    SampledCase,
    SampleDraw,
    SampleStatus,
    ScoreSheet,
    grade_for_total,
)
from quality.services.subsidy import CLOSED_STATES, compute_subsidy
from quality.workflows import SAMPLE_FLOW
from tallies import services as tallies

DEFAULT_RATIO = Decimal("0.10")  # about 10% of the cases closed in the period (DOMAIN, peer review practice)
RE_REVIEWERS = 2  # a 不合格 first review is re-reviewed by two more experts


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the draw -------------------------------------------------------------------------------------
def sample_size(count: int, ratio: Decimal) -> int:
    """⌈count × ratio⌉, at least one when there is any case."""
    if count == 0:
        return 0
    return max(1, int((Decimal(count) * ratio).to_integral_value(rounding=ROUND_CEILING)))


@dataclass(frozen=True)
class Candidate:
    pk: int
    office_id: int
    category: str


def choose_sample(
    candidates: Sequence[Candidate], *, office_ids: Sequence[int], ratio: Decimal, seed: int
) -> list[int]:
    """The pure draw: which case pks to sample. Same candidates, ratio and seed → same result.

    One `random.Random(seed)` runs over the offices in report order and each office's cases by pk.
    Per office: ⌈n × ratio⌉ cases (at least one), always including one civil and one criminal case
    where the office has any (the province's practice), then the rest drawn from what is left."""
    rng = random.Random(seed)
    by_office: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.pk):
        by_office[candidate.office_id].append(candidate)
    chosen: list[int] = []
    for office_id in office_ids:
        cases = by_office.get(office_id, [])
        wanted = sample_size(len(cases), ratio)
        picked: list[Candidate] = []
        for category in (MatterCategory.CIVIL, MatterCategory.CRIMINAL):
            of_kind = [c for c in cases if c.category == category]
            if of_kind:
                picked.append(rng.choice(of_kind))
        rest = [c for c in cases if c not in picked]
        extra = max(0, wanted - len(picked))
        picked.extend(rng.sample(rest, min(extra, len(rest))))
        chosen.extend(sorted(c.pk for c in picked))
    return chosen


def draw_candidates(*, period_start: date, period_end: date) -> QuerySet[Case]:
    """The cases a draw may take: closed (结案审查通过) in the period and not sampled before. A sealed
    juvenile record (刑事诉讼法 第二百八十六条) is not drawn: the sample is read by city staff and by
    reviewers of other counties."""
    return Case.objects.filter(
        state__in=CLOSED_STATES,
        closed_on__range=(period_start, period_end),
        peer_review_sample__isnull=True,
        is_sealed=False,
    )


@transaction.atomic
def draw_sample(
    *,
    period_start: date,
    period_end: date,
    by: User,
    ratio: Decimal = DEFAULT_RATIO,
    seed: int | None = None,
    request: HttpRequest | None = None,
) -> SampleDraw:
    """抽取评估案件: sample the cases closed (`closed_on`) in the period, per office.

    A case is sampled at most once: cases already in an earlier draw are not candidates, so the same
    seed over the same period gives the same sample as long as no other draw took cases from it."""
    _require(rules.can_draw_sample(by), "只有市局工作人员可以抽取评估案件。")
    if period_start > period_end:
        raise ValidationError({"period_end": "结束日期不能早于开始日期。"})
    if not Decimal("0") < ratio <= Decimal("1"):
        raise ValidationError({"ratio": "抽取比例须大于0且不超过100%。"})
    if seed is None:
        seed = secrets.randbelow(2**31)
    candidates = [
        Candidate(pk, office_id, category)
        for pk, office_id, category in draw_candidates(period_start=period_start, period_end=period_end)
        .order_by("pk")
        .values_list("pk", "office_id", "case_type__category")
    ]
    if not candidates:
        raise ValidationError("该期间内没有可抽取的已结案案件。")
    office_ids = list(Office.objects.values_list("pk", flat=True))
    chosen = choose_sample(candidates, office_ids=office_ids, ratio=ratio, seed=seed)
    draw = SampleDraw(period_start=period_start, period_end=period_end, ratio=ratio, seed=seed, drawn_by=by)
    draw.full_clean()
    draw.save()
    SampledCase.objects.bulk_create([SampledCase(draw=draw, case_id=pk) for pk in chosen])
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=draw,
        note=f"抽取评估案件{len(chosen)}件（比例{ratio:.0%}，种子{seed}）",
    )
    return draw


# --- reviewers ------------------------------------------------------------------------------------
def reviewer_refusal(case: Case, reviewer: User) -> str | None:
    """Why `reviewer` may not review `case`, or None: never the handler, nor anyone of the handler's
    law firm, nor anyone of the case's county (regional recusal)."""
    if not (reviewer.is_active and reviewer.has_role(Role.PEER_REVIEWER)):
        return "只能分配给评估员。"
    handler = case.handler
    if handler is not None and handler.user_id == reviewer.pk:
        return "评估员不能评估自己承办的案件。"
    if reviewer.office_id == case.office_id:
        return "评估员不能评估本县（市、区）的案件。"
    if case.is_sealed and not reviewer.has_perm("cases.view_sealed_case"):
        return "该案件为封存的未成年人犯罪记录，只能分配给有权查阅封存案件的评估员。"
    profile = getattr(reviewer, "handler_profile", None)
    if profile is not None and handler is not None and profile.law_firm_id is not None:
        if profile.law_firm_id == handler.law_firm_id:
            return "评估员不能评估本律师事务所承办的案件。"
        if profile.law_firm.office_id == case.office_id:
            return "评估员所在律师事务所与案件属同一县（市、区），应当回避。"
    return None


def eligible_reviewers(sample: SampledCase) -> QuerySet[User]:
    """The peer reviewers the assign form offers: `reviewer_refusal` as one query."""
    case = sample.case
    users = (
        User.objects.filter(groups__name=Role.PEER_REVIEWER.label, is_active=True)
        .exclude(office_id=case.office_id)
        .exclude(pk__in=sample.reviews.values("reviewer_id"))
        .exclude(handler_profile__law_firm__office_id=case.office_id)
        .select_related("office")
        .order_by("username")
    )
    if (handler := case.handler) is not None:
        users = users.exclude(pk=handler.user_id)
        if handler.law_firm_id is not None:
            users = users.exclude(handler_profile__law_firm_id=handler.law_firm_id)
    if case.is_sealed:
        readers = User.objects.with_perm("cases.view_sealed_case", backend="django.contrib.auth.backends.ModelBackend")
        users = users.filter(pk__in=readers.values("pk"))
    return users


def assign_reviewer(sample: SampledCase, *, reviewer: User, by: User, request: HttpRequest | None = None) -> PeerReview:
    """Give a sampled case to a peer reviewer: the first review, or one of the two re-reviews."""
    with SAMPLE_FLOW.begin(sample, "assign_reviewer", by=by, request=request) as move:
        sample = move.obj
        refusal = reviewer_refusal(sample.case, reviewer)
        if refusal is None and sample.reviews.filter(reviewer=reviewer).exists():
            refusal = "该评估员已评估过此案件。"
        if refusal:
            raise ValidationError({"reviewer": refusal})
        sheet = ScoreSheet.objects.filter(category=sample.case.case_type.category).first()
        if sheet is None:
            raise TransitionError("该类案件尚无评分表，请先设置评分表。")
        re_review = sample.status == SampleStatus.AWAITING_RE_REVIEW
        review = PeerReview.objects.create(
            sample=sample, sheet=sheet, reviewer=reviewer, round=2 if re_review else 1, assigned_by=by
        )
        complete = not re_review or sample.reviews.filter(round=2).count() == RE_REVIEWERS
        move.done(
            to=SampleStatus.IN_REVIEW if complete else SampleStatus.AWAITING_RE_REVIEW,
            note=f"分配{'复评' if re_review else ''}评估员 {reviewer.username}",
        )
    return review


# --- scoring and the final grade ------------------------------------------------------------------
def final_grade(totals: Sequence[int]) -> tuple[int, Grade] | None:
    """THE rule for a sampled case's grade, or None while reviews are still due.

    * One review that is not 不合格: its total and grade.
    * A 不合格 first review is re-reviewed by two more experts; with all three totals in, the final
      total is their MEDIAN and the grade follows from it (`grade_for_total`). The median of three
      ordered grades is the majority grade whenever two reviewers agree, and one outlying score —
      harsh or generous — cannot decide alone.
    `totals` are in review order: the first review first."""
    if not totals:
        return None
    first = grade_for_total(totals[0])
    if first != Grade.FAIL:
        return totals[0], first
    if len(totals) < 1 + RE_REVIEWERS:
        return None
    median = int(statistics.median(totals[: 1 + RE_REVIEWERS]))
    return median, grade_for_total(median)


@transaction.atomic
def submit_review(
    review: PeerReview,
    *,
    scores: Mapping[int, tuple[int, str]],
    by: User,
    summary: str = "",
    request: HttpRequest | None = None,
    today: date | None = None,
) -> PeerReview:
    """提交评分: `scores` maps each item pk of the sheet to (points, comment). The total and the grade
    are computed here, never typed; when the case's grade settles, its subsidy is recomputed."""
    review = PeerReview.objects.select_for_update(of=("self",)).select_related("sample").get(pk=review.pk)
    _require(review.reviewer_id == by.pk, "只能提交分配给您的评估。")
    if review.is_submitted:
        raise TransitionError("该评估已提交，不能重复提交。")
    if review.sample.status == SampleStatus.SETTLED:
        raise TransitionError("该案件已评定等次。")
    items = list(review.sheet.items.all())
    errors: dict[str, str] = {}
    for item in items:
        points = scores.get(item.pk, (None, ""))[0]
        if points is None:
            errors[f"item_{item.pk}"] = "请评分。"
        elif not 0 <= points <= item.max_points:
            errors[f"item_{item.pk}"] = f"得分须在0至{item.max_points}分之间。"
    unknown = set(scores) - {item.pk for item in items}
    if unknown:
        errors["__all__"] = "评分项目与评分表不符，请刷新页面后重新评分。"
    if errors:
        raise ValidationError(errors)
    ItemScore.objects.bulk_create(
        [ItemScore(review=review, item=item, points=scores[item.pk][0], comment=scores[item.pk][1]) for item in items]
    )
    review.total = sum(scores[item.pk][0] for item in items)
    review.grade = grade_for_total(review.total)
    review.summary = summary
    review.submitted_at = timezone.now()
    review.save(update_fields=["total", "grade", "summary", "submitted_at"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=review,
        to_state=Grade(review.grade).label,
        note=f"提交评分：{review.total}分",
    )
    _advance_sample(review.sample, by=by, request=request, today=today or timezone.localdate())
    return review


def settled_tally(sample: SampledCase) -> tallies.Tally:
    """A settled grade counts at the case's office, under its grade, in the month it settled (同行评估,
    优良率 on the monthly sheet); it is final: a settled sample takes no further review."""
    return tallies.Tally(
        GRADE_FIGURES[Grade(sample.final_grade)],
        sample.case.office_id,
        required(sample.settled_on, "该案件尚未评定等次。"),
    )


def _advance_sample(sample: SampledCase, *, by: User, request: HttpRequest | None, today: date) -> None:
    """After a review: settle the grade (and recompute the subsidy), or call two re-reviewers."""
    totals = list(
        sample.reviews.filter(submitted_at__isnull=False)
        .order_by("round", "submitted_at", "pk")
        .values_list("total", flat=True)
    )
    settled = final_grade([total for total in totals if total is not None])  # submitted: totalled
    if settled is not None:
        with SAMPLE_FLOW.begin(sample, "settle", by=by, request=request) as move:
            sample = move.obj
            sample.final_total, sample.final_grade = settled
            sample.settled_on = today
            move.done(
                fields=["final_total", "final_grade", "settled_on"],
                note=f"评定等次：{Grade(sample.final_grade).label}（{sample.final_total}分）",
            )
            tallies.add(settled_tally(sample))
        compute_subsidy(sample.case, by=by, request=request)
    elif len(totals) == 1 and sample.reviews.count() == 1:
        with SAMPLE_FLOW.begin(sample, "call_re_review", by=by, request=request) as move:
            move.done()
