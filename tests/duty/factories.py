"""Build duty data through the services (STYLE practice 10)."""

from __future__ import annotations

from datetime import date

from accounts.models import Office, Role
from cases.models import Handler, HandlerKind
from duty import services
from duty.models import DutyShift, HalfDay, HelpKind, Stage, Workstation
from tests.cases.factories import make_handler


def station(office: str = "luoding", kind: str = "看守所") -> Workstation:
    return Workstation.objects.get(office__slug=office, kind__name=kind)


def duty_lawyer(personas, office: str = "luoding", *, kind: str = HandlerKind.LAWYER) -> Handler:
    return make_handler(personas[(Role.HANDLER, office)], kind=kind)


def on_duty(
    personas,
    *,
    on: date,
    office: str = "luoding",
    kind: str = "看守所",
    lawyer: Handler | None = None,
    half_day: str = HalfDay.FULL_DAY,
) -> DutyShift:
    """A shift put on the roster by the office's reviewer."""
    return services.add_shift(
        office=Office.objects.get(slug=office),
        on=on,
        workstation=station(office, kind),
        lawyer=lawyer or duty_lawyer(personas, office),
        half_day=half_day,
        by=personas[(Role.REVIEWER, office)],
    )


def kinds(*names: str) -> list[int]:
    return list(HelpKind.objects.filter(name__in=names).values_list("pk", flat=True))


def person(name: str = "李四", *, id_number: str = "", stage: str = Stage.INVESTIGATION, help=("法律咨询",)):
    return services.Person(person_name=name, id_number=id_number, stage=stage, kinds=kinds(*help))


def record(personas, shift: DutyShift, *names: str, today: date | None = None):
    """The shift's lawyer records a list of people helped on the shift's day."""
    return services.record_day(
        helped_on=shift.day.date,
        workstation=shift.workstation,
        people=[person(name) for name in (names or ("李四",))],
        by=shift.lawyer.user,
        today=today,
    )
