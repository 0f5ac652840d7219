"""Reads for case pages and the staff dashboard, all narrowed by `Case.objects.visible_to(user)`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office, User
from applications.selectors import OpenObjection, open_objection
from cases.models import CLOCKS, Case, CaseObjection, CaseState, Clock, ObjectionOutcome
from deadlines.calendar import days_left
from deadlines.items import DUE_SOON_DAYS, DeadlineItem, DueWork, count_and_rank, due_columns, linked_items, urgency

OBJECTION_KIND = "异议审查"


def _kind(clock: Clock) -> Value | DbCase:
    """The item's kind: the clock's name, and for a case opened by a notice 第三十六条's 3 days for its
    lawyer — the same 指派 clock, named for it."""
    if clock.state == CaseState.AWAITING_ASSIGNMENT:
        return DbCase(When(notice__isnull=False, then=Value(f"{clock.label}（通知辩护）")), default=Value(clock.label))
    return Value(clock.label)


def _due_parts(user: User, *, kinds: frozenset[str] | None, due_by: date) -> list[QuerySet[Any, Any]]:
    """One query per clock (and one for the pending objections to terminations) of the cases in
    `user`'s scope whose clock runs and is due by `due_by`, annotated with `DUE_COLUMNS` (of `kinds`
    only, when given)."""
    visible = Case.objects.visible_to(user).select_related(None).order_by()
    parts: list[QuerySet[Any, Any]] = []
    for clock in CLOCKS:
        cases = visible.filter(clock.running(), **{f"{clock.due_on}__lte": due_by})
        if kinds is not None:
            by_application, by_notice = clock.label, f"{clock.label}（通知辩护）"
            if by_application not in kinds and by_notice not in kinds:
                continue
            if clock.state == CaseState.AWAITING_ASSIGNMENT and by_application not in kinds:
                cases = cases.filter(notice__isnull=False)
            elif clock.state == CaseState.AWAITING_ASSIGNMENT and by_notice not in kinds:
                cases = cases.filter(notice__isnull=True)
        parts.append(
            cases.annotate(
                **due_columns(pk="pk", number="number", office="office_id", kind=_kind(clock), due=clock.due_on)
            )
        )
    if kinds is None or OBJECTION_KIND in kinds:
        objections = CaseObjection.objects.filter(
            outcome=ObjectionOutcome.PENDING, case__in=visible.values("pk"), due_on__lte=due_by
        )
        parts.append(
            objections.order_by().annotate(
                **due_columns(
                    pk="case_id", number="case__number", office="case__office_id", kind=OBJECTION_KIND, due="due_on"
                )
            )
        )
    return parts


def due_work(
    user: User,
    *,
    today: date,
    kinds: frozenset[str] | None = None,
    limit: int | None = None,
    offices: Mapping[int, Office] | None = None,
) -> DueWork:
    """What is overdue, due today or due within two days on the case clocks in `user`'s scope (of
    `kinds` only, when given): the first `limit` of each section (all without one), and how many per
    office and section. `offices` by id, when the caller has read them for its page.

    Read from the due dates stored with each clock (`Case.save`) through partial indexes on the
    running clocks, and the 司法局's date stored with each pending objection to a termination
    (第四十九条), so that a province's thousands of overdue clocks cost a `LIMIT` and a `GROUP BY`,
    not a model, a calendar count and a template row each (`deadlines.items.count_and_rank`). The
    same queries whatever the data: the user's groups and permissions (once per user object: the
    seal), the counts with the first rows of each section (one statement), the offices unless given
    (none of them when `kinds` names no case clock)."""
    parts = _due_parts(user, kinds=kinds, due_by=today + timedelta(days=DUE_SOON_DAYS))
    if not parts:
        return DueWork([], Counter())
    counts, rows = count_and_rank(parts, today=today, limit=limit)
    if offices is None:
        offices = Office.objects.in_bulk()
    return DueWork(linked_items(rows, url_name="cases:detail", offices=offices, today=today), counts)


def deadline_items(user: User, *, today: date) -> list[DeadlineItem]:
    """Every case clock in `user`'s scope that is overdue, due today or due soon, most urgent first."""
    return due_work(user, today=today).items


@dataclass(frozen=True)
class CaseDeadline:
    label: str
    due_on: date
    days_left: int
    state: str  # 已逾期 / 今日到期 / 即将到期, or "" when further away


def case_deadlines(case: Case, *, today: date | None = None) -> list[CaseDeadline]:
    """The clocks running on one case, for its page, with the due dates stored with them."""
    today = today or timezone.localdate()
    deadlines = []
    for clock in case.running_clocks:
        due = getattr(case, clock.due_on)
        deadlines.append(CaseDeadline(clock.label, due, days_left(due, today=today), urgency(due, today=today) or ""))
    return deadlines


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
