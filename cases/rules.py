"""Who may do what with a case: small named rules that the workflow table, the views and the
permission matrix share. "Cannot see" is `Case.objects.visible_to` (404); these answer "cannot do"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import OFFICE_STAFF, Role

if TYPE_CHECKING:
    from cases.models import Case


def _office_staff(user, case: Case, *roles: Role) -> bool:
    return user.is_authenticated and user.works_at(case.office_id, *roles)


def is_handler_of(user, case: Case) -> bool:
    return user.is_authenticated and case.handler is not None and case.handler.user_id == user.pk


def can_register_notice(user) -> bool:
    """Any office's clerk or reviewer registers a notice (登记通知辩护); it reaches the office where the
    notifying organ sits, as an application does (市域通办)."""
    return user.is_authenticated and user.office_id is not None and user.has_role(*OFFICE_STAFF)


def can_assign(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_record_agreement(user, case: Case) -> bool:
    return is_handler_of(user, case) or _office_staff(user, case, *OFFICE_STAFF)


def can_log_progress(user, case: Case) -> bool:
    return is_handler_of(user, case)


def can_submit_closure(user, case: Case) -> bool:
    return is_handler_of(user, case)


def can_review_closure(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_archive(user, case: Case) -> bool:
    return _office_staff(user, case, *OFFICE_STAFF)


def can_terminate(user, case: Case) -> bool:
    return _office_staff(user, case, Role.REVIEWER)


def can_record_objection(user, case: Case) -> bool:
    """The office takes the recipient's objection to 终止 in and sends it to its 司法局."""
    return _office_staff(user, case, *OFFICE_STAFF)


def can_decide_objection(user, case: Case) -> bool:
    """A 司法局审核人 of the bureau that set up the office records its decision on an objection to 终止
    (第四十九条); never the office's own staff."""
    return user.is_authenticated and user.decides_objections_of(case.office_id)


def can_set_seal(user, case: Case) -> bool:
    """The office's reviewer decides whether a record is sealed (刑事诉讼法 第二百八十六条)."""
    return _office_staff(user, case, Role.REVIEWER)


def can_manage_roster(user, office_id: int | None) -> bool:
    """The reviewer of an office keeps its law firms and handlers; city staff only read them, and the
    administrator uses the Django admin (they belong to no office)."""
    return user.is_authenticated and user.works_at(office_id, Role.REVIEWER)
