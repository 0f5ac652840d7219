"""Reads of the duty app that the monthly report shares: each takes the offices and a date range
[start, end], both inclusive, and answers from ONE aggregate query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from accounts.models import Office
from duty.models import DutySubsidy, HelpRecord
from quality.models import SubsidyStatus

ZERO = Decimal("0.00")


def _ids(offices: Iterable[Office | int]) -> list[int]:
    return [office.pk if isinstance(office, Office) else int(office) for office in offices]


def help_counts(*, office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    """Persons given 值班律师法律帮助 (each record is one person) on days in [start, end] (one year),
    by the office of the workstation and month: {(office id, month): persons}. One query; the monthly
    report counts them (`reporting.counting`)."""
    rows = (
        HelpRecord.objects.filter(office_id__in=office_ids, helped_on__range=(start, end))
        .annotate(month=ExtractMonth("helped_on"))
        .order_by()
        .values_list("office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


def subsidy_paid(*, offices: Iterable[Office | int], start: date, end: date) -> dict[int, Decimal]:
    """Duty subsidies paid (已发放, by `paid_on`) in [start, end], by duty office, in yuan. One query."""
    ids = _ids(offices)
    rows = (
        DutySubsidy.objects.filter(office_id__in=ids, status=SubsidyStatus.PAID, paid_on__range=(start, end))
        .order_by()
        .values_list("office_id")
        .annotate(total=Sum("amount"))
    )
    totals = dict(rows)
    return {office_id: Decimal(totals.get(office_id) or ZERO).quantize(Decimal("0.01")) for office_id in ids}
