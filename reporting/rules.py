"""Who may do what with targets and monthly sheets (SPEC §7)."""

from __future__ import annotations

from accounts.models import OFFICE_STAFF


def can_submit(user) -> bool:
    """Clerks and reviewers (the office head) of a county office report their county's sheet; the
    city office compiles the city's sheet and does not report to itself."""
    office = getattr(user, "office", None)
    return user.is_authenticated and office is not None and not office.is_city and user.has_role(*OFFICE_STAFF)


def can_return(user) -> bool:
    return user.is_authenticated and user.sees_all_offices


def can_set_targets(user) -> bool:
    return user.is_authenticated and user.sees_all_offices
