"""What counts toward the 民生实事 target (SPEC §7): ONE selector, read by the dashboard, the month page,
the xlsx and the `monthly_report` command alike.

Every form of legal aid the sheet reports (`reporting.models.AidForm`) has a source here that counts it
per office and month in one SQL aggregate, credited to the office responsible:
* 申请准予: applications approved (准予), in the month of the decision;
* 通知辩护: cases opened by a notice, in the month the notice was received;
* 法律帮助: persons a duty lawyer helped (值班律师, 第三十条), on the day, at the workstation's office;
* 法律咨询 (人次) and 代拟法律文书 (件), on the day, at the office that registered them.
Whether a form counts in a month is the `CountingRule` in force on its first day; the others are
reported beside the target (法律咨询 人次, 代拟法律文书 件).

The figures are read from the monthly aggregate (`tallies`), which every event adds to in its own
transaction: a year to date is a few dozen rows, whatever a province's history holds (issue 14). The
aggregate keeps the sheet's other figures as well: of applications and cases (`SHEET_RECOUNTS`:
receipts, 通办, approvals by economic basis, closures), of quality (settled grades, follow-ups by
answer, subsidies: `quality.selectors`), and each decision's days from receipt.
`RECOUNTS` count the same figures afresh from the events — the definition the aggregate is checked
against (tests/reporting/test_tallies.py) and rebuilt from (`recounted_tallies`, with the subsidies'
figures the aggregate also keeps; `manage.py rebuild_tallies`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from applications.models import Application, EconomicBasis, Status
from cases.models import Case
from consultations.selectors import consultation_counts, document_counts
from duty.selectors import help_counts
from quality.selectors import recounted_quality_tallies, recounted_subsidy_tallies
from reporting.models import AidForm, CountingRule
from tallies import selectors as tally_selectors
from tallies import services as tallies
from tallies.models import Figure

# (office ids, first day, last day) → {(office id, month): number}
Source = Callable[[list[int], date, date], dict[tuple[int, int], int]]


def _approved_applications(
    office_ids: list[int], start: date, end: date, *, economic_basis: str | None = None
) -> dict[tuple[int, int], int]:
    approved = Application.objects.filter(
        status=Status.APPROVED, responsible_office_id__in=office_ids, decided_on__gte=start, decided_on__lte=end
    )
    if economic_basis is not None:
        approved = approved.filter(economic_basis=economic_basis)
    rows = (
        approved.annotate(month=ExtractMonth("decided_on"))
        .order_by()
        .values_list("responsible_office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


def _notices(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    rows = (
        Case.objects.filter(notice__isnull=False, office_id__in=office_ids, opened_on__gte=start, opened_on__lte=end)
        .annotate(month=ExtractMonth("opened_on"))
        .order_by()
        .values_list("office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


def _duty_help(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    return help_counts(office_ids=office_ids, start=start, end=end)


def _consultations(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    return consultation_counts(office_ids=office_ids, start=start, end=end)


def _documents(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    return document_counts(office_ids=office_ids, start=start, end=end)


RECOUNTS: dict[str, Source] = {
    "approved_application": _approved_applications,
    "notice": _notices,
    "duty_help": _duty_help,
    "consultation": _consultations,
    "document": _documents,
}


# --- the sheet's other figures kept in the aggregate (`tallies.models.Figure`) ------------------------
def _local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the first moment of `start` to the last of `end`, local time: a range over
    `received_at`'s index (`application_received_idx`)."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.max, tzinfo=tz)


def _received_at_office(
    office_ids: list[int], start: date, end: date, *, for_other: bool = False
) -> dict[tuple[int, int], int]:
    """Applications received at an office (online ones at none), by receiving office and month of
    receipt (local time); `for_other`: only those for another office (通办转出)."""
    received = Application.objects.filter(
        receiving_office_id__in=office_ids, received_at__range=_local_days(start, end)
    )
    if for_other:
        received = received.exclude(responsible_office_id=F("receiving_office_id"))
    rows = (
        received.annotate(month=ExtractMonth("received_at"))
        .order_by()
        .values_list("receiving_office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


def _received_for_other(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    return _received_at_office(office_ids, start, end, for_other=True)


def _routed_in(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    """Applications received at another office for this one (通办转入), by month of receipt."""
    rows = (
        Application.objects.filter(
            responsible_office_id__in=office_ids,
            receiving_office__isnull=False,
            received_at__range=_local_days(start, end),
        )
        .exclude(receiving_office_id=F("responsible_office_id"))
        .annotate(month=ExtractMonth("received_at"))
        .order_by()
        .values_list("responsible_office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


def _approved_on_basis(basis: str) -> Source:
    def approved(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
        return _approved_applications(office_ids, start, end, economic_basis=basis)

    return approved


def _cases_closed(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    """Cases whose closure was accepted (结案审查通过), by office and month (archived ones too)."""
    rows = (
        Case.objects.filter(office_id__in=office_ids, closed_on__gte=start, closed_on__lte=end)
        .annotate(month=ExtractMonth("closed_on"))
        .order_by()
        .values_list("office_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(office_id, month): n for office_id, month, n in rows}


SHEET_RECOUNTS: dict[str, Source] = {
    Figure.RECEIVED: _received_at_office,
    Figure.RECEIVED_FOR_OTHER: _received_for_other,
    Figure.ROUTED_IN: _routed_in,
    Figure.APPROVED_HARDSHIP: _approved_on_basis(EconomicBasis.HARDSHIP),
    Figure.APPROVED_EXEMPT: _approved_on_basis(EconomicBasis.EXEMPT),
    Figure.APPROVED_UNRESTRICTED: _approved_on_basis(EconomicBasis.UNRESTRICTED),
    Figure.CASES_CLOSED: _cases_closed,
}


def recounted_decision_times(*, office_ids: list[int], year: int) -> list[tallies.Decision]:
    """The decisions (准予 and 不予) of `year` by responsible office, month and days from receipt
    (local date) to decision, counted afresh. One query."""
    took = ExpressionWrapper(F("decided_on") - TruncDate("received_at"), output_field=DurationField())
    rows = (
        Application.objects.filter(
            responsible_office_id__in=office_ids,
            status__in=[Status.APPROVED, Status.REFUSED],
            decided_on__gte=date(year, 1, 1),
            decided_on__lte=date(year, 12, 31),
        )
        .annotate(month=ExtractMonth("decided_on"), took=took)
        .order_by()
        .values_list("responsible_office_id", "month", "took")
        .annotate(n=Count("pk"))
    )
    return [tallies.Decision(office_id, date(year, month, 1), took.days, n) for office_id, month, took, n in rows]


@dataclass(frozen=True)
class FormCount:
    """One form of legal aid over months 1..M of a year."""

    form: AidForm
    counts: list[bool]  # whether it counts toward the target, month by month
    by_office: dict[int, list[int]]  # its figures, office by office, month by month

    def month(self, office_id: int, month: int) -> int:
        return self.by_office[office_id][month - 1]

    def total(self, month: int) -> int:
        return sum(values[month - 1] for values in self.by_office.values())

    @property
    def counts_now(self) -> bool:
        """Whether it counts in the last month read (the report's month)."""
        return self.counts[-1]


@dataclass(frozen=True)
class Counting:
    year: int
    through_month: int
    forms: list[FormCount]
    tallied: dict[tuple[str, int, date], int]  # every figure of the aggregate read: (figure, office id, month)

    def figure(self, figure: Figure, office_id: int, month: int) -> int:
        """One figure of the aggregate (`tallies.models.Figure`) at an office in month `month`."""
        return self.tallied.get((str(figure), office_id, date(self.year, month, 1)), 0)

    def counted_by_month(self, office_id: int) -> list[int]:
        """The office's matters that count toward the target, month by month."""
        return [
            sum(form.by_office[office_id][index] for form in self.forms if form.counts[index])
            for index in range(self.through_month)
        ]


def rules_by_month(*, year: int, through_month: int) -> dict[str, list[bool]]:
    """Per form code, whether it counts in each month 1..M (the rule in force on the month's first day).
    One query."""
    rules: dict[str, list[tuple[date, bool]]] = {}
    for code, starts, counts in (
        CountingRule.objects.filter(effective_from__lte=date(year, through_month, 1))
        .order_by("effective_from")
        .values_list("form__code", "effective_from", "counts")
    ):
        rules.setdefault(code, []).append((starts, counts))
    result = {}
    for code, history in rules.items():
        result[code] = [
            next((counts for starts, counts in reversed(history) if starts <= date(year, month, 1)), False)
            for month in range(1, through_month + 1)
        ]
    return result


def counted_matters(*, office_ids: list[int], year: int, through_month: int) -> Counting:
    """Every form's figures per office and month, January to `through_month`, and what counts.
    Three queries whatever the history: the forms, the rules, the monthly aggregate."""
    forms = list(AidForm.objects.all())
    rules = rules_by_month(year=year, through_month=through_month)
    start, end = date(year, 1, 1), date(year, through_month, 1)
    values = tally_selectors.by_office_and_month(office_ids=office_ids, first=start, last=end)
    counted = []
    for form in forms:
        by_office = {
            office_id: [
                values.get((form.code, office_id, date(year, month, 1)), 0) for month in range(1, through_month + 1)
            ]
            for office_id in office_ids
        }
        counted.append(FormCount(form, rules.get(form.code, [False] * through_month), by_office))
    return Counting(year, through_month, counted, values)


def recounted_tallies(*, office_ids: list[int], year: int) -> list[tallies.Tally | tallies.Decision]:
    """The monthly aggregate of `year` counted afresh from the events: the forms of legal aid
    (`RECOUNTS`) and the sheet's other figures (`SHEET_RECOUNTS`), one query each; the subsidies, the
    peer reviews and the follow-ups (`quality.selectors`, two queries each); the decisions' days (one)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    counted: list[tallies.Tally | tallies.Decision] = [
        tallies.Tally(Figure(code), office_id, date(year, month, 1), value)
        for code, recount in (RECOUNTS | SHEET_RECOUNTS).items()
        for (office_id, month), value in recount(office_ids, start, end).items()
    ]
    counted += recounted_subsidy_tallies(office_ids=office_ids, year=year)
    counted += recounted_quality_tallies(office_ids=office_ids, year=year)
    counted += recounted_decision_times(office_ids=office_ids, year=year)
    return [tally for tally in counted if tally.value]  # nothing paid yet is no row, as it is stored
