"""Reads for case pages and the staff dashboard, all narrowed by `Case.objects.visible_to(user)`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, partial

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office, User
from applications.selectors import OpenObjection, open_objection
from cases.models import (
    AGREEMENT_DAYS,
    ASSIGNMENT_DAYS,
    CLOSURE_MATERIALS_DAYS,
    CLOSURE_REVIEW_DAYS,
    Case,
    CaseObjection,
    CaseState,
    ObjectionOutcome,
)
from deadlines.calendar import WorkingCalendar, days_left
from deadlines.items import DUE_SOON_DAYS, DeadlineItem, urgency


@dataclass(frozen=True)
class Clock:
    """A case clock: runs while the case is in `state`, from `starts_on` until `stopped_by` is set."""

    label: str
    state: CaseState
    starts_on: str
    days: int
    stopped_by: str | None = None

    def condition(self, *, shown_by: date | None = None) -> Q:
        """The cases this clock runs on; with `shown_by`, only those it could be due by then: a
        deadline is never earlier than its start plus its days (working days and a holiday's
        roll-forward only push it later), so older starts are all the dashboard needs to read."""
        q = Q(state=self.state, **{f"{self.starts_on}__isnull": False})
        if shown_by is not None:
            q &= Q(**{f"{self.starts_on}__lte": shown_by - timedelta(days=self.days)})
        return q & Q(**{f"{self.stopped_by}__isnull": True}) if self.stopped_by else q

    @property
    def columns(self) -> tuple[str, ...]:
        """The case's columns this clock reads."""
        return ("state", self.starts_on, *([self.stopped_by] if self.stopped_by else []))

    def runs_on(self, values: Mapping[str, object]) -> bool:
        """Whether the clock runs, from a case's column values (a `.values()` row, or `runs_for`)."""
        return (
            values["state"] == self.state
            and values[self.starts_on] is not None
            and (self.stopped_by is None or values[self.stopped_by] is None)
        )

    def runs_for(self, case: Case) -> bool:
        return self.runs_on({column: getattr(case, column) for column in self.columns})


CLOCKS = [
    # From the decision, or from the 司法局's correction for a case brought back from 终止.
    Clock("指派", CaseState.AWAITING_ASSIGNMENT, "assignment_clock_from", ASSIGNMENT_DAYS),
    Clock("委托协议", CaseState.IN_PROGRESS, "assigned_on", AGREEMENT_DAYS, stopped_by="agreement_signed_on"),
    Clock("结案材料", CaseState.IN_PROGRESS, "matter_ended_on", CLOSURE_MATERIALS_DAYS),
    Clock("结案审查", CaseState.CLOSURE_REVIEW, "closure_submitted_on", CLOSURE_REVIEW_DAYS),
]
MAX_CLOCK_DAYS = max(clock.days for clock in CLOCKS)


def _label(clock: Clock, *, notice_id: int | None) -> str:
    # 第三十六条: a notified case's lawyer is due 3 days from the notice — the same clock, named for it.
    return f"{clock.label}（通知辩护）" if clock.state == CaseState.AWAITING_ASSIGNMENT and notice_id else clock.label


