"""Reads that views, the dashboard and reports share."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.urls import reverse

from accounts.models import Office, User
from applications.models import (
    OPEN_STATUSES,
    Application,
    ChecklistItem,
    Material,
    Objection,
    ObjectionOutcome,
    Status,
    SupplementRequest,
)
from deadlines.calendar import days_left
from deadlines.items import (
    DUE_SOON_DAYS,
    DeadlineItem,
    DueRow,
    DueWork,
    count_and_rank,
    due_columns,
    linked_items,
    urgency,
)

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
    """Pending first: those given aid first (先行提供, its paperwork due with the decision) by when
    it was declared, then by the decision date stored with each (第四十三条 as it stands), first come
    first served on the same date; then those waiting for 补正 (their clock stopped), oldest first;
    then the decided, newest first."""
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
        Case(When(is_open, then=F("decision_due_on")), default=None).asc(nulls_last=True),
        Case(When(is_open, then=F("received_at")), default=None).asc(nulls_last=True),
        F("decided_on").desc(nulls_last=True),
        F("received_at").desc(),
    ]


REVIEW_KIND = "审查决定"
SUPPLEMENT_KIND = "补正期限"
OBJECTION_KIND = "异议审查"


def _due_parts(
    scoped: QuerySet[Application], *, kinds: frozenset[str] | None, due_by: date
) -> list[QuerySet[Any, Any]]:
    """The intake's clocks due by `due_by` among `scoped`, annotated with `DUE_COLUMNS`: the 7-day
    review (its date stored with the application), the applicant's 补正 reply and the 司法局's 5-day
    objection review (theirs stored with the notice and the objection)."""
    parts: list[QuerySet[Any, Any]] = []
    if kinds is None or REVIEW_KIND in kinds:
        parts.append(
            scoped.filter(status__in=OPEN_STATUSES, decision_due_on__lte=due_by).annotate(
                **due_columns(
                    pk="pk", number="number", office="responsible_office_id", kind=REVIEW_KIND, due="decision_due_on"
                )
            )
        )
    notices = {
        (SUPPLEMENT_KIND, "reply_due_on"): SupplementRequest.objects.filter(
            resolved_on__isnull=True, reply_due_on__lte=due_by, application__in=scoped.values("pk")
        ),
        (OBJECTION_KIND, "due_on"): Objection.objects.filter(
            outcome=ObjectionOutcome.PENDING,
            due_on__lte=due_by,
            application__in=scoped.filter(status=Status.REFUSED).values("pk"),
        ),
    }
    for (kind, due), rows in notices.items():
        if kinds is None or kind in kinds:
            parts.append(
                rows.order_by().annotate(
                    **due_columns(
                        pk="application_id",
                        number="application__number",
                        office="application__responsible_office_id",
                        kind=kind,
                        due=due,
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
    """The intake's clocks for the dashboard that are overdue, due today or due within two days, for
    what the user's office is responsible for (of `kinds` only, when given): the first `limit` of each
    section (all without one) and how many per office and section. `offices` by id, when the caller
    has read them for its page.

    Read from the dates stored with each clock (the application's decision date, kept by every event
    that moves it; the 补正 reply and objection dates) through partial indexes on what is open —
    counted and ranked in SQL (`deadlines.items.count_and_rank`), so the cost follows the page, not
    the open work or the years. The paperwork an urgent (先行提供) application still lacks is due with
    the decision; it is checked against the checklist in Python, for the few urgent applications due
    by then. The same queries whatever the data."""
    due_by = today + timedelta(days=DUE_SOON_DAYS)
    scoped = (
        Application.objects.visible_to(user)
        .select_related(None)
        .filter(Office.objects.condition(user, "responsible_office"))
        .order_by()
    )
    counts: Counter[tuple[int, str]] = Counter()
    rows: list[DueRow] = []
    if parts := _due_parts(scoped, kinds=kinds, due_by=due_by):
        counts, rows = count_and_rank(parts, today=today, limit=limit)
    if offices is None:
        offices = Office.objects.in_bulk()
    work = DueWork(linked_items(rows, url_name="applications:detail", offices=offices, today=today), counts)
    if kinds is None or URGENT_PAPERWORK in kinds:
        # 第四十四条: aid given first, the paperwork follows — a task until the checklist is complete,
        # due when the decision is. Whole rows (a few) with their ground: the checklist's wording for
        # an exemption names it.
        urgent = list(
            scoped.filter(status__in=OPEN_STATUSES, decision_due_on__lte=due_by)
            .exclude(urgent_ground="")
            .select_related("exemption_ground")
        )
        uploaded: dict[int, list[str]] = defaultdict(list)
        for application_id, kind in Material.objects.filter(
            application__in=[application.pk for application in urgent] or [0]  # counted even when none
        ).values_list("application_id", "kind"):
            uploaded[application_id].append(kind)
        checklist = list(ChecklistItem.objects.all())
        lacking = [
            DueRow(
                a.pk,
                a.number,
                a.responsible_office_id,
                URGENT_PAPERWORK,
                a.decision_due_on,
                urgency(a.decision_due_on, today=today) or "",  # due by `due_by`: always a section
            )
            for a in urgent
            if a.decision_due_on is not None and a.missing_kinds(checklist=checklist, uploaded=uploaded[a.pk])
        ]
        items = linked_items(lacking, url_name="applications:detail", offices=offices, today=today)
        work = work.merged(DueWork.of(items, limit=limit), limit=limit)
    return work


def deadline_items(user: User, *, today: date) -> list[DeadlineItem]:
    """Every intake clock in `user`'s scope that is overdue, due today or due soon, most urgent first."""
    return due_work(user, today=today).items


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
