"""Reads that views, the dashboard and reports share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse

from accounts.models import Office, User
from applications.models import (
    OPEN_STATUSES,
    Application,
    Objection,
    ObjectionOutcome,
    Status,
    SupplementRequest,
    review_due_dates,
)
from deadlines.items import DeadlineItem, urgency

ID_TAIL_LENGTH = 6


def case_for(application: Application, *, user: User | None = None):
    """The case opened on `application`, or None; with `user`, only a case that user may open (the
    receiving office reads the application, not the other county's case). The cases app sits above
    this one, so its scope is reached through the case's own class, not imported."""
    case = getattr(application, "case", None)  # the reverse side of Case.application
    if case is None or user is None:
        return case
    return case if type(case).objects.visible_to(user).filter(pk=case.pk).exists() else None


@dataclass(frozen=True)
class DueFlag:
    label: str
    css: str


def due_flag(due: date | None, *, today: date) -> DueFlag | None:
    state = urgency(due, today=today) if due is not None else None
    if state is None:
        return None
    return DueFlag(state, "deadline-soon" if state == "即将到期" else "deadline-overdue")


ALL_STATUSES = "all"


def queue_for(user: User, *, status: str = "", search: str = "", sent: bool = False) -> QuerySet[Application]:
    """The review queue: what the user's office is responsible for (or, with `sent`, what it
    received at its window for other offices), urgent first, with everything a row shows loaded.

    By default the queue holds what is still to be decided (待审查, 待补正): the history grows by the
    year and is reached by a search (any status) or by choosing a status or 全部 (`ALL_STATUSES`).
    Each ordering has an index (`application_open_queue_idx`, `application_queue_order_idx`)."""
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
    search = search.strip()
    if status == ALL_STATUSES:
        pass
    elif status:
        applications = applications.filter(status=status)
    elif not search:
        applications = applications.filter(status__in=OPEN_STATUSES)
    if search:
        matches = Q(applicant_name__contains=search) | Q(number__iexact=search)
        if len(search) == ID_TAIL_LENGTH:  # the tail the applicant reads out, as on /track/
            matches |= Q(id_number__endswith=search.upper())
        applications = applications.filter(matches)
    return applications.order_by(F("urgent_marked_at").desc(nulls_last=True), "-received_at")


def deadline_items(user: User, *, today: date) -> list[DeadlineItem]:
    """Intake clocks for the dashboard, for what the user's office is responsible for: the 7-day
    review, the applicant's 补正 reply period, and the 司法局's 5-day objection review. Fixed number
    of queries: applications with their 补正 requests and objections, and one calendar.

    Only what is still running is read — open applications (`application_open_idx`) and refused ones
    with an objection still pending (`objection_pending_idx`) — so the cost follows the open work,
    not the years of history. Links are built once per item shown, from one reversed pattern."""
    pending_objection = Objection.objects.filter(outcome=ObjectionOutcome.PENDING)
    applications = list(
        Application.objects.visible_to(user)
        .filter(responsible_office__in=Office.objects.visible_to(user))
        # Two indexed halves united, not an OR (which reads the whole table): the open applications
        # (`application_open_queue_idx`) and the refused ones with an objection pending.
        .filter(
            pk__in=Application.objects.filter(status__in=OPEN_STATUSES)
            .values("pk")
            .union(pending_objection.filter(application__status=Status.REFUSED).values("application_id"))
        )
        # Only what the clocks and the rows read: a province's city staff oversee thousands of them.
        .select_related(None)
        .select_related("responsible_office")
        .only(
            "pk",
            "number",
            "status",
            "clock_started_on",
            "closed_on",
            "urgent_marked_at",
            "responsible_office__short_name",
            "responsible_office__sort_order",
            "responsible_office__name",
        )
        .prefetch_related(
            Prefetch(
                "supplement_requests",
                queryset=SupplementRequest.objects.only(
                    "application_id", "requested_on", "resolved_on", "reply_due_on"
                ).order_by("requested_on", "pk"),
            ),
            Prefetch("objections", queryset=pending_objection.only("application_id", "due_on")),
        )
    )
    url_pattern = reverse("applications:detail", args=[0])
    items: list[DeadlineItem | None] = []
    due_dates = review_due_dates(applications, today=today)
    for application in applications:
        office = application.responsible_office
        url = url_pattern.replace("/0/", f"/{application.pk}/")
        common = {"number": application.number, "url": url, "office": office, "today": today}
        if due_dates[application.pk]:
            items.append(DeadlineItem.due(kind="审查决定", due_on=due_dates[application.pk], **common))
        supplement = application.open_supplement_request()
        if supplement is not None:
            items.append(DeadlineItem.due(kind="补正期限", due_on=supplement.reply_due_on, **common))
        for objection in application.objections.all():
            items.append(DeadlineItem.due(kind="异议审查", due_on=objection.due_on, **common))
    return [item for item in items if item is not None]
