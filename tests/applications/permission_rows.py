"""Intake URLs for the permission matrix. The object is a 罗定 matter received at 云城's window."""

from django.utils import timezone

from accounts.models import Office, Role
from applications import services
from applications.models import Material
from tests.applications.factories import pdf, service_data
from tests.permissions import Persona, StaffUrl, office_object, roles

OWNER, RECEIVER = "luoding", "yuncheng"


def cross_county_application(personas):
    return services.submit_application(
        data=service_data(),
        uploads={"identity": [pdf()]},
        receiving_office=Office.objects.get(slug=RECEIVER),
        by=personas[(Role.CLERK, RECEIVER)],
    )


def refused_application(personas):
    application = cross_county_application(personas)
    return services.refuse(application, reason="不符合条件", by=personas[(Role.REVIEWER, OWNER)])


def urgent_application(personas):
    application = cross_county_application(personas)
    return services.mark_urgent(application, ground="preservation", by=personas[(Role.CLERK, OWNER)])


def with_supplement(personas):
    application = cross_county_application(personas)
    services.request_supplement(application, items=["身份证"], note="", by=personas[(Role.CLERK, OWNER)])
    return application


def replied(personas):
    application = with_supplement(personas)
    services.receive_supplement(application, files=[pdf()])
    return application


def _objection(personas):
    application = refused_application(personas)
    return services.register_objection(
        application, reasons="有异议", received_on=application.decided_on, by=personas[(Role.REVIEWER, OWNER)]
    )


def _decided_objection(personas):
    objection = _objection(personas)
    return services.decide_objection(
        objection,
        outcome="upheld",
        note="",
        decided_on=objection.received_on,
        by=personas[(Role.BUREAU_REVIEWER, OWNER)],
        document=pdf("决定书.pdf"),
    )


def acting(*allowed: tuple[str, Role], success: int, gate: tuple[Role, ...] = (Role.CLERK, Role.REVIEWER)) -> callable:
    """A move on the object. Roles outside the view's `gate` get 403 before anything is looked up;
    then staff of offices that cannot see the object get 404; `allowed` (office, role) pairs succeed
    with `success`; everyone else who can see it gets 403."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key != "admin" and persona.role not in gate:
            return 403
        if (persona.office, persona.role) in allowed:
            return success
        if persona.key == "admin":
            return 403  # the administrator belongs to no office and decides nothing
        if persona.role in (Role.CLERK, Role.REVIEWER) and persona.office not in (OWNER, RECEIVER):
            return 404
        if persona.role == Role.BUREAU_REVIEWER and persona.office != OWNER:
            return 404  # another county's 司法局 cannot see the objection
        return 403

    return expect


def clerk_at_an_office(persona: Persona) -> int:
    """Only a clerk registers walk-ins: the 受理点 is their own office, so the administrator may not."""
    if persona.is_anonymous:
        return 302
    return 200 if persona.role == Role.CLERK else 403


def handlers_see_only_their_own(expect):
    """A page handlers may open for the application of a case assigned to them: others' answer 404."""

    def expect_with_handlers(persona: Persona) -> int:
        if persona.role == Role.HANDLER:
            return 404
        return expect(persona)

    return expect_with_handlers


def case_application(personas):
    """An approved application whose case is assigned to the owner's handler persona."""
    from cases import services as case_services
    from tests.cases.factories import make_handler

    application = cross_county_application(personas)
    case = case_services.approve(application, by=personas[(Role.REVIEWER, OWNER)])
    handler = make_handler(personas[(Role.HANDLER, OWNER)])
    case_services.assign(case, handler=handler, by=personas[(Role.REVIEWER, OWNER)])
    return application


def provisional_application(personas):
    """An urgent application whose owner's handler persona acts before the decision (第四十四条)."""
    from cases import services as case_services
    from tests.cases.factories import make_handler

    application = urgent_application(personas)
    handler = make_handler(personas[(Role.HANDLER, OWNER)])
    return case_services.assign_provisionally(application, handler=handler, by=personas[(Role.REVIEWER, OWNER)])


def its_handler_reads(persona: Persona) -> int:
    if persona.role == Role.HANDLER:
        return 200 if persona.office == OWNER else 404
    return office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER), readers=(RECEIVER,), bureau_reads=True)(persona)


def _detail(path: str, factory=cross_county_application):
    return lambda personas: path.format(pk=factory(personas).pk)


# Pages the 司法局审核人 may open too: 404 for them unless an objection of their bureau's office is on it.
READ = office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER), readers=(RECEIVER,), bureau_reads=True)
READ_OBJECTED = office_object(
    OWNER, acting=(Role.CLERK, Role.REVIEWER), readers=(RECEIVER,), bureau_reads=True, objected=True
)

