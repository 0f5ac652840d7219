"""Reads that views, the dashboard and reports share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office
from applications.models import REVIEW_DAYS, Application, ObjectionOutcome, Status, SupplementRequest
from deadlines.calendar import MAX_ROLL_DAYS, WorkingCalendar
from deadlines.items import DeadlineItem, urgency

ID_TAIL_LENGTH = 6


def review_due_dates(
    applications: Iterable[Application],
    *,
    today: date,
    supplements: Mapping[int, Iterable[SupplementRequest]] | None = None,
) -> dict[int, date | None]:
    """The decision deadline of each application as it stood at the end of `today` (this day for
    the queue and the dashboard, a month end for the report); None for those not awaiting a decision
    then (clock not started, left the queue by then, or waiting for 补正).

    第四十三条: 7 days from the first receipt, in the mode of LEGALAID_COUNT_WORKING_DAYS, a last day on a
    holiday rolled forward, days waiting for 补正 not counted; 第四十四条 先行提供: due the day urgency was
    declared. Read as of `today`: a 补正 notice counts only if given by then, its wait only up to then,
    urgency only if declared by then.

    The 补正 requests come from `supplements` (application pk → requests) or else from prefetched
    `supplement_requests`. ONE calendar query for all of them — built even when none is pending, so
    that the report builder's query count does not depend on the data."""
    applications = list(applications)
    working = settings.LEGALAID_COUNT_WORKING_DAYS
    counted = {
        application.pk: [
            request
            for request in (
                supplements.get(application.pk, ())
                if supplements is not None
                else application.supplement_requests.all()
            )
            if application.clock_started_on <= request.requested_on <= today
        ]
        for application in applications
    }
    pending = [
        application
        for application in applications
        if application.clock_started_on <= today
        and (application.closed_on is None or application.closed_on > today)
        and all(r.resolved_on is not None and r.resolved_on <= today for r in counted[application.pk])
    ]
    first = min((application.clock_started_on for application in pending), default=today)
    cal = WorkingCalendar(first, today + timedelta(days=2 * REVIEW_DAYS + MAX_ROLL_DAYS))
    result: dict[int, date | None] = {application.pk: None for application in applications}
    for application in pending:
        paused = sum(
            cal.count_days(r.requested_on, r.resolved_on, working_days=working) for r in counted[application.pk]
        )
        due = cal.add_days(application.clock_started_on, REVIEW_DAYS + paused, working_days=working)
        if application.urgent_marked_at is not None:
            marked = timezone.localdate(application.urgent_marked_at)
            if marked <= today:
                due = min(due, marked)
        result[application.pk] = due
    return result


@dataclass(frozen=True)
class DueFlag:
    label: str
    css: str


def due_flag(due: date | None, *, today: date) -> DueFlag | None:
    state = urgency(due, today=today) if due is not None else None
    if state is None:
        return None
    return DueFlag(state, "deadline-soon" if state == "即将到期" else "deadline-overdue")


def queue_for(user, *, status: str = "", search: str = "", sent: bool = False) -> QuerySet[Application]:
    """The review queue: what the user's office is responsible for (or, with `sent`, what it
    received at its window for other offices), urgent first, with everything a row shows loaded."""
    applications = Application.objects.visible_to(user).prefetch_related(
        Prefetch("supplement_requests", queryset=SupplementRequest.objects.order_by("requested_on"))
    )
    if not user.sees_all_offices:
        if sent:
            applications = applications.filter(receiving_office=user.office_id).exclude(
                responsible_office=user.office_id
            )
        else:
            applications = applications.filter(responsible_office=user.office_id)
    if status:
        applications = applications.filter(status=status)
    search = search.strip()
    if search:
        matches = Q(applicant_name__contains=search) | Q(number__iexact=search)
        if len(search) == ID_TAIL_LENGTH:  # the tail the applicant reads out, as on /track/
            matches |= Q(id_number__endswith=search.upper())
        applications = applications.filter(matches)
    return applications.order_by(F("urgent_marked_at").desc(nulls_last=True), "-received_at")


def deadline_items(user, *, today: date) -> list[DeadlineItem]:
    """Intake clocks for the dashboard, for what the user's office is responsible for: the 7-day
    review, the applicant's 补正 reply period, and the 司法局's 5-day objection review. Fixed number
    of queries: applications with their 补正 requests and objections, and one calendar."""
    applications = list(
        Application.objects.visible_to(user)
        .filter(status__in=[Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT, Status.REFUSED])
        .filter(responsible_office__in=Office.objects.visible_to(user))
        .exclude(status=Status.REFUSED, objections__isnull=True)
        .prefetch_related("supplement_requests", "objections")
        .distinct()
    )
    items: list[DeadlineItem | None] = []
    due_dates = review_due_dates(applications, today=today)
    for application in applications:
        url = reverse("applications:detail", args=[application.pk])
        office = application.responsible_office
        common = {"number": application.number, "url": url, "office": office, "today": today}
        if due_dates[application.pk]:
            items.append(DeadlineItem.due(kind="审查决定", due_on=due_dates[application.pk], **common))
        supplement = application.open_supplement_request()
        if supplement is not None:
            items.append(DeadlineItem.due(kind="补正期限", due_on=supplement.reply_due_on, **common))
        for objection in application.objections.all():
            if objection.outcome == ObjectionOutcome.PENDING:
                items.append(DeadlineItem.due(kind="异议审查", due_on=objection.due_on, **common))
    return [item for item in items if item is not None]
