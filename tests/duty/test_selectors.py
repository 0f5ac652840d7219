"""What the monthly report reads: persons helped and duty subsidies paid, by office, one query each."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Office, Role
from duty import selectors, services
from duty.models import DutySubsidy
from tests.duty.factories import on_duty, record

pytestmark = pytest.mark.django_db


def test_help_counts_count_persons_by_the_workstations_office_and_day(personas):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    record(personas, on_duty(personas, on=today), "甲", "乙", "丙")
    record(personas, on_duty(personas, on=yesterday, kind="人民法院"), "丁")
    record(personas, on_duty(personas, on=today, office="yunnan"), "戊", "己")
    offices = list(Office.objects.all())
    ids = {o.slug: o.pk for o in offices}
    with CaptureQueriesContext(connection) as context:
        today_only = selectors.help_counts(office_ids=list(ids.values()), start=today, end=today)
        both = selectors.help_counts(office_ids=[ids["luoding"]], start=yesterday, end=today)
    assert len(context) == 2
    assert today_only == {(ids["luoding"], today.month): 3, (ids["yunnan"], today.month): 2}
    assert sum(both.values()) == 4 and {office for office, _month in both} == {ids["luoding"]}


def test_subsidy_paid_sums_what_was_paid_in_the_period(personas):
    today = timezone.localdate()
    reviewer = personas[(Role.REVIEWER, "luoding")]
    paid = on_duty(personas, on=today - timedelta(days=2))
    pending = on_duty(personas, on=today - timedelta(days=1))
    for shift in (paid, pending):
        services.close_day(shift.day, by=reviewer)
    services.mark_paid(DutySubsidy.objects.get(shift=paid), paid_on=today, by=personas["city"])
    luoding = Office.objects.get(slug="luoding")
    with CaptureQueriesContext(connection) as context:
        figures = selectors.subsidy_paid(offices=Office.objects.all(), start=today, end=today)
    assert len(context) == 2  # the offices asked for, and the one aggregate
    assert figures[luoding.pk] == Decimal("400.00")
    assert sum(figures.values()) == Decimal("400.00")
    assert selectors.subsidy_paid(
        offices=[luoding], start=today - timedelta(days=1), end=today - timedelta(days=1)
    ) == {luoding.pk: Decimal("0.00")}
