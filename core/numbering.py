"""Gap-free numbers from a locked counter row (STYLE practice 7): application numbers, case numbers.

Allocate inside the transaction that uses the number: the counter row stays locked until it commits,
so two offices submitting at the same instant wait for each other, and a rollback gives the number back.
"""

from django.db.models import F

from core.models import NumberSequence


def reserve_numbers(*, kind: str, year: int, scope: str = "", count: int = 1) -> range:
    """The next `count` consecutive values of the (kind, scope, year) counter."""
    NumberSequence.objects.bulk_create([NumberSequence(kind=kind, scope=scope, year=year)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(kind=kind, scope=scope, year=year)
    sequence.last_value = F("last_value") + count
    sequence.save(update_fields=["last_value"])
    sequence.refresh_from_db(fields=["last_value"])
    return range(sequence.last_value - count + 1, sequence.last_value + 1)


def next_number(*, kind: str, year: int, scope: str = "") -> int:
    """The next value of the (kind, scope, year) counter."""
    return reserve_numbers(kind=kind, year=year, scope=scope)[0]
