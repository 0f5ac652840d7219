"""The moves of a sampled case (同行评估) and of a subsidy (补贴): one table each (issue 9 §3)."""

from __future__ import annotations

from core.transitions import Move, Workflow, consequence
from quality import rules
from quality.models import SampledCase, SampleStatus, Subsidy, SubsidyStatus


def reviews_it(user, sample: SampledCase) -> bool:
    """One of the case's peer reviewers, whose submitted score settles it or calls for re-review."""
    return user.is_authenticated and sample.reviews.filter(reviewer=user).exists()


def assigns_reviewers(user, sample: SampledCase) -> bool:
    return rules.can_assign_reviewer(user)


def keeps_reference_data(user, subsidy: Subsidy) -> bool:
    return rules.can_edit_reference_data(user)


def pays_for_the_office(user, subsidy: Subsidy) -> bool:
    return rules.can_mark_paid(user, subsidy.case.office_id)


SAMPLE_FLOW = Workflow(
    "sampled_case",
    model=SampledCase,
    field="status",
    states=SampleStatus,
    initial=SampleStatus.AWAITING_REVIEWER,
    subject="抽中案件",
    lock_related=("case__handler__law_firm", "case__case_type", "case__office"),
    moves={
        # A re-review needs two reviewers: the first one assigned leaves the case waiting for the second.
        "assign_reviewer": Move(
            "分配评估员",
            sources=[SampleStatus.AWAITING_REVIEWER, SampleStatus.AWAITING_RE_REVIEW],
            to=[SampleStatus.IN_REVIEW, SampleStatus.AWAITING_RE_REVIEW],
            who=assigns_reviewers,
        ),
        "settle": Move("评定等次", sources=[SampleStatus.IN_REVIEW], to=SampleStatus.SETTLED, who=reviews_it),
        "call_re_review": Move(
            "初评不合格，需两名评估员复评",
            sources=[SampleStatus.IN_REVIEW],
            to=SampleStatus.AWAITING_RE_REVIEW,
            who=reviews_it,
        ),
    },
)

SUBSIDY_FLOW = Workflow(
    "subsidy",
    model=Subsidy,
    field="status",
    states=SubsidyStatus,
    initial=SubsidyStatus.PENDING,
    subject="补贴",
    lock_related=("case__case_type",),
    moves={
        # Recomputed when the closure is accepted again or the case's grade settles; a paid subsidy is final.
        "recompute": Move("重新核算", sources=[SubsidyStatus.PENDING], who=consequence),
        "change_stage": Move(
            "修改办案阶段",
            sources=[SubsidyStatus.PENDING],
            who=keeps_reference_data,
        ),
        "mark_paid": Move(
            "登记发放",
            sources=[SubsidyStatus.PENDING],
            to=SubsidyStatus.PAID,
            who=pays_for_the_office,
        ),
    },
)
