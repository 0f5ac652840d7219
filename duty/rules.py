"""Who may do what with duty lawyers: small named rules that the workflow tables, services, views
and the permission matrix share. "Cannot see" is each model's `visible_to` (404); these answer
"cannot do" (403 or a refusal with a Chinese message)."""

from __future__ import annotations

from accounts.models import Role


def is_city_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.CITY_STAFF))


def can_keep_roster(user, office_id: int | None) -> bool:
    """The office reviewer keeps the office's duty roster and closes its days; city staff read it."""
    return user.is_authenticated and user.works_at(office_id, Role.REVIEWER)


def can_record_help(user) -> bool:
    """A duty lawyer records the help they gave: a signed-in handler on an office's roster of handlers."""
    return user.is_authenticated and user.has_role(Role.HANDLER) and getattr(user, "handler_profile", None) is not None


def can_edit_rates(user) -> bool:
    """Duty subsidy rates are set by the city, like the case subsidy rates (SPEC §5)."""
    return is_city_staff(user)


def can_mark_paid(user, office_id: int) -> bool:
    """City staff, or the reviewer (office head) of the duty office, mark a duty subsidy paid."""
    return is_city_staff(user) or (user.is_authenticated and user.works_at(office_id, Role.REVIEWER))
