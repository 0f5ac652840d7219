"""Reads the monthly report shares (the lead wires them into `reporting`): each takes the offices
(Office rows or their ids) and a date range [start, end], both inclusive, and returns
{office_id: number} for every office asked for (zero where nothing happened) from ONE aggregate query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Sum

from accounts.models import Office
from consultations.models import Consultation, DraftedDocument


def _ids(offices: Iterable[Office | int]) -> list[int]:
    return [office.pk if isinstance(office, Office) else int(office) for office in offices]


def consultation_counts(*, offices: Iterable[Office | int], start: date, end: date) -> dict[int, int]:
    """法律咨询 人次 (the sum of each consultation's 人次) by office, consulted in [start, end]."""
    ids = _ids(offices)
    rows = (
        Consultation.objects.filter(office_id__in=ids, consulted_on__range=(start, end))
        .order_by()
        .values_list("office_id")
        .annotate(total=Sum("people"))
    )
    totals = dict(rows)
    return {office_id: totals.get(office_id) or 0 for office_id in ids}


def document_counts(*, offices: Iterable[Office | int], start: date, end: date) -> dict[int, int]:
    """代拟法律文书 件数 (the sum of each entry's 件数) by office, drafted in [start, end]."""
    ids = _ids(offices)
    rows = (
        DraftedDocument.objects.filter(office_id__in=ids, drafted_on__range=(start, end))
        .order_by()
        .values_list("office_id")
        .annotate(total=Sum("copies"))
    )
    totals = dict(rows)
    return {office_id: totals.get(office_id) or 0 for office_id in ids}
