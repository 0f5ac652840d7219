"""Who may do what with an application: small named rules that the workflow table, the views and the
permission matrix share. "Cannot see" is `Application.objects.visible_to` (404); these answer "cannot
do" (403, or a refused move)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import OFFICE_STAFF, Role

if TYPE_CHECKING:
    from applications.models import Application


def can_register_walk_in(user) -> bool:
    """A clerk registers a walk-in application for any county; the 受理点 is their own office."""
    return user.is_authenticated and user.office_id is not None and user.has_role(Role.CLERK)


def can_handle_materials(user, application: Application) -> bool:
    """The responsible office's staff, and the receiving office's clerk, check and take in materials."""
    return user.is_authenticated and (
        user.works_at(application.responsible_office_id, *OFFICE_STAFF)
        or user.works_at(application.receiving_office_id, Role.CLERK)
    )


def can_take_in_supplement(user, application: Application) -> bool:
    """The applicant (on /track/, not signed in) or any office's clerk (the applicant goes to one
    office once, 市域通办), besides those who handle the application's materials."""
    return not user.is_authenticated or can_register_walk_in(user) or can_handle_materials(user, application)


def can_check_supplement(user, application: Application) -> bool:
    """The responsible office checks a 补正 reply: complete (the clock runs again) or not
    (未按要求补正，视为撤回)."""
    return user.is_authenticated and user.works_at(application.responsible_office_id, *OFFICE_STAFF)


def can_withdraw(user, application: Application) -> bool:
    """The applicant withdraws on /track/ (not signed in); at a window, the staff who handle the
    application's materials record it."""
    return not user.is_authenticated or can_handle_materials(user, application)


def can_decide(user, application: Application) -> bool:
    """The responsible office's reviewer decides (准予 / 不予, 第四十三条)."""
    return user.is_authenticated and user.works_at(application.responsible_office_id, Role.REVIEWER)


def can_reroute(user, application: Application) -> bool:
    """Staff of the responsible or the receiving office correct where an application is handled."""
    return user.is_authenticated and (
        user.works_at(application.responsible_office_id, *OFFICE_STAFF)
        or user.works_at(application.receiving_office_id, *OFFICE_STAFF)
    )


def can_mark_urgent(user, application: Application) -> bool:
    return can_reroute(user, application)


def can_assign_provisionally(user, application: Application) -> bool:
    """先行提供 (第四十四条): the reviewer who will decide names the handler who acts before the decision."""
    return can_decide(user, application)


def can_record_objection(user, application: Application) -> bool:
    """The deciding office takes the applicant's objection in and sends it to its 司法局."""
    return user.is_authenticated and user.works_at(application.responsible_office_id, *OFFICE_STAFF)


def can_decide_objection(user, application: Application) -> bool:
    """A 司法局审核人 of the bureau that set up the deciding office records its decision (第四十九条);
    never the deciding office's own staff."""
    return user.is_authenticated and user.decides_objections_of(application.responsible_office_id)
