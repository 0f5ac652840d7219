"""The duty demo step: a roster and 法律帮助 records in every office, closed days with subsidies by the
product's rule, today's roster open, deterministic for a seed, and a second run adds nothing."""

import random
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from accounts.demo import create_demo_users
from duty import demo
from duty.models import DutyDay, DutyDayStatus, DutyShift, DutySubsidy, HelpRecord
from duty.services import duty_subsidy_amount
from tests.cases.factories import make_handler

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 4)  # a Monday


def _seed(seed: int = 1) -> list[str]:
    lines: list[str] = []
    demo.seed(rng=random.Random(seed), today=TODAY, log=lines.append)
    return lines


@pytest.fixture
def lawyers(db):
    create_demo_users(password="demo-pass-2026")
    for user in get_user_model().objects.filter(username__startswith="lawyer-"):
        make_handler(user)


def _snapshot() -> list[tuple]:
    return list(
        HelpRecord.objects.order_by("helped_on", "office_id", "pk").values_list(
            "helped_on", "office_id", "person_name", "stage"
        )
    )


def test_a_year_so_far_of_duty_help_in_every_office(lawyers):
    lines = _seed()
    assert "值班律师演示数据" in lines[0]
    by_office = {row for row in HelpRecord.objects.values_list("office__code", flat=True)}
    assert by_office == set(demo.PERSONS_PER_YEAR)
    # About the year's share of the planned volume (Jan 1 – May 1: 87 of 261 working days).
    planned = sum(demo.PERSONS_PER_YEAR.values()) * 87 / 261
    assert 0.85 * planned <= HelpRecord.objects.count() <= 1.15 * planned
    assert not DutyDay.objects.filter(date__lt=TODAY, status=DutyDayStatus.OPEN).exists()
    assert not DutyDay.objects.filter(date__gte=TODAY).exclude(status=DutyDayStatus.OPEN).exists()
    # Every demo lawyer is on today's roster, so any of them can record today's list.
    on_today = set(DutyShift.objects.filter(day__date=TODAY).values_list("lawyer__user__username", flat=True))
    assert on_today == {f"lawyer-{n}" for n in range(1, 13)}
    for subsidy in DutySubsidy.objects.select_related("half_day_rate", "person_rate")[:50]:
        expected = duty_subsidy_amount(
            half_days=subsidy.half_days,
            persons=subsidy.persons,
            half_day_rate=subsidy.half_day_rate,
            person_rate=subsidy.person_rate,
        )
        assert subsidy.amount == expected
        assert subsidy.persons == HelpRecord.objects.filter(shift=subsidy.shift).count()
    assert DutySubsidy.objects.filter(status="paid", paid_on__lte=TODAY).exists()
    assert DutySubsidy.objects.filter(status="pending").exists()


def test_deterministic_and_a_second_run_adds_nothing(lawyers):
    _seed(5)
    first = _snapshot()
    counts = [model.objects.count() for model in (DutyDay, DutyShift, HelpRecord, DutySubsidy)]
    assert "已存在，跳过" in _seed(6)[0]
    assert [model.objects.count() for model in (DutyDay, DutyShift, HelpRecord, DutySubsidy)] == counts
    DutySubsidy.objects.all().delete()
    HelpRecord.objects.all().delete()
    DutyShift.objects.all().delete()
    DutyDay.objects.all().delete()
    _seed(5)
    assert _snapshot()[:200] == first[:200] and len(_snapshot()) == len(first)
