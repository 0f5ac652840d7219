"""Issue 10 item 1: a sealed juvenile criminal record (刑事诉讼法 第二百八十六条) is seen through the quality
pages exactly as through the case pages: follow-ups, subsidies, samples and peer reviews follow the
case's own scope, and a sealed case is never drawn for review by another county.

Each of these failed before the scopes were derived from `Case.objects.visible_to`."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from applications.models import MatterCategory
from cases import services as case_services
from cases.models import Case
from quality.models import FollowUp, PeerReview, SampledCase, Subsidy
from quality.services import follow_up, peer_review
from quality.services.subsidy import accept_closure
from tests.cases.factories import make_case, make_handler
from tests.quality.factories import closed_case, sample_of

pytestmark = pytest.mark.django_db

JUVENILE_NAME = "未成年甲"


@pytest.fixture
def sealed_case(personas):
    """A closed criminal case of 罗定 for a 16-year-old, with a follow-up and a subsidy."""
    today = timezone.localdate()
    born = date(today.year - 16, 3, 1)
    case = make_case(
        personas, state="closure_review", category=MatterCategory.CRIMINAL, birth_date=born, name=JUVENILE_NAME
    )
    assert case.is_sealed
    case = accept_closure(case, by=personas[(Role.REVIEWER, "luoding")])
    make_handler(personas[(Role.HANDLER, "luoding")])
    follow_up.record_follow_up(
        case=case,
        contacted_on=today,
        channel="phone",
        satisfaction="satisfied",
        by=personas[(Role.CLERK, "luoding")],
    )
    return Case.objects.get(pk=case.pk)


def test_city_staff_without_the_permission_do_not_see_the_sealed_case_in_the_quality_lists(
    client, personas, sealed_case
):
    city = personas["city"]
    assert not FollowUp.objects.visible_to(city).filter(case=sealed_case).exists()
    assert not Subsidy.objects.visible_to(city).filter(case=sealed_case).exists()
    client.force_login(city)
    for url in ("/staff/quality/follow-ups/", "/staff/quality/subsidies/"):
        page = client.get(url).content.decode()
        assert sealed_case.number not in page and JUVENILE_NAME not in page, url


def test_the_office_itself_still_sees_its_sealed_case(client, personas, sealed_case):
    clerk = personas[(Role.CLERK, "luoding")]
    assert FollowUp.objects.visible_to(clerk).filter(case=sealed_case).exists()
    client.force_login(clerk)
    assert sealed_case.number in client.get("/staff/quality/follow-ups/").content.decode()


def test_holders_of_the_permission_see_it(personas, sealed_case):
    city = personas["city"]
    city.user_permissions.add(Permission.objects.get(codename="view_sealed_case"))
    city = User.objects.get(pk=city.pk)  # permissions are cached on the instance
    assert FollowUp.objects.visible_to(city).filter(case=sealed_case).exists()
    assert Subsidy.objects.visible_to(city).filter(case=sealed_case).exists()


def test_a_sealed_case_is_not_drawn_for_peer_review(personas, sealed_case):
    ordinary = closed_case(personas, category=MatterCategory.CIVIL)
    draw = peer_review.draw_sample(
        period_start=sealed_case.closed_on - timedelta(days=1),
        period_end=sealed_case.closed_on,
        ratio=1,
        seed=1,
        by=personas["city"],
    )
    drawn = set(draw.samples.values_list("case_id", flat=True))
    assert ordinary.pk in drawn and sealed_case.pk not in drawn


def test_a_sample_sealed_after_the_draw_goes_only_to_a_reviewer_allowed_to_read_it(personas):
    case = closed_case(personas, category=MatterCategory.CRIMINAL)
    sample = sample_of(personas, case)
    case_services.set_seal(
        case, sealed=True, reason="犯罪嫌疑人作案时未满18周岁", by=personas[(Role.REVIEWER, "luoding")]
    )
    sample = SampledCase.objects.get(pk=sample.pk)
    reviewer = personas[(Role.PEER_REVIEWER, "yunan")]
    assert reviewer not in peer_review.eligible_reviewers(sample)
    with pytest.raises(ValidationError, match="封存"):
        peer_review.assign_reviewer(sample, reviewer=reviewer, by=personas["city"])
    # City staff without the permission no longer see the sample or its reviews either.
    assert not SampledCase.objects.visible_to(personas["city"]).filter(pk=sample.pk).exists()
    assert not PeerReview.objects.visible_to(personas["city"]).filter(sample=sample).exists()
