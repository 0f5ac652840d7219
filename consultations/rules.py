"""Who may do what with the registers. "Cannot see" is `visible_to` (404); these answer "cannot do"."""

from __future__ import annotations

from accounts.models import Role


def can_register(user) -> bool:
    """The registers are kept by the office's clerks (the walk-in window takes the consultations)."""
    return user.is_authenticated and user.office_id is not None and user.has_role(Role.CLERK)


def can_convert(user, consultation) -> bool:
    """转为申请: a clerk of the consultation's office, while it has not become an application."""
    return (
        user.is_authenticated
        and user.works_at(consultation.office_id, Role.CLERK)
        and consultation.application_id is None
    )
