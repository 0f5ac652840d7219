"""Reads that views, the dashboard and reports share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Office, User
from applications.models import (
    OPEN_STATUSES,
    REVIEW_DAYS,
    Application,
    ChecklistItem,
    Material,
    Objection,
    ObjectionOutcome,
    Status,
    SupplementRequest,
    open_supplement_request,
    review_due_dates,
)
from deadlines.calendar import days_left
from deadlines.items import DUE_SOON_DAYS, DeadlineItem, urgency

ID_TAIL_LENGTH = 6
URGENT_PAPERWORK = "先行提供补交材料"


def case_for(application: Application, *, user: User | None = None) -> Any:  # cases.Case | None
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
    received at its window for other offices), with everything a row shows loaded.

    By default the queue holds what is still to be decided (待审查, 待补正): the history grows by the
    year and is reached by a search (any status) or by choosing a status or 全部 (`ALL_STATUSES`).
    A search also covers what the office received at its window for other offices (市域通办 out):
    a clerk finds what they registered by its number or the applicant's name, wherever it is decided.

    Order: pending applications first, soonest decision first (`_queue_order`), decided ones below,
    newest first."""
    applications = Application.objects.visible_to(user).prefetch_related(
        Prefetch("supplement_requests", queryset=SupplementRequest.objects.order_by("requested_on"))
    )
    search = search.strip()
    if not user.sees_all_offices:
        received_here = Q(receiving_office=user.office_id) & ~Q(responsible_office=user.office_id)
        if sent:
            applications = applications.filter(received_here)
        elif search:
            applications = applications.filter(Q(responsible_office=user.office_id) | received_here)
        else:
            applications = applications.filter(responsible_office=user.office_id)
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
    return applications.order_by(*_queue_order())