ROWS = [
    StaffUrl("applications-queue", "/staff/applications/", roles(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)),
    StaffUrl("applications-walk-in", "/staff/applications/new/", clerk_at_an_office),
    StaffUrl("applications-supplement-drop", "/staff/applications/supplement-drop/", roles(Role.CLERK)),
    StaffUrl(
        "applications-detail",
        _detail("/staff/applications/{pk}/"),
        handlers_see_only_their_own(READ),
    ),
    StaffUrl(
        "applications-detail-objected",
        lambda personas: f"/staff/applications/{_objection(personas).application_id}/",
        handlers_see_only_their_own(READ_OBJECTED),
    ),
    StaffUrl(
        "applications-detail-of-a-case", _detail("/staff/applications/{pk}/", case_application), its_handler_reads
    ),
    StaffUrl(
        "applications-detail-provisional",
        _detail("/staff/applications/{pk}/", provisional_application),
        its_handler_reads,
    ),
    StaffUrl(
        "applications-receipt",
        _detail("/staff/applications/{pk}/receipt/"),
        handlers_see_only_their_own(office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER), readers=(RECEIVER,))),
    ),
    StaffUrl(
        "applications-material",
        lambda personas: f"/staff/materials/{Material.objects.get(application=cross_county_application(personas)).pk}/",
        handlers_see_only_their_own(READ),
    ),
    StaffUrl(
        "applications-material-of-a-case",
        lambda personas: f"/staff/materials/{Material.objects.get(application=case_application(personas)).pk}/",
        its_handler_reads,
    ),
    StaffUrl(
        "applications-supplement-form",
        _detail("/staff/applications/{pk}/supplement/"),
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), (RECEIVER, Role.CLERK), success=200),
    ),
    StaffUrl(
        "applications-supplement-notice",
        _detail("/staff/applications/{pk}/supplement/notice/", with_supplement),
        handlers_see_only_their_own(office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER), readers=(RECEIVER,))),
    ),
    StaffUrl(
        "applications-approve",
        _detail("/staff/applications/{pk}/approve/"),
        acting((OWNER, Role.REVIEWER), success=302, gate=(Role.REVIEWER,)),
        method="post",
        data={"confirmed": "1"},  # the second step (the first answers 200 with the question)
    ),
    StaffUrl(
        "applications-refuse",
        _detail("/staff/applications/{pk}/refuse/"),
        acting((OWNER, Role.REVIEWER), success=302, gate=(Role.REVIEWER,)),
        method="post",
        data={"reason": "不符合法律援助条件", "confirmed": "1"},
    ),
    StaffUrl(
        "applications-urgent",
        _detail("/staff/applications/{pk}/urgent/"),
        acting(*[(o, r) for o in (OWNER, RECEIVER) for r in (Role.CLERK, Role.REVIEWER)], success=302),
        method="post",
        data={"ground": "preservation"},
    ),
    StaffUrl(
        "applications-provisional-assign-form",
        _detail("/staff/applications/{pk}/provisional-assign/", urgent_application),
        # 先行提供 (第四十四条): the reviewer who decides names the handler who acts first.
        acting((OWNER, Role.REVIEWER), success=200, gate=(Role.REVIEWER,)),
    ),
    StaffUrl(
        "applications-provisional-assign",
        _detail("/staff/applications/{pk}/provisional-assign/", urgent_application),
        # No handler chosen: whoever may assign gets the form back with its error (400).
        acting((OWNER, Role.REVIEWER), success=400, gate=(Role.REVIEWER,)),
        method="post",
    ),
    StaffUrl(
        "applications-reroute",
        _detail("/staff/applications/{pk}/reroute/"),
        # No office chosen: whoever may re-route gets the form back with its error (400).
        acting(*[(o, r) for o in (OWNER, RECEIVER) for r in (Role.CLERK, Role.REVIEWER)], success=400),
        method="post",
        data={"reason": "事由发生地在新兴县"},
    ),
    StaffUrl(
        "applications-transfer-out",
        _detail("/staff/applications/{pk}/transfer-out/"),
        acting((OWNER, Role.REVIEWER), success=302, gate=(Role.REVIEWER,)),
        method="post",
        data={"destination": "广州市法律援助处", "confirmed": "1"},
    ),
    StaffUrl(
        "applications-receive-supplement",
        _detail("/staff/applications/{pk}/supplement/receive/", with_supplement),
        # No file sent: whoever may take materials in gets the form back with its error (400).
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), (RECEIVER, Role.CLERK), success=400),
        method="post",
    ),
    StaffUrl(
        "applications-confirm-supplement",
        _detail("/staff/applications/{pk}/supplement/confirm/", replied),
        # The responsible office checks the reply (第四十三条); the receiving window only takes it in.
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), success=302),
        method="post",
    ),
    StaffUrl(
        "applications-reject-supplement",
        _detail("/staff/applications/{pk}/supplement/reject/", replied),
        # No reason given: whoever may check gets the form back with its error (400).
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), success=400),
        method="post",
    ),
    StaffUrl(
        "applications-withdraw",
        _detail("/staff/applications/{pk}/withdraw/"),
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), (RECEIVER, Role.CLERK), success=302),
        method="post",
        data={"reason": "已与对方和解", "confirmed": "1"},
    ),
    StaffUrl(
        "applications-objection",
        _detail("/staff/applications/{pk}/objection/", refused_application),
        acting((OWNER, Role.CLERK), (OWNER, Role.REVIEWER), success=302),
        method="post",
        data=lambda: {"reasons": "确属经济困难", "received_on": timezone.localdate().isoformat()},
    ),
    StaffUrl(
        "applications-decide-objection",
        lambda personas: f"/staff/objections/{_objection(personas).pk}/decide/",
        # 法律援助法 第四十九条: the 司法局 that set up the office decides, never the office's staff.
        acting((OWNER, Role.BUREAU_REVIEWER), success=302, gate=(Role.BUREAU_REVIEWER,)),
        method="post",
        data=lambda: {
            "outcome": "upheld",
            "decided_on": timezone.localdate().isoformat(),
            "note": "",
            "document": pdf("决定书.pdf"),
        },
    ),
    StaffUrl(
        "applications-objection-document",
        lambda personas: f"/staff/objections/{_decided_objection(personas).pk}/document/",
        READ_OBJECTED,
    ),
    StaffUrl(
        "applications-letter",
        _detail("/staff/applications/{pk}/letters/refusal/", refused_application),
        handlers_see_only_their_own(READ),
    ),
]
