"""Reads of the duty app that the monthly report shares (the lead wires them into `reporting`):
each takes the offices (Office rows or their ids) and a date range [start, end], both inclusive, and
returns {office_id: figure} for every office asked for (zero where nothing happened) from ONE
aggregate query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from accounts.models import Office
from duty.models import DutySubsidy, HelpRecord
from quality.models import SubsidyStatus

ZERO = Decimal("0.00")


def _ids(offices: Iterable[Office | int]) -> list[int]:
    return [office.pk if isinstance(office, Office) else int(office) for office in offices]


def help_counts(*, offices: Iterable[Office | int], start: date, end: date) -> dict[int, int]:
    """Persons given 值班律师法律帮助 (each record is one person) on days in [start, end], by the
    office of the workstation. One query."""
    ids = _ids(offices)
    rows = (
        HelpRecord.objects.filter(office_id__in=ids, helped_on__range=(start, end))
        .order_by()
        .values_list("office_id")
        .annotate(n=Count("pk"))
    )
    counts = dict(rows)
    return {office_id: counts.get(office_id, 0) for office_id in ids}


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