def _queue_order() -> list[OrderBy | F]:
    """Pending first by when the decision falls due, then those waiting for 补正 (their clock is
    stopped), then the decided, newest first.

    The due date is 第四十三条's: the clock's start plus the days spent waiting for 补正 (answered
    requests; the 7 days and a holiday roll shift every application alike, so they do not change the
    order), or the day 先行提供 was declared, which comes before any running clock. In SQL, so that
    pages cut the ordered list; the exact date each row shows comes from `review_due_dates`."""
    paused = Subquery(
        SupplementRequest.objects.filter(application=OuterRef("pk"), resolved_on__isnull=False)
        .values("application")
        .annotate(days=Sum(F("resolved_on") - F("requested_on"), output_field=DurationField()))
        .values("days")[:1],
        output_field=DurationField(),
    )
    clock_runs_to = ExpressionWrapper(
        F("clock_started_on") + Coalesce(paused, Value(timedelta(0))), output_field=DateTimeField()
    )
    stage = Case(
        When(status=Status.PENDING_REVIEW, then=Value(0)),
        When(status=Status.AWAITING_SUPPLEMENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    is_open = Q(status__in=OPEN_STATUSES)
    return [
        stage.asc(),
        Case(When(is_open, then=F("urgent_marked_at")), default=None).asc(nulls_last=True),
        Case(When(is_open, then=clock_runs_to), default=None, output_field=DateTimeField()).asc(nulls_last=True),
        F("decided_on").desc(nulls_last=True),
        F("received_at").desc(),
    ]


@dataclass(frozen=True, slots=True)
class _ClockRow:
    """An application as the dashboard reads it: the review clock's columns (`ReviewClock`) and
    what its items show, without a model instance per row."""

    pk: int
    number: str
    clock_started_on: date
    closed_on: date | None
    responsible_office_id: int
    urgent_ground: str


def deadline_items(user: User, *, today: date) -> list[DeadlineItem]:
    """Intake clocks for the dashboard, for what the user's office is responsible for: the 7-day
    review, the applicant's 补正 reply period, the 司法局's 5-day objection review, and the paperwork
    an urgent (先行提供) application still lacks. Eight queries whatever the data: the applications,
    the offices, their 补正 requests, pending objections, the urgent ones with their material kinds,
    the checklist, one calendar.

    Only what is still running and could be shown is read — open applications whose review clock
    started long enough ago to be due within two days (the deadline is never earlier than the start
    plus 7 days: working days, a pause for 补正 and a holiday's roll-forward only push it later) or
    whose 补正 reply is due by then (`application_open_queue_idx`, `supplement_open_reply_idx`), and
    refused ones with an objection due by then (`objection_pending_idx`) — so the cost follows what
    is due, not the open work or the years of history. The applications are read as rows; only the
    urgent ones, whose paperwork is checked against the checklist, as model instances. The related
    rows are read by the applications' ids and grouped here, not prefetched; one `Office` per office;
    links are built from one reversed pattern."""
    shown_by = today + timedelta(days=DUE_SOON_DAYS)
    pending_objection = Objection.objects.filter(outcome=ObjectionOutcome.PENDING)
    reply_due = SupplementRequest.objects.filter(resolved_on__isnull=True, reply_due_on__lte=shown_by)
    applications = [
        _ClockRow(*row)
        for row in Application.objects.visible_to(user)
        .filter(responsible_office__in=Office.objects.visible_to(user))
        # Two indexed halves united, not an OR (which reads the whole table): the open applications
        # (`application_open_queue_idx`) and the refused ones with an objection pending.
        .filter(
            pk__in=Application.objects.filter(status__in=OPEN_STATUSES)
            .filter(
                Q(clock_started_on__lte=shown_by - timedelta(days=REVIEW_DAYS))
                | Q(pk__in=reply_due.values("application_id"))
            )
            .values("pk")
            .union(
                pending_objection.filter(application__status=Status.REFUSED, due_on__lte=shown_by).values(
                    "application_id"
                )
            )
        )
        .order_by()
        .values_list(*(column.name for column in fields(_ClockRow)))
    ]
    offices = Office.objects.in_bulk()
    # By the ids just read (an index lookup each), and never skipped: [0] names no application, so the
    # query runs — and is counted — even when nothing is open.
    ids = [application.pk for application in applications] or [0]
    supplements: dict[int, list[SupplementRequest]] = defaultdict(list)
    for request in (
        SupplementRequest.objects.filter(application_id__in=ids)
        .only("application_id", "requested_on", "resolved_on", "reply_due_on")
        .order_by("requested_on", "pk")
    ):
        supplements[request.application_id].append(request)
    objections_due: dict[int, list[date]] = defaultdict(list)
    for application_id, due_on in pending_objection.filter(application_id__in=ids).values_list(
        "application_id", "due_on"
    ):
        objections_due[application_id].append(due_on)
    # 先行提供's paperwork task reads the checklist against what arrived (urgent rows only, a few).
    urgent_ids = [application.pk for application in applications if application.urgent_ground] or [0]
    # Whole rows (a few) with their ground: the checklist's wording for an exemption names it.
    urgent = Application.objects.filter(pk__in=urgent_ids).select_related("exemption_ground")
    uploaded: dict[int, list[str]] = defaultdict(list)
    for application_id, kind in Material.objects.filter(application_id__in=urgent_ids).values_list(
        "application_id", "kind"
    ):
        uploaded[application_id].append(kind)
    checklist = list(ChecklistItem.objects.all())
    lacking_paperwork = {
        application.pk
        for application in urgent
        if application.missing_kinds(checklist=checklist, uploaded=uploaded[application.pk])
    }
    url_pattern = reverse("applications:detail", args=[0])
    items: list[DeadlineItem | None] = []
    due_dates = review_due_dates(applications, today=today, supplements=supplements)
    for application in applications:
        item = partial(
            DeadlineItem.due,
            number=application.number,
            url=url_pattern.replace("/0/", f"/{application.pk}/"),
            office=offices[application.responsible_office_id],
            today=today,
        )
        if (review_due := due_dates[application.pk]) is not None:
            items.append(item(kind="审查决定", due_on=review_due))
            # 第四十四条: aid given first, the paperwork follows — a task until the checklist is
            # complete, due when the decision is.
            if application.pk in lacking_paperwork:
                items.append(item(kind=URGENT_PAPERWORK, due_on=review_due))
        supplement = open_supplement_request(supplements[application.pk])
        if supplement is not None:
            items.append(item(kind="补正期限", due_on=supplement.reply_due_on))
        for due_on in objections_due[application.pk]:
            items.append(item(kind="异议审查", due_on=due_on))
    return [item for item in items if item is not None]


@dataclass(frozen=True)
class OpenObjection:
    """An objection awaiting the 司法局's decision, as the bureau reviewer's worklist shows it."""

    kind: str  # 对不予的异议 / 对终止的异议
    number: str
    url: str
    office: Office
    received_on: date
    due_on: date
    days_left: int
    state: str  # 已逾期 / 今日到期 / 即将到期, or ""


def open_objection(
    *, kind: str, number: str, url: str, office: Office, received_on: date, due_on: date, today: date
) -> OpenObjection:
    return OpenObjection(
        kind,
        number,
        url,
        office,
        received_on,
        due_on,
        days_left(due_on, today=today),
        urgency(due_on, today=today) or "",
    )


def open_objections(user: User, *, today: date) -> list[OpenObjection]:
    """Objections to refusals pending before the 司法局, in `user`'s scope (第四十九条: 5 days). Two
    queries: the user's groups (once per user object) and the objections with their applications."""
    objections = (
        Objection.objects.filter(
            outcome=ObjectionOutcome.PENDING, application__in=Application.objects.visible_to(user).values("pk")
        )
        .select_related("application__responsible_office")
        .order_by("due_on", "pk")
    )
    return [
        open_objection(
            kind="对不予的异议",
            number=objection.application.number,
            url=reverse("applications:detail", args=[objection.application_id]),
            office=objection.application.responsible_office,
            received_on=objection.received_on,
            due_on=objection.due_on,
            today=today,
        )
        for objection in objections
    ]


PROVISIONAL_ENDED_SHOWN_DAYS = 30
PROVISIONAL_ROWS = 50


def provisional_aid_of(user: User, *, today: date) -> list[Application]:
    """The handler's 先行提供 (第四十四条): applications they act on before the decision, and those whose
    provisional aid a 不予 ended in the last 30 days (how the handler is told it ended). Once 准予 opens
    the case, it is one of their cases and leaves this list."""
    if not user.is_authenticated:
        return []
    ended_since = today - timedelta(days=PROVISIONAL_ENDED_SHOWN_DAYS)
    return list(
        Application.objects.filter(provisional_handler__user=user, case__isnull=True)
        .filter(
            Q(provisional_ended_on__isnull=True, status__in=OPEN_STATUSES) | Q(provisional_ended_on__gte=ended_since)
        )
        .select_related("responsible_office")
        .order_by("-provisionally_assigned_on", "number")[:PROVISIONAL_ROWS]
    )
