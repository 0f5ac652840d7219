"""The figures the monthly report reads: one query each, zeros for quiet offices, exact rates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Office, Role
from quality import selectors
from quality.models import Grade
from quality.services import follow_up, publicity
from tests.quality.factories import closed_case, reviewed

pytestmark = pytest.mark.django_db


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def test_peer_review_figures_and_good_rate(personas, django_assert_num_queries):
    for total in (95, 85, 70):
        reviewed(personas, closed_case(personas, office="luoding"), total=total)
    luoding, yunan = Office.objects.get(slug="luoding"), Office.objects.get(slug="yunan")
    start, end = month_of(timezone.localdate())
    with django_assert_num_queries(1):
        figures = selectors.peer_review_figures(office_ids=[luoding.pk, yunan.pk], start=start, end=end)
    row = figures[luoding.pk]
    assert (row.reviewed, row.excellent, row.good, row.passed, row.failed) == (3, 1, 1, 1, 0)
    assert row.good_rate == Decimal("66.67")  # 2 / 3, as 云浮 in the province's 2022 round
    assert figures[yunan.pk].reviewed == 0 and figures[yunan.pk].good_rate is None
    assert (row + figures[yunan.pk]).reviewed == 3


def test_follow_up_figures_and_satisfaction_rate(personas, django_assert_num_queries):
    today = timezone.localdate()
    clerk = personas[(Role.CLERK, "luoding")]
    for satisfaction in ("satisfied", "basically", "dissatisfied", "satisfied"):
        follow_up.record_follow_up(
            case=closed_case(personas), contacted_on=today, channel="sms", satisfaction=satisfaction, by=clerk
        )
    office = clerk.office
    start, end = month_of(today)
    with django_assert_num_queries(1):
        figures = selectors.follow_up_figures(office_ids=[office.pk], start=start, end=end)
    row = figures[office.pk]
    assert (row.total, row.satisfied, row.basically, row.dissatisfied) == (4, 2, 1, 1)
    assert row.satisfaction_rate == Decimal("75.00")


def test_the_aggregate_s_figures_are_asked_for_whole_months(db):
    """Peer reviews and follow-ups are counted by month: a range that cuts a month is refused, not
    answered with the whole month."""
    with pytest.raises(ValueError, match="whole months"):
        selectors.follow_up_figures(office_ids=[], start=date(2026, 5, 1), end=date(2026, 5, 20))
    with pytest.raises(ValueError, match="whole months"):
        selectors.peer_review_figures(office_ids=[], start=date(2026, 5, 2), end=date(2026, 5, 31))


def test_publicity_figures(personas, django_assert_num_queries):
    today = timezone.localdate()
    clerk = personas[(Role.CLERK, "xinxing")]
    for people in (120, 80):
        publicity.record_publicity(
            held_on=today,
            place="新城",
            form="stall",
            target_groups=[],
            people_reached=people,
            materials_handed_out=5,
            by=clerk,
        )
    with django_assert_num_queries(1):
        figures = selectors.publicity_figures(office_ids=[clerk.office_id], start=today, end=today)
    assert figures[clerk.office_id] == selectors.PublicityFigures(2, 200, 10)


def test_grade_for_case(personas):
    case = closed_case(personas)
    assert selectors.grade_for_case(case) is None
    reviewed(personas, case, total=59)  # 不合格 first review: not settled yet
    assert selectors.grade_for_case(case) is None
    other = closed_case(personas)
    reviewed(personas, other, total=80)
    assert selectors.grade_for_case(other) == Grade.GOOD
