"""The moves of a roster day and of a duty subsidy: one table each (core.transitions)."""

from __future__ import annotations

from django.utils import timezone

from core.transitions import Move, Workflow
from duty import rules
from duty.models import DutyDay, DutyDayStatus, DutySubsidy
from quality.models import SubsidyStatus


def keeps_the_roster(user, day: DutyDay) -> bool:
    return rules.can_keep_roster(user, day.office_id)


def day_is_over(day: DutyDay) -> str | None:
    """A day is closed once it has begun: closing fixes the day's subsidies."""
    if day.date > timezone.localdate():
        return "该值班日尚未到来，不能关闭。"
    return None


def pays_for_the_office(user, subsidy: DutySubsidy) -> bool:
    return rules.can_mark_paid(user, subsidy.office_id)


DAY_FLOW = Workflow(
    "duty_day",
    model=DutyDay,
    field="status",
    states=DutyDayStatus,
    initial=DutyDayStatus.OPEN,
    subject="值班日",
    lock_related=("office",),
    moves={
        # Closing computes the day's duty subsidies; the roster and the records of the day are final.
        "close": Move(
            "关闭值班日并核算补贴",
            sources=[DutyDayStatus.OPEN],
            to=DutyDayStatus.CLOSED,
            who=keeps_the_roster,
            when=day_is_over,
        ),
    },
)

DUTY_SUBSIDY_FLOW = Workflow(
    "duty_subsidy",
    model=DutySubsidy,
    field="status",
    states=SubsidyStatus,
    initial=SubsidyStatus.PENDING,
    subject="值班补贴",
    moves={
        "mark_paid": Move("登记发放", sources=[SubsidyStatus.PENDING], to=SubsidyStatus.PAID, who=pays_for_the_office),
    },
)