def deadline_items(user: User, *, today: date) -> list[DeadlineItem]:
    """What is overdue, due today or due within two days on the case clocks, in `user`'s scope.

    Queries, whatever the number of cases: the user's groups and permissions (for the scope, once
    per user object), the cases, the offices, the holiday overrides for all of the case clocks
    together, and the pending objections to terminations (第四十九条, 5 days, their due date stored
    when received: the date the applicant was told).

    A province's city staff oversee a couple of thousand running clocks, so the cases are read as
    plain rows (no model instance per row, one `Office` per office) and each (start, days) is
    counted once on the calendar.
    """
    running = Q()
    shown_by = today + timedelta(days=DUE_SOON_DAYS)
    for clock in CLOCKS:
        running |= clock.condition(shown_by=shown_by)
    columns = dict.fromkeys(column for clock in CLOCKS for column in clock.columns)
    rows = (
        Case.objects.visible_to(user)
        .filter(running)
        .values("pk", "number", "notice_id", "office_id", *columns)
        .order_by()
    )
    # (label, start, days, case pk, number, office id) for every running clock
    periods = [
        (
            _label(clock, notice_id=row["notice_id"]),
            row[clock.starts_on],
            clock.days,
            row["pk"],
            row["number"],
            row["office_id"],
        )
        for row in rows
        for clock in CLOCKS
        if clock.runs_on(row)
    ]
    offices = Office.objects.in_bulk()
    due: list[tuple[str, date, int, str, int]] = []
    if periods:
        # One window of holiday overrides for every period (deadlines.calendar: the single day counter),
        # and each distinct (start, days) counted once: thousands of clocks share a few hundred starts.
        calendar = WorkingCalendar.covering([period[1] for period in periods], max_days=MAX_CLOCK_DAYS)
        working_days = settings.LEGALAID_COUNT_WORKING_DAYS
        due_date_of = cache(partial(calendar.add_days, working_days=working_days))
        due = [
            (label, due_date_of(start, days), pk, number, office_id)
            for label, start, days, pk, number, office_id in periods
        ]
    objections = CaseObjection.objects.filter(
        outcome=ObjectionOutcome.PENDING, case__in=Case.objects.visible_to(user).values("pk")
    ).values_list("due_on", "case_id", "case__number", "case__office_id")
    due += [("异议审查", due_on, pk, number, office_id) for due_on, pk, number, office_id in objections]
    items = []
    url_pattern = reverse("cases:detail", args=[0])  # reversed once, not once per row
    for label, due_date, pk, number, office_id in due:
        item = DeadlineItem.due(
            kind=label,
            due_on=due_date,
            number=number,
            url=url_pattern.replace("/0/", f"/{pk}/"),
            office=offices[office_id],
            today=today,
        )
        if item is not None:
            items.append(item)
    items.sort(key=lambda item: (item.due_on, item.number))
    return items


@dataclass(frozen=True)
class CaseDeadline:
    label: str
    due_on: date
    days_left: int
    state: str  # 已逾期 / 今日到期 / 即将到期, or "" when further away


def case_deadlines(case: Case, *, today: date | None = None) -> list[CaseDeadline]:
    """The clocks running on one case, for its page (one calendar query when any runs)."""
    today = today or timezone.localdate()
    running = [clock for clock in CLOCKS if clock.runs_for(case)]
    if not running:
        return []
    calendar = WorkingCalendar.covering([getattr(case, clock.starts_on) for clock in running], max_days=MAX_CLOCK_DAYS)
    result = []
    for clock in running:
        due = calendar.add_days(
            getattr(case, clock.starts_on), clock.days, working_days=settings.LEGALAID_COUNT_WORKING_DAYS
        )
        result.append(CaseDeadline(clock.label, due, days_left(due, today=today), urgency(due, today=today) or ""))
    return result


def case_list(user: User, *, state: str = "", q: str = "") -> QuerySet[Case]:
    """The case list of `user`: filter by state, search by case number, application or notice number,
    or the aided person's name."""
    cases = Case.objects.visible_to(user)
    if state:
        cases = cases.filter(state=state)
    q = q.strip()
    if q:
        cases = cases.filter(
            Q(number__icontains=q)
            | Q(application__number__icontains=q)
            | Q(application__applicant_name__icontains=q)
            | Q(notice__notice_number__icontains=q)
            | Q(notice__person_name__icontains=q)
        )
    # A page of 50 joins only the two tables it sorts and shows beside every row; the people and the
    # handlers are read by the page's ids. Each joined table multiplies PostgreSQL's search for a
    # join order: with the scope's six (`visible_to`) it spent ~20 ms planning a 1 ms query.
    return (
        cases.select_related(None)
        .select_related("office", "case_type")
        .prefetch_related("application", "notice", "handler__user")
        .order_by("-opened_on", "-pk")
    )


def open_objections(user: User, *, today: date) -> list[OpenObjection]:
    """Objections to terminations pending before the 司法局, in `user`'s scope (第四十九条: 5 days)."""
    objections = (
        CaseObjection.objects.filter(
            outcome=ObjectionOutcome.PENDING, case__in=Case.objects.visible_to(user).values("pk")
        )
        .select_related("case__office")
        .order_by("due_on", "pk")
    )
    return [
        open_objection(
            kind="对终止的异议",
            number=objection.case.number,
            url=reverse("cases:detail", args=[objection.case_id]),
            office=objection.case.office,
            received_on=objection.received_on,
            due_on=objection.due_on,
            today=today,
        )
        for objection in objections
    ]
