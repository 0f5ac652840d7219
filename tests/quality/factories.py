"""Quality test data, built through the domain services (cases via tests.cases.factories)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import Role
from applications.models import MatterCategory
from cases.models import Case, CaseState
from quality.models import PeerReview, SampledCase
from quality.services import peer_review
from quality.services import subsidy as subsidy_services
from tests.cases.factories import make_case


def closed_case(
    personas,
    *,
    office: str = "luoding",
    category: str = MatterCategory.CIVIL,
    closed_on: date | None = None,
    handler_user=None,
) -> Case:
    """A case of `office` accepted at closure on `closed_on` (default today)."""
    case = make_case(
        personas, office=office, state=CaseState.CLOSURE_REVIEW, category=category, handler_user=handler_user
    )
    return subsidy_services.accept_closure(
        case, by=personas[(Role.REVIEWER, office)], today=closed_on or timezone.localdate()
    )


def sample_of(personas, case: Case, *, seed: int = 7) -> SampledCase:
    """Draw the period of the case's closure day; the case is the only candidate of its office."""
    draw = peer_review.draw_sample(
        period_start=case.closed_on, period_end=case.closed_on, seed=seed, by=personas["city"]
    )
    return SampledCase.objects.get(draw=draw, case=case)


def scores_for(review: PeerReview, total: int) -> dict[int, tuple[int, str]]:
    """Item scores adding to `total`: the first items get full marks, the rest what is left."""
    left = total
    scores = {}
    for item in review.sheet.items.all():
        points = min(item.max_points, left)
        scores[item.pk] = (points, "")
        left -= points
    assert left == 0
    return scores


def reviewed(personas, case: Case, *, total: int, reviewer_office: str = "yuncheng") -> PeerReview:
    sample = sample_of(personas, case)
    reviewer = personas[(Role.PEER_REVIEWER, reviewer_office)]
    review = peer_review.assign_reviewer(sample, reviewer=reviewer, by=personas["city"])
    return peer_review.submit_review(review, scores=scores_for(review, total), by=reviewer)
