"""Duty URLs for the permission matrix. Objects belong to 罗定: a roster day today with
`handler-luoding` (a lawyer) on duty at 罗定市看守所, one person helped, and — for the pay row — the
day closed with its subsidy computed."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from tests.permissions import Persona, StaffUrl, roles

OWNER = "luoding"
CASE_READERS = (Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.CITY_STAFF)
RECORD_READERS = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)


def _shift(personas):
    from tests.duty.factories import on_duty, record

    shift = on_duty(personas, on=timezone.localdate(), office=OWNER)
    record(personas, shift, "李四")
    return shift


def _day(personas) -> str:
    return f"/staff/duty/days/{_shift(personas).day_id}/"


def _close(personas) -> str:
    return f"/staff/duty/days/{_shift(personas).day_id}/close/"


def _empty_shift(personas) -> str:
    from tests.duty.factories import on_duty

    shift = on_duty(personas, on=timezone.localdate() + timedelta(days=1), office=OWNER)
    return f"/staff/duty/shifts/{shift.pk}/remove/"


def _subsidy(personas) -> str:
    from duty import services
    from duty.models import DutySubsidy

    shift = _shift(personas)
    services.close_day(shift.day, by=personas[(Role.REVIEWER, OWNER)])
    return f"/staff/duty/subsidies/{DutySubsidy.objects.get(shift=shift).pk}/pay/"


def _record_form(personas) -> str:
    from tests.duty.factories import duty_lawyer

    duty_lawyer(personas, OWNER)  # only 罗定's handler account is on a roster of handlers
    return "/staff/duty/record/"


def record_form(persona: Persona) -> int:
    """The duty lawyer (a handler with a handler profile) only; the admin is no duty lawyer."""
    if persona.is_anonymous:
        return 302
    return 200 if persona.role == Role.HANDLER and persona.office == OWNER else 403


def reviewers_of_any_office(persona: Persona) -> int:
    """安排值班: each office's reviewer keeps their own roster; the admin belongs to no office."""
    if persona.is_anonymous:
        return 302
    return 200 if persona.role == Role.REVIEWER else 403


def owner_scope(*, office_staff: int, lawyer: int, city: int, admin: int, roles_allowed=CASE_READERS):
    """An object of 罗定: its clerks/reviewers get `office_staff`, other counties' 404; its duty
    lawyer `lawyer`, other handlers 404; city staff `city`; roles outside `roles_allowed` 403."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key == "admin":
            return admin
        if persona.role not in roles_allowed:
            return 403
        if persona.role == Role.CITY_STAFF:
            return city
        if persona.office != OWNER:
            return 404
        return lawyer if persona.role == Role.HANDLER else office_staff

    return expect


def close_post(persona: Persona) -> int:
    """关闭值班日: 罗定's reviewer (302); 罗定's clerk, city staff and the admin may read but not close (403)."""
    expect = owner_scope(office_staff=403, lawyer=403, city=403, admin=403, roles_allowed=RECORD_READERS)(persona)
    if persona.role == Role.REVIEWER and persona.office == OWNER:
        return 302
    return expect


def remove_post(persona: Persona) -> int:
    if persona.is_anonymous:
        return 302
    if persona.key == "admin":
        return 403
    if persona.role != Role.REVIEWER:
        return 403
    return 302 if persona.office == OWNER else 404


def pay_post(persona: Persona) -> int:
    if persona.is_anonymous or persona.key in ("admin", "city"):
        return 302
    if persona.role != Role.REVIEWER:
        return 403
    return 302 if persona.office == OWNER else 404


def rates_post(persona: Persona) -> int:
    if persona.is_anonymous or persona.key in ("admin", "city"):
        return 302
    return 403


def _rate_data() -> dict:
    return {"unit": "person", "amount": "30", "effective_from": timezone.localdate().isoformat()}


ROWS = [
    StaffUrl("duty-records", "/staff/duty/", roles(*CASE_READERS)),
    StaffUrl("duty-record-day", _record_form, record_form),
    StaffUrl("duty-roster", "/staff/duty/roster/", roles(*CASE_READERS)),
    StaffUrl("duty-shift-new", "/staff/duty/roster/new/", reviewers_of_any_office),
    StaffUrl("duty-day", _day, owner_scope(office_staff=200, lawyer=200, city=200, admin=200)),
    StaffUrl(
        "duty-day-close-get",
        _close,
        owner_scope(office_staff=405, lawyer=403, city=405, admin=405, roles_allowed=RECORD_READERS),
    ),
    StaffUrl("duty-day-close", _close, close_post, method="post"),
    StaffUrl("duty-shift-remove", _empty_shift, remove_post, method="post"),
    StaffUrl("duty-subsidies", "/staff/duty/subsidies/", roles(*CASE_READERS)),
    StaffUrl(
        "duty-subsidy-pay",
        _subsidy,
        pay_post,
        method="post",
        data=lambda: {"paid_on": timezone.localdate().isoformat()},
    ),
    StaffUrl("duty-rates", "/staff/duty/rates/", roles(*RECORD_READERS)),
    StaffUrl("duty-rates-add", "/staff/duty/rates/", rates_post, method="post", data=_rate_data),
]
