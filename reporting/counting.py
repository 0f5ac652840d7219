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
transaction: a year to date is a few dozen rows, whatever a province's history holds (issue 14).
`RECOUNTS` count the same figures afresh from the events — the definition the aggregate is checked
against (tests/reporting/test_tallies.py) and rebuilt from (`recounted_tallies`, with the subsidies'
figures the aggregate also keeps; `manage.py rebuild_tallies`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from applications.models import Application, Status
from cases.models import Case
from consultations.selectors import consultation_counts, document_counts
from duty.selectors import help_counts
from quality.selectors import recounted_subsidy_tallies
from reporting.models import AidForm, CountingRule
from tallies import selectors as tally_selectors
from tallies import services as tallies
from tallies.models import Figure

# (office ids, first day, last day) → {(office id, month): number}
Source = Callable[[list[int], date, date], dict[tuple[int, int], int]]


def _approved_applications(office_ids: list[int], start: date, end: date) -> dict[tuple[int, int], int]:
    rows = (
        Application.objects.filter(
            status=Status.APPROVED, responsible_office_id__in=office_ids, decided_on__gte=start, decided_on__lte=end
        )
        .annotate(month=ExtractMonth("decided_on"))
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
    return Counting(year, through_month, counted)


def recounted_tallies(*, office_ids: list[int], year: int) -> list[tallies.Tally]:
    """The monthly aggregate of `year` counted afresh from the events: the forms of legal aid
    (`RECOUNTS`, one query a form) and the subsidies (`quality.selectors`, two queries)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    counted = [
        tallies.Tally(Figure(code), office_id, date(year, month, 1), value)
        for code, recount in RECOUNTS.items()
        for (office_id, month), value in recount(office_ids, start, end).items()
    ] + recounted_subsidy_tallies(office_ids=office_ids, year=year)
    return [tally for tally in counted if tally.value]  # nothing paid yet is no row, as it is stored
