"""The demo step: deterministic, fast, and quiet when there are no closed cases."""

import random
from datetime import date

import pytest

from accounts.demo import create_demo_users
from quality import demo
from quality.models import FollowUp, PeerReview, PublicityActivity, SampledCase, Subsidy

pytestmark = pytest.mark.django_db


def test_seed_without_closed_cases_adds_publicity_only():
    create_demo_users(password="demo-pass-2026")
    lines: list[str] = []
    demo.seed(rng=random.Random(1), today=date(2026, 5, 2), log=lines.append)
    assert not SampledCase.objects.exists() and not Subsidy.objects.exists() and not FollowUp.objects.exists()
    assert PublicityActivity.objects.filter(held_on__year=2026).exists()
    assert "质量演示数据" in lines[0]
    # Running again leaves what is there alone.
    count = PublicityActivity.objects.count()
    demo.seed(rng=random.Random(1), today=date(2026, 5, 2), log=lines.append)
    assert PublicityActivity.objects.count() == count


def test_seed_with_cases_reviews_pays_and_follows_up(personas):
    from tests.quality.factories import closed_case

    create_demo_users(password="demo-pass-2026")
    for index in range(6):
        closed_case(personas, office=["luoding", "yunan", "xinxing"][index % 3], closed_on=date(2026, 2, 10 + index))
    demo.seed(rng=random.Random(7), today=date(2026, 5, 2), log=lambda line: None)
    assert SampledCase.objects.exists() and PeerReview.objects.filter(submitted_at__isnull=False).exists()
    for review in PeerReview.objects.prefetch_related("scores"):
        assert sum(score.points for score in review.scores.all()) == review.total
    assert Subsidy.objects.count() == 6
    assert Subsidy.objects.filter(status="paid").exists()


def test_a_second_seed_adds_nothing(personas):
    from tests.quality.factories import closed_case

    create_demo_users(password="demo-pass-2026")
    for index in range(6):
        closed_case(personas, office="luoding", closed_on=date(2026, 2, 10 + index))
    demo.seed(rng=random.Random(7), today=date(2026, 5, 2), log=lambda line: None)
    counts = [model.objects.count() for model in (FollowUp, PeerReview, PublicityActivity, SampledCase, Subsidy)]
    demo.seed(rng=random.Random(8), today=date(2026, 5, 2), log=lambda line: None)
    assert [
        model.objects.count() for model in (FollowUp, PeerReview, PublicityActivity, SampledCase, Subsidy)
    ] == counts
