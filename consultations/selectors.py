"""Reads the monthly report shares (`reporting.counting`): each takes office ids and a date range
[start, end] within one year, both inclusive, and returns {(office id, month): number} from ONE
aggregate query."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractMonth

from consultations.models import Consultation, DraftedDocument


def consultation_counts(*, office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    """法律咨询 人次 (the sum of each consultation's 人次) by office and month, consulted in [start, end]."""
    rows = (
        Consultation.objects.filter(office_id__in=office_ids, consulted_on__range=(start, end))
        .annotate(month=ExtractMonth("consulted_on"))
        .order_by()
        .values_list("office_id", "month")
        .annotate(total=Sum("people"))
    )
    return {(office_id, month): total for office_id, month, total in rows}


def document_counts(*, office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    """代拟法律文书 件数 (the sum of each entry's 件数) by office and month, drafted in [start, end]."""
    rows = (
        DraftedDocument.objects.filter(office_id__in=office_ids, drafted_on__range=(start, end))
        .annotate(month=ExtractMonth("drafted_on"))
        .order_by()
        .values_list("office_id", "month")
        .annotate(total=Sum("copies"))
    )
    return {(office_id, month): total for office_id, month, total in rows}
