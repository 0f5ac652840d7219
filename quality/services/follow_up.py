"""回访 (SPEC §5): the office asks the aided person about a closed case."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import record
from cases.models import Case
from quality import rules
from quality.models import SATISFACTION_FIGURES, FollowUp, Satisfaction
from quality.services.subsidy import CLOSED_STATES
from tallies import services as tallies


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- follow-up ------------------------------------------------------------------------------------
@transaction.atomic
def record_follow_up(
    *,
    case: Case,
    contacted_on: date,
    channel: str,
    satisfaction: str,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> FollowUp:
    """回访 a closed case; recorded by the staff of the case's office."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _require(rules.can_record_for_office(by, case.office_id), "只有案件承办机构的工作人员可以登记回访。")
    if case.state not in CLOSED_STATES:
        raise ValidationError({"case": "只能回访已结案的案件。"})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": "回访日期不能晚于今天。"})
    follow_up = FollowUp(
        case=case, contacted_on=contacted_on, channel=channel, satisfaction=satisfaction, note=note, recorded_by=by
    )
    follow_up.full_clean()
    follow_up.save()
    tallies.add(follow_up_tally(follow_up))
    record(AuditAction.CREATE, actor=by, request=request, obj=follow_up, to_state=follow_up.get_satisfaction_display())
    return follow_up


def follow_up_tally(follow_up: FollowUp) -> tallies.Tally:
    """A follow-up counts at the case's office, under the person's answer, in the month of the call
    (回访, 满意率 on the monthly sheet)."""
    return tallies.Tally(
        SATISFACTION_FIGURES[Satisfaction(follow_up.satisfaction)], follow_up.case.office_id, follow_up.contacted_on
    )
