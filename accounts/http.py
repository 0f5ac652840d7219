"""The request a staff page receives, for the type checker: behind `role_required` or `login_required`
its user is a signed-in member of staff, never the anonymous user."""

from django.http import HttpRequest

from accounts.models import User


class StaffRequest(HttpRequest):
    user: User  # narrowed from User | AnonymousUser by the sign-in check
