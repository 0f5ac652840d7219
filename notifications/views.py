"""The 短信记录 page: what the outbox sent, holds and failed to send (city staff, read-only)."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import StaffRequest
from accounts.models import Role
from accounts.permissions import role_required
from core.pagination import BoundedPaginator
from notifications.models import MessageKind, OutboxMessage, OutboxState

PAGE_SIZE = 50


def _subject_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@require_GET
@role_required(Role.CITY_STAFF)
def outbox(request: StaffRequest) -> HttpResponse:
    """Every text message to applicants, newest first, filtered by state and kind. The city's staff
    follow the county offices here; a 发送失败 row says why."""
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    found = OutboxMessage.objects.all()
    if state in OutboxState.values:
        found = found.filter(state=state)
    if kind in MessageKind.values:
        found = found.filter(kind=kind)
    page = BoundedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(message, _subject_label(message.subject_type)) for message in page]
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "kind": kind,
            "states": OutboxState.choices,
            "kinds": MessageKind.choices,
        },
    )
