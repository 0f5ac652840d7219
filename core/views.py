"""The one way a page's button makes a move (issue 9 §4): every app's move views are built from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ChoiceField, FileField, Form, ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from core.forms import add_service_errors
from core.transitions import Move, TransitionError, Workflow

CONFIRMED = "confirmed"


def post_move(
    request: HttpRequest,
    obj: Any,
    *,
    workflow: Workflow[Any],
    move: str,
    perform: Callable[[dict[str, Any]], object],
    success: str,
    form: Callable[[], Form] | None = None,
    page: Callable[[Form], HttpResponse],
    then: Callable[[], HttpResponse],
    back: str = "",
) -> HttpResponse:
    """Post one move on `obj`, which the caller fetched through its scope (404 for what the user
    cannot see): POST only (405); the move's rule for this user (403); the form (its page comes back
    with status 400 and the errors by the fields); a move that cannot be taken back (`Move.confirm`)
    then asks first, on a page that posts the same values again with `confirmed=1` (`back` is where
    its 返回 link goes); then the service, whose refusal becomes a message, or field errors when it
    names fields; on success a message and `then()` (a redirect)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rule = workflow.moves[move]
    if not rule.who(request.user, obj):
        raise PermissionDenied(f"您无权对该{workflow.subject}进行此操作。")
    bound = form() if form is not None else None
    if bound is not None and not bound.is_valid():
        return page(bound)
    if _needs_confirmation(request, rule, bound):
        return _confirmation_page(request, obj, rule, bound, back=back)
    try:
        perform(bound.cleaned_data if bound is not None else {})
    except TransitionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        if bound is None:
            messages.error(request, "；".join(error.messages))
        else:
            add_service_errors(bound, error)
            return page(bound)
    else:
        messages.success(request, success)
    return then()


def _needs_confirmation(request: HttpRequest, rule: Move, bound: Form | None) -> bool:
    # Uploaded files cannot ride along to a second page: a move whose form takes files is made at once
    # (its upload is the deliberate step).
    takes_files = bound is not None and any(isinstance(field, FileField) for field in bound.fields.values())
    return bool(rule.confirm) and not takes_files and request.POST.get(CONFIRMED) != "1"


def _confirmation_page(request: HttpRequest, obj: Any, rule: Move, bound: Form | None, *, back: str) -> HttpResponse:
    """确认: what is about to happen, what was entered, and one button that posts it all again. Rendered
    by the server (no script: the CSP allows none inline); nothing is written until it is pressed."""
    entered: list[tuple[str, Any]] = []
    if bound is not None:
        for name, field in bound.fields.items():
            value = bound.cleaned_data.get(name)
            if value in (None, "", [], ()) or field.widget.is_hidden:
                continue
            if isinstance(field, ChoiceField) and not isinstance(field, ModelChoiceField):
                # The label the user chose, not its code.
                value = next((label for key, label in field.widget.choices if str(key) == str(value)), value)
            entered.append((str(field.label or name), value))
    carried = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    context = {"subject": obj, "move": rule, "entered": entered, "carried": carried, "back": back}
    return render(request, "core/confirm_move.html", context)
