"""Case URLs for the permission matrix. The object is a 罗定 case assigned to `handler-luoding`.

Case pages answer 404 to whoever cannot see the case (another county's office staff, any handler it
is not assigned to) and 403 to roles that never see cases (peer reviewers) or may not make the move.
Action rows POST nothing: whoever may act gets the case page back with the form's errors (400).
"""

from datetime import date

from django.utils import timezone

from accounts.models import Role
from applications.models import MatterCategory
from cases import services
from cases.models import Case, CaseState, ClosureMaterial, TerminationGround
from tests.cases.factories import make_case, make_handler, make_notified_case, pdf
from tests.permissions import Persona, StaffUrl, roles

OWNER = "luoding"
CASE_ROLES = (Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.CITY_STAFF)


def _sees(persona: Persona) -> bool:
    if persona.key in ("admin", "city"):
        return True
    return persona.office == OWNER and persona.role in (Role.CLERK, Role.REVIEWER, Role.HANDLER)


def _gate(bureau: bool) -> tuple[Role, ...]:
    # Case pages admit the 司法局审核人 too; their scope shows them only cases objected to.
    return (*CASE_ROLES, Role.BUREAU_REVIEWER) if bureau else CASE_ROLES


def reading(allowed: int = 200, *, bureau: bool = True):
    """A page about the case: everyone who sees it gets `allowed` (405 for a GET on a POST-only URL)."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key != "admin" and persona.role not in _gate(bureau):
            return 403
        return allowed if _sees(persona) else 404

    return expect


def sealed_reading(persona: Persona) -> int:
    """A sealed juvenile record (刑事诉讼法 第二百八十六条): as `reading`, but city staff without
    `cases.view_sealed_case` get 404 like any other office (the administrator holds every permission)."""
    if persona.key == "city":
        return 404
    return reading()(persona)


def sealed_case(personas) -> str:
    today = timezone.localdate()
    case = make_case(
        personas,
        office=OWNER,
        state=CaseState.IN_PROGRESS,
        category=MatterCategory.CRIMINAL,
        birth_date=date(today.year - 16, 3, 1),
    )
    assert case.is_sealed
    return f"/staff/cases/{case.pk}/"


def notice_registrars(answer: int):
    """登记通知辩护: any office's clerk or reviewer (the administrator belongs to no office)."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key == "admin":
            return 403
        return answer if persona.role in (Role.CLERK, Role.REVIEWER) else 403

    return expect


def notified_case(path: str):
    def make(personas) -> str:
        case = make_notified_case(personas, office=OWNER, state=CaseState.IN_PROGRESS)
        return f"/staff/cases/{case.pk}/{path}"

    return make


def acting(*actors: Role):
    """A move on the case: these roles of the owning office (a handler: the assigned one) may make it."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key != "admin" and persona.role not in _gate(True):
            return 403
        if not _sees(persona):
            return 404
        return 400 if persona.office == OWNER and persona.role in actors else 403

    return expect


def bureau_decides(persona: Persona) -> int:
    """法律援助法 第四十九条: the 司法局 that set up the office (罗定市司法局) records the decision; the
    office's own staff see the case but may not (403); another bureau cannot see it (404)."""
    if persona.role == Role.BUREAU_REVIEWER:
        return 400 if persona.office == OWNER else 404
    return acting()(persona)


def objection_document(personas) -> str:
    url = objected(personas)
    case = Case.objects.get(pk=int(url.split("/")[3]))
    objection = services.decide_objection(
        case,
        outcome="upheld",
        note="",
        decided_on=timezone.localdate(),
        by=personas[(Role.BUREAU_REVIEWER, OWNER)],
        document=pdf(),
    )
    return f"/staff/cases/{case.pk}/objections/{objection.pk}/document/"


def reading_objected(persona: Persona) -> int:
    if persona.role == Role.BUREAU_REVIEWER:
        return 200 if persona.office == OWNER else 404
    return reading()(persona)


def case_in(state: str, path: str = ""):
    def make(personas) -> str:
        case = make_case(personas, office=OWNER, state=state)
        return f"/staff/cases/{case.pk}/{path}"

    return make


def terminated(personas) -> str:
    case = make_case(personas, office=OWNER, state=CaseState.IN_PROGRESS)
    ground = TerminationGround.objects.get(item=7)
    services.terminate(case, ground=ground, reason="受援人要求终止", by=personas[(Role.REVIEWER, OWNER)])
    return f"/staff/cases/{case.pk}/termination-letter/"


def closure_material(personas) -> str:
    case = make_case(personas, office=OWNER, state=CaseState.CLOSURE_REVIEW)
    return f"/staff/cases/{case.pk}/materials/{ClosureMaterial.objects.get(case=case).pk}/"


def objected(personas) -> str:
    url = terminated(personas)
    case_pk = int(url.split("/")[3])
    services.register_objection(
        Case.objects.get(pk=case_pk),
        reasons="不服终止决定",
        received_on=timezone.localdate(),
        by=personas[(Role.CLERK, OWNER)],
    )
    return f"/staff/cases/{case_pk}/objection/decide/"


