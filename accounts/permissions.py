"""Who may open which staff page. "Cannot see" is 404 (scoping); "cannot do" is 403 (here)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts.models import Role, User

STAFF_ROLES = tuple(Role)


def role_required(*roles: Role) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Anonymous → the login page; signed in without one of `roles` → 403. The view then receives a
    `StaffRequest` (its user signed in)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_superuser or user.has_role(*roles)):
                raise PermissionDenied("您的岗位无权使用此功能。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_read_reports(user: User | AnonymousUser) -> bool:
    """County and city office staff read the monthly report (SPEC §7): not handlers or peer reviewers."""
    return user.is_authenticated and user.reads_records
