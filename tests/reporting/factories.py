"""Applications at chosen moments, made through the intake services (time-machine sets the clock)."""

from datetime import date, datetime, time

import time_machine
from django.utils import timezone

from accounts.models import Office, Role
from applications import services
from applications.models import Application
from cases import services as case_services
from tests.applications.factories import make_id_number, submit

_serial = iter(range(1, 1_000_000))


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def receive(when: datetime, *, responsible: str, at: str | None, personas, **overrides) -> Application:
    """An application received at office `at` (slug; None = online) for office `responsible` (slug);
    `overrides` are further form values (e.g. the economic basis)."""
    offices = {office.slug: office for office in Office.objects.all()}
    clerk = personas[(Role.CLERK, at)] if at else None
    serial = next(_serial)
    with time_machine.travel(when, tick=False):
        return submit(
            receiving_office=offices[at] if at else None,
            by=clerk,
            authority_name="",
            authority_location=offices[responsible].code,
            id_number=make_id_number(
                sequence=f"{serial % 1000:03d}", birth=date(1970 + serial % 30, 1 + serial % 12, 1 + serial % 28)
            ),
            **overrides,
        )


def approve(application: Application, day: date, personas) -> Application:
    reviewer = personas[(Role.REVIEWER, application.responsible_office.slug)]
    with time_machine.travel(local(day, 15), tick=False):
        case_services.approve(application, by=reviewer, today=day)
        application.refresh_from_db()
        return application


def refuse(application: Application, day: date, personas) -> Application:
    reviewer = personas[(Role.REVIEWER, application.responsible_office.slug)]
    with time_machine.travel(local(day, 15), tick=False):
        return services.refuse(application, reason="经济状况不符合条件。", by=reviewer, today=day)


def approved(
    *, received_on: date, decided_on: date, responsible: str, at: str | None, personas, **overrides
) -> Application:
    application = receive(local(received_on), responsible=responsible, at=at, personas=personas, **overrides)
    return approve(application, decided_on, personas)


def notified(*, received_on: date, organ_office: str, at: str, serial: int, personas):
    """A case opened on `received_on` by a notice from the court of `organ_office`'s county (slug),
    registered by a clerk of office `at` (slug)."""
    from applications.models import KnownAuthority
    from cases import notices
    from cases.models import NoticeGround
    from tests.cases.factories import pdf

    court = KnownAuthority.objects.get(location=Office.objects.get(slug=organ_office).code, kind="court")
    data = notices.NoticeData(
        organ=court,
        other_organ_name="",
        notice_number=f"法援通〔{received_on.year}〕{serial + 1}号",
        notice_date=received_on,
        received_on=received_on,
        person_name="王五",
        person_id_number="",
        person_birth_date=date(1980, 1, 1),
        charge="诈骗罪",
        stage="trial",
        ground=NoticeGround.objects.get(article="第二十五条第一款第四项"),
    )
    with time_machine.travel(local(received_on, 16), tick=False):
        return notices.register_notice(data, scan=pdf("通知书.pdf"), by=personas[(Role.CLERK, at)])


def stored_tallies() -> dict[tuple, int]:
    """The monthly aggregate as stored: {(figure, office id, month): value}, and the decisions' days as
    {("days", office id, month, days): decisions}; a row taken back to 0 (a reroute, a reopened
    refusal) is left out, as a recount has none."""
    from tallies.models import DecisionTime, MonthlyTally

    return {(row.figure, row.office_id, row.month): row.value for row in MonthlyTally.objects.exclude(value=0)} | {
        ("days", row.office_id, row.month, row.days): row.decisions for row in DecisionTime.objects.exclude(decisions=0)
    }


def recounted_tallies(*years: int) -> dict[tuple, int]:
    """The same, counted afresh from the events of `years` (`reporting.counting.recounted_tallies`)."""
    from reporting.counting import recounted_tallies as recount
    from tallies.services import Decision

    office_ids = list(Office.objects.values_list("pk", flat=True))
    return {
        ("days", tally.office_id, tally.on, tally.days)
        if isinstance(tally, Decision)
        else (str(tally.figure), tally.office_id, tally.on): tally.value
        for year in years
        for tally in recount(office_ids=office_ids, year=year)
    }
