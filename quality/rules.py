"""Who may do what in the quality app: small named rules that views, services and templates ask.

"Cannot see" is the scoping querysets' business (404); these answer "cannot do" (403 or a refusal).
"""

from __future__ import annotations

from accounts.models import Role

OFFICE_ROLES = (Role.CLERK, Role.REVIEWER)
READER_ROLES = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)


def is_city_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.CITY_STAFF))


def can_draw_sample(user) -> bool:
    return is_city_staff(user)


def can_assign_reviewer(user) -> bool:
    return is_city_staff(user)


def can_edit_reference_data(user) -> bool:
    """Score sheets, subsidy rates and coefficients are set by the city (SPEC §5)."""
    return is_city_staff(user)


def can_record_for_office(user, office_id: int | None) -> bool:
    """回访 and 宣传 are recorded by the office's own clerks and reviewers."""
    return (
        user.is_authenticated and office_id is not None and user.office_id == office_id and user.has_role(*OFFICE_ROLES)
    )


def can_mark_paid(user, office_id: int) -> bool:
    """City staff, or the reviewer (office head) of the case's office, mark a subsidy paid."""
    return is_city_staff(user) or (user.office_id == office_id and user.has_role(Role.REVIEWER))
