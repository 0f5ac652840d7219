"""Database expressions of core, on whichever database the suite runs (PostgreSQL in CI, SQLite on a laptop)."""

from datetime import date

import pytest
from django.db.models import DateField, Value

from accounts.models import Office
from core.expressions import DaysBetween

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("later", "earlier", "days"),
    [
        (date(2026, 11, 30), date(2026, 11, 30), 0),
        (date(2024, 3, 1), date(2024, 2, 28), 2),  # a leap day between
        (date(2027, 1, 4), date(2026, 12, 31), 4),  # across the year
        (date(2026, 11, 1), date(2026, 11, 10), -9),
    ],
)
def test_days_between_two_dates(later, earlier, days):
    expression = DaysBetween(Value(later, output_field=DateField()), Value(earlier, output_field=DateField()))
    assert Office.objects.annotate(days=expression).values_list("days", flat=True)[:1].get() == days