def criminal_case(path: str):
    def make(personas) -> str:
        case = make_case(personas, office=OWNER, state=CaseState.IN_PROGRESS, category=MatterCategory.CRIMINAL)
        return f"/staff/cases/{case.pk}/{path}"

    return make


def roster_editor(*, owned: bool):
    """The roster's create (`owned=False`) and edit pages: the reviewer of the office (of the
    object's office when `owned`) gets 200. City staff read the roster only (403), as does the
    administrator, who has no office and uses the Django admin; clerks and reviewers of another
    office get 404 for an object; other roles 403."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key in ("admin", "city"):
            return 403
        if owned and persona.role in (Role.CLERK, Role.REVIEWER) and persona.office != OWNER:
            return 404
        return 200 if persona.role == Role.REVIEWER else 403

    return expect


def handler_edit(personas) -> str:
    return f"/staff/cases/handlers/{make_handler(personas[(Role.HANDLER, OWNER)]).pk}/edit/"


def law_firm_edit(personas) -> str:
    return f"/staff/cases/law-firms/{make_handler(personas[(Role.HANDLER, OWNER)]).law_firm_id}/edit/"


ROWS = [
    StaffUrl("cases-list", "/staff/cases/", roles(*CASE_ROLES)),
    StaffUrl("cases-handlers", "/staff/cases/handlers/", roles(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)),
    StaffUrl("cases-handler-new", "/staff/cases/handlers/new/", roster_editor(owned=False)),
    StaffUrl("cases-handler-new-post", "/staff/cases/handlers/new/", roster_editor(owned=False), method="post"),
    StaffUrl("cases-handler-edit", handler_edit, roster_editor(owned=True)),
    StaffUrl("cases-handler-edit-post", handler_edit, roster_editor(owned=True), method="post"),
    StaffUrl("cases-law-firm-new", "/staff/cases/law-firms/new/", roster_editor(owned=False)),
    StaffUrl("cases-law-firm-new-post", "/staff/cases/law-firms/new/", roster_editor(owned=False), method="post"),
    StaffUrl("cases-law-firm-edit", law_firm_edit, roster_editor(owned=True)),
    StaffUrl("cases-law-firm-edit-post", law_firm_edit, roster_editor(owned=True), method="post"),
    StaffUrl("cases-detail", case_in(CaseState.IN_PROGRESS), reading()),
    StaffUrl("cases-detail-sealed", sealed_case, sealed_reading),
    StaffUrl("cases-notice-new", "/staff/cases/notices/new/", notice_registrars(200)),
    # Nothing posted: whoever may register gets the form back with its errors.
    StaffUrl("cases-notice-new-post", "/staff/cases/notices/new/", notice_registrars(400), method="post"),
    StaffUrl("cases-notice-scan", notified_case("notice/scan/"), reading(bureau=False)),
    StaffUrl("cases-organ-letter", notified_case("letters/organ/"), reading(bureau=False)),
    StaffUrl("cases-termination-letter", terminated, reading()),
    StaffUrl("cases-closure-material", closure_material, reading()),
    StaffUrl("cases-assign-get", case_in(CaseState.IN_PROGRESS, "assign/"), reading(405)),
    StaffUrl("cases-assign", case_in(CaseState.IN_PROGRESS, "assign/"), acting(Role.REVIEWER), method="post"),
    StaffUrl(
        "cases-agreement",
        case_in(CaseState.IN_PROGRESS, "agreement/"),
        acting(Role.CLERK, Role.REVIEWER, Role.HANDLER),
        method="post",
    ),
    StaffUrl("cases-progress", case_in(CaseState.IN_PROGRESS, "progress/"), acting(Role.HANDLER), method="post"),
    StaffUrl("cases-matter-end", case_in(CaseState.IN_PROGRESS, "matter-end/"), acting(Role.HANDLER), method="post"),
    StaffUrl("cases-closure", case_in(CaseState.IN_PROGRESS, "closure/"), acting(Role.HANDLER), method="post"),
    StaffUrl(
        "cases-closure-accept-get", case_in(CaseState.CLOSURE_REVIEW, "closure/accept/"), reading(405, bureau=False)
    ),
    StaffUrl(
        "cases-closure-return",
        case_in(CaseState.CLOSURE_REVIEW, "closure/return/"),
        acting(Role.REVIEWER),
        method="post",
    ),
    StaffUrl("cases-archive-get", case_in(CaseState.CLOSED, "archive/"), reading(405)),
    StaffUrl(
        "cases-objection",
        lambda personas: terminated(personas).replace("termination-letter/", "objection/"),
        acting(Role.CLERK, Role.REVIEWER),
        method="post",
    ),
    StaffUrl("cases-objection-decide", objected, bureau_decides, method="post"),
    StaffUrl("cases-objection-document", objection_document, reading_objected),
    StaffUrl("cases-terminate", case_in(CaseState.IN_PROGRESS, "terminate/"), acting(Role.REVIEWER), method="post"),
    StaffUrl("cases-seal-get", criminal_case("seal/"), reading(405)),
    StaffUrl("cases-seal", criminal_case("seal/"), acting(Role.REVIEWER), method="post"),
]
