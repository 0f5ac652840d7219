"""The one way a page's button makes a move (issue 9 §4): every app's move views are built from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from core.forms import add_service_errors
from core.transitions import TransitionError, Workflow


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
) -> HttpResponse:
    """Post one move on `obj`, which the caller fetched through its scope (404 for what the user
    cannot see): POST only (405); the move's rule for this user (403); the form (its page comes back
    with status 400 and the errors by the fields); then the service, whose refusal becomes a message,
    or field errors when it names fields; on success a message and `then()` (a redirect)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not workflow.moves[move].who(request.user, obj):
        raise PermissionDenied(f"您无权对该{workflow.subject}进行此操作。")
    bound = form() if form is not None else None
    if bound is not None and not bound.is_valid():
        return page(bound)
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
