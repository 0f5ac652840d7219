"""Reads for case pages and the staff dashboard, all narrowed by `Case.objects.visible_to(user)`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office, User
from applications.selectors import OpenObjection, open_objection
from cases.models import CLOCKS, Case, CaseObjection, CaseState, Clock, ObjectionOutcome
from deadlines.calendar import days_left
from deadlines.items import DUE_SOON_DAYS, URGENCY_ORDER, DeadlineItem, DueWork, urgency

CLOCK_BY_LABEL = {clock.label: clock for clock in CLOCKS}

OBJECTION_KIND = "异议审查"


def _item_kinds(clock: Clock) -> tuple[str, str]:
    """The item's kind for a case opened by an application, and by a notice: 第三十六条's 3 days for
    a notified case's lawyer are the same 指派 clock, named for it."""
    if clock.state == CaseState.AWAITING_ASSIGNMENT:
        return clock.label, f"{clock.label}（通知辩护）"
    return clock.label, clock.label


# The same names on a case's clocks and on the objections to its termination, so that one query unites them.
_ROW = ("case_pk", "case_number", "case_notice", "case_office", "clock", "due")


def _due_parts(user: User, *, kinds: frozenset[str] | None, **due: date) -> list[QuerySet[Any, Any]]:
    """One query per clock (and one for the pending objections to terminations) of the cases in
    `user`'s scope whose clock runs and is due as `due` says (lookups on the due date: `lt=today`),
    annotated with the names in `_ROW` — united and read by `due_work`."""
    visible = Case.objects.visible_to(user).select_related(None).order_by()
    parts: list[QuerySet[Any, Any]] = []
    for clock in CLOCKS:
        by_application, by_notice = _item_kinds(clock)
        cases = visible.filter(clock.running(), **{f"{clock.due_on}__{lookup}": day for lookup, day in due.items()})
        if kinds is not None:
            if by_application not in kinds and by_notice not in kinds:
                continue
            if by_application not in kinds:
                cases = cases.filter(notice__isnull=False)
            elif by_notice not in kinds:
                cases = cases.filter(notice__isnull=True)
        parts.append(
            cases.annotate(
                case_pk=F("pk"),
                case_number=F("number"),
                case_notice=F("notice_id"),
                case_office=F("office_id"),
                clock=Value(clock.label),
                due=F(clock.due_on),
            )
        )
    if kinds is None or OBJECTION_KIND in kinds:
        objections = CaseObjection.objects.filter(
            outcome=ObjectionOutcome.PENDING,
            case__in=visible.values("pk"),
            **{f"due_on__{lookup}": day for lookup, day in due.items()},
        )
        parts.append(
            objections.order_by().annotate(
                case_pk=F("case_id"),
                case_number=F("case__number"),
                case_notice=F("case__notice_id"),
                case_office=F("case__office_id"),
                clock=Value(OBJECTION_KIND),
                due=F("due_on"),
            )
        )
    return parts


def due_work(user: User, *, today: date, kinds: frozenset[str] | None = None, limit: int | None = None) -> DueWork:
    """What is overdue, due today or due within two days on the case clocks in `user`'s scope (of
    `kinds` only, when given): the first `limit` of each section (all without one), and how many per
    office and section.

    Read from the due dates stored with each clock (`Case.save`) through partial indexes on the
    running clocks, and the 司法局's date stored with each pending objection to a termination
    (第四十九条), so that a province's thousands of overdue clocks cost a `LIMIT` and a `GROUP BY`,
    not a model, a calendar count and a template row each. The same queries whatever the data: the
    user's groups and permissions (once per user object: the seal), the counts, the first rows of
    each section, the offices (none of them when `kinds` names no case clock)."""
    counts: Counter[tuple[int, str]] = Counter()
    items: list[DeadlineItem] = []
    parts = [
        part.values_list(*_ROW) for part in _due_parts(user, kinds=kinds, lte=today + timedelta(days=DUE_SOON_DAYS))
    ]
    if not parts:
        return DueWork(items, counts)
    # The clocks shown are compiled once and read twice, counted and ranked in SQL: building and
    # compiling the scoped union costs more than running it (~9 ms against ~5), so not once per
    # section. Sections by due date, as `urgency` says: 0 overdue, 1 due today, 2 due soon.
    union, union_params = parts[0].union(*parts[1:], all=True).order_by().query.sql_with_params()
    day = connection.ops.adapt_datefield_value(today)
    section = "CASE WHEN due < %s THEN 0 WHEN due = %s THEN 1 ELSE 2 END"
    ranked = (
        f"SELECT case_pk, case_number, case_notice, case_office, clock, due, {section} AS section, "
        f"ROW_NUMBER() OVER (PARTITION BY {section} ORDER BY due, case_number) AS place FROM ({union}) AS shown"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_office, {section}, COUNT(*) FROM ({union}) AS shown GROUP BY 1, 2",  # noqa: S608 (ORM-compiled)
            [day, day, *union_params],
        )
        for office_id, index, number in cursor.fetchall():
            counts[office_id, URGENCY_ORDER[index]] += number
        cursor.execute(
            f"SELECT * FROM ({ranked}) AS ranked WHERE place <= %s ORDER BY section, due, case_number",  # noqa: S608
            [day, day, day, day, *union_params, limit if limit is not None else 2**31 - 1],
        )
        rows = cursor.fetchall()
    offices = Office.objects.in_bulk()
    url_pattern = reverse("cases:detail", args=[0])  # reversed once, not once per row
    for pk, number, notice_id, office_id, label, due_on, index, _place in rows:
        due_on = date.fromisoformat(due_on) if isinstance(due_on, str) else due_on  # SQLite returns the text
        kind = label if label == OBJECTION_KIND else _item_kinds(CLOCK_BY_LABEL[label])[notice_id is not None]
        items.append(
            DeadlineItem(
                kind=kind,
                due_on=due_on,
                number=number,
                url=url_pattern.replace("/0/", f"/{pk}/"),
                office=offices[office_id],
                state=URGENCY_ORDER[index],
                days_left=days_left(due_on, today=today),
            )
        )
    return DueWork(items, counts)


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
