"""Register URLs for the permission matrix. The consultation belongs to 罗定 (its clerk registered it)."""

from django.utils import timezone

from accounts.models import Role
from tests.permissions import Persona, StaffUrl, office_object, roles

OWNER = "luoding"
RECORD_READERS = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)


def _consultation(personas):
    from consultations import services

    return services.register_consultation(
        channel="visit",
        consulted_on=timezone.localdate(),
        category="labour",
        summary="被拖欠工资。",
        name="陈大文",
        by=personas[(Role.CLERK, OWNER)],
    )


def _detail(personas) -> str:
    return f"/staff/consultations/{_consultation(personas).pk}/"


def _convert(personas) -> str:
    return f"/staff/consultations/{_consultation(personas).pk}/convert/"


def convert_post(persona: Persona) -> int:
    """转为申请: 罗定's clerk (302 to the walk-in form); other clerks 404; the admin may see it but is no clerk."""
    if persona.is_anonymous:
        return 302
    if persona.key == "admin":
        return 403
    if persona.role != Role.CLERK:
        return 403
    return 302 if persona.office == OWNER else 404


ROWS = [
    StaffUrl("consultations", "/staff/consultations/", roles(*RECORD_READERS)),
    StaffUrl("consultation-new", "/staff/consultations/new/", roles(Role.CLERK)),
    StaffUrl("consultation", _detail, office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER))),
    StaffUrl("consultation-convert", _convert, convert_post, method="post"),
    StaffUrl("documents", "/staff/documents/", roles(*RECORD_READERS)),
    StaffUrl("document-new", "/staff/documents/new/", roles(Role.CLERK)),
]
