"""What each person can act on (SPEC §4 deadlines, issue 13 §3): the one list behind the dashboard
(`/staff/`) and the daily digest. Reads the intake and case clocks, so it lives here, above both."""

from __future__ import annotations

from collections import Counter
from datetime import date

from accounts.models import Office, Role, User
from applications import selectors as application_selectors
from cases import selectors as case_selectors
from deadlines.items import DeadlineItem, DueWork

# The clocks each role acts on. A reviewer decides, assigns and reviews closures; a clerk handles
# materials and agreements; a handler keeps the 委托协议 and closure clocks of their own cases; the
# 司法局审核人 decides objections within 5 days (第四十九条) — the office only takes them in, so the
# 异议审查 clock is the bureau's. City staff oversee every clock of every office.
CLOCKS_BY_ROLE: dict[Role, frozenset[str]] = {
    Role.REVIEWER: frozenset(
        {"审查决定", "补正期限", "先行提供补交材料", "指派", "指派（通知辩护）", "委托协议", "结案材料", "结案审查"}
    ),
    Role.CLERK: frozenset({"补正期限", "先行提供补交材料", "委托协议"}),
    Role.HANDLER: frozenset({"委托协议", "结案材料"}),
    Role.BUREAU_REVIEWER: frozenset({"异议审查"}),
}


def worklist(user, *, today: date, limit: int | None = None) -> DueWork:
    """`user`'s clocks that are overdue, due today or due soon, most urgent first: all of them, or the
    first `limit` of each section, with how many there are per office and section."""
    kinds = None
    if not user.sees_all_offices:
        kinds = frozenset().union(*(CLOCKS_BY_ROLE.get(role, frozenset()) for role in user.roles))
    offices = Office.objects.in_bulk()  # once for both sources' lines
    intake = DueWork([], Counter())
    if user.reads_records or user.has_role(Role.BUREAU_REVIEWER):
        intake = application_selectors.due_work(user, today=today, kinds=kinds, limit=limit, offices=offices)
    cases = case_selectors.due_work(user, today=today, kinds=kinds, limit=limit, offices=offices)
    return intake.merged(cases, limit=limit)


def due_in_section(user: User, *, state: str, today: date, rows: int) -> tuple[list[DeadlineItem], int]:
    """The first `rows` items of one section (`deadlines.items.URGENCY_ORDER`) of `user`'s worklist,
    most urgent first, and how many the section holds."""
    work = worklist(user, today=today, limit=rows)
    return [item for item in work.items if item.state == state], work.total(state)


def open_objections(user: User, *, today: date) -> list[application_selectors.OpenObjection]:
    """Every objection pending before `user`'s 司法局 (not only those due soon): the bureau reviewer's
    worklist, soonest due first. Empty for anyone who does not decide objections."""
    if not user.has_role(Role.BUREAU_REVIEWER):
        return []
    rows = application_selectors.open_objections(user, today=today) + case_selectors.open_objections(user, today=today)
    rows.sort(key=lambda row: (row.due_on, row.number))
    return rows
