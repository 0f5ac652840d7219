"""Build cases through the domain services (STYLE practice 10), never by raw ORM writes."""

from __future__ import annotations

import itertools
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Office, Role
from applications.identity import id_check_character
from applications.models import Application, EconomicBasis, MatterCategory
from applications.services import submit_application
from cases import services
from cases.models import Case, CaseState, Handler, HandlerKind, LawFirm, ProgressKind, TerminationGround
from tests.files import PDF

_serial = itertools.count(1)


def pdf(name: str = "判决书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def id_number(birth_date: date, *, male: bool = True) -> str:
    sequence = next(_serial) % 500 * 2 + (1 if male else 0)
    first17 = f"445381{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def make_application(
    *,
    office: str = "luoding",
    category: str = MatterCategory.CIVIL,
    birth_date: date = date(1980, 5, 17),
    name: str = "张三",
) -> Application:
    """An application routed to `office` (its authority sits there), as the online form saves it."""
    code = Office.objects.get(slug=office).code
    data = {
        "applicant_name": name,
        "id_number": id_number(birth_date),
        "birth_date": birth_date,
        "sex": "男",
        "phone": "13800138000",
        "household_address": "广东省罗定市罗城街道",
        "residence": "445381",
        "category": category,
        "summary": "讨要工资。",
        "opponent": "",
        "authority_name": "",
        "authority_location": code,
        "economic_basis": EconomicBasis.HARDSHIP,
        "integrity_pledge": True,
        "exemption_ground": None,
        "special_groups": [],
        "agent_name": "",
        "agent_relation": "",
        "agent_id_number": "",
    }
    return submit_application(data=data, uploads={}, receiving_office=None)


def reviewer_of(personas, office: str):
    return personas[(Role.REVIEWER, office)]


def open_approved(application: Application, *, by, today: date | None = None) -> Case:
    """准予 and the case it opens (in the decision's transaction)."""
    return services.approve(application, by=by, today=today)


def make_handler(user, *, years: int = 5, kind: str = HandlerKind.LAWYER) -> Handler:
    """A handler profile for `user` at their office; lawyers join a firm of that county."""
    existing = Handler.objects.filter(user=user).first()
    if existing:
        return existing
    today = timezone.localdate()
    firm = None
    if kind == HandlerKind.LAWYER:
        firm, _ = LawFirm.objects.get_or_create(
            name=f"广东{user.office.short_name}律师事务所", defaults={"office": user.office}
        )
    return Handler.objects.create(
        user=user,
        kind=kind,
        license_number=f"1445320{next(_serial):010d}" if kind == HandlerKind.LAWYER else "",
        licensed_since=date(today.year - years, today.month, min(today.day, 28))
        if kind == HandlerKind.LAWYER
        else None,
        law_firm=firm,
        office=user.office,
    )


def make_case(
    personas,
    *,
    office: str = "luoding",
    state: str = CaseState.AWAITING_ASSIGNMENT,
    category: str = MatterCategory.CIVIL,
    birth_date: date = date(1980, 5, 17),
    handler_user=None,
    name: str = "张三",
) -> Case:
    """A case of `office` driven through the services to `state`."""
    reviewer = reviewer_of(personas, office)
    application = make_application(office=office, category=category, birth_date=birth_date, name=name)
    case = open_approved(application, by=reviewer)
    if state == CaseState.AWAITING_ASSIGNMENT:
        return case
    if state == CaseState.TERMINATED:
        ground = TerminationGround.objects.get(item=6)
        return services.terminate(case, ground=ground, reason="受援人自行委托律师。", by=reviewer)
    handler = make_handler(handler_user or personas[(Role.HANDLER, office)])
    case = services.assign(case, handler=handler, by=reviewer)
    if state == CaseState.IN_PROGRESS:
        return case
    today = timezone.localdate()
    services.log_progress(case, kind=ProgressKind.MEETING, happened_on=today, note="会见受援人。", by=handler.user)
    case = services.submit_closure(
        case, method="judgment", matter_ended_on=today, summary="胜诉。", files=[pdf()], by=handler.user
    )
    if state == CaseState.CLOSURE_REVIEW:
        return case
    case = services.accept_closure(case, by=reviewer)
    if state == CaseState.CLOSED:
        return case
    return services.archive(case, by=reviewer)


def make_notified_case(personas, *, office: str = "luoding", state: str = CaseState.AWAITING_ASSIGNMENT) -> Case:
    """A case opened by a notice from the office's county court (第二十五条第一款第二项), through the
    notice service; with `state=in_progress` assigned to that office's handler persona."""
    from applications.models import KnownAuthority
    from cases import notices
    from cases.models import NoticeGround

    court = KnownAuthority.objects.filter(location=Office.objects.get(slug=office).code, kind="court").first()
    today = timezone.localdate()
    data = notices.NoticeData(
        organ=court,
        other_organ_name="",
        notice_number=f"法援通〔{today.year}〕{next(_serial)}号",
        notice_date=today,
        received_on=today,
        person_name="李四",
        person_id_number="",
        person_birth_date=date(1985, 6, 1),
        charge="故意伤害罪",
        stage="trial",
        ground=NoticeGround.objects.get(article="第二十五条第一款第二项"),
    )
    case = notices.register_notice(data, scan=pdf("通知书.pdf"), by=personas[(Role.CLERK, office)])
    if state == CaseState.AWAITING_ASSIGNMENT:
        return case
    handler = make_handler(personas[(Role.HANDLER, office)])
    return services.assign(case, handler=handler, by=reviewer_of(personas, office))
