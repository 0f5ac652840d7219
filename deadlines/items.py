"""What the staff dashboard lists: one line per clock that is overdue, due today or due soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from deadlines.calendar import days_left

if TYPE_CHECKING:
    from accounts.models import Office

OVERDUE = "已逾期"
DUE_TODAY = "今日到期"
DUE_SOON = "即将到期"
DUE_SOON_DAYS = 2
URGENCY_ORDER = (OVERDUE, DUE_TODAY, DUE_SOON)


def urgency(due_on: date, *, today: date) -> str | None:
    """Which dashboard section a deadline belongs in, or None when it is further away."""
    left = days_left(due_on, today=today)
    if left < 0:
        return OVERDUE
    if left == 0:
        return DUE_TODAY
    if left <= DUE_SOON_DAYS:
        return DUE_SOON
    return None


@dataclass(frozen=True)
class DeadlineItem:
    kind: str  # which clock: 审查决定, 补正期限, 异议审查, 指派, 委托协议, 结案材料, 结案审查
    due_on: date
    number: str
    url: str
    office: Office
    state: str
    days_left: int

    @classmethod
    def due(cls, *, kind: str, due_on: date, number: str, url: str, office: Office, today: date) -> DeadlineItem | None:
        state = urgency(due_on, today=today)
        if state is None:
            return None
        return cls(kind, due_on, number, url, office, state, days_left(due_on, today=today))
