"""Quality URLs for the permission matrix. Objects belong to 罗定: a closed case sampled for review
and given to `peer_reviewer-yuncheng`, its subsidy, and a publicity activity of 罗定's clerk.
"""

from accounts.models import Role
from tests.permissions import Persona, StaffUrl, office_object, roles

OWNER = "luoding"
PEER = "yuncheng"
READERS = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)


def city_only(persona: Persona) -> int:
    if persona.is_anonymous:
        return 302
    return 200 if persona.key in ("admin", "city") else 403


def post_only_for_readers(persona: Persona) -> int:
    """GET on a POST-only URL: 405 once the role check is passed."""
    if persona.is_anonymous:
        return 302
    return 405 if persona.key == "admin" or persona.role in READERS else 403


def review_page(method: str):
    """The review's own reviewer scores it; city staff (and the admin) read it; other peer
    reviewers get 404; other roles 403."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key == "admin" or persona.role == Role.CITY_STAFF:
            return 200 if method == "get" else 403
        if persona.role != Role.PEER_REVIEWER:
            return 403
        return 200 if persona.office == PEER else 404

    return expect


def pay(persona: Persona) -> int:
    """登记发放: city staff and the owner office's reviewer (redirect back to the list, 302); other
    offices' reviewers 404; every other role 403."""
    if persona.is_anonymous or persona.key in ("admin", "city"):
        return 302
    if persona.role != Role.REVIEWER:
        return 403
    return 302 if persona.office == OWNER else 404


def _closed_case(personas):
    from tests.quality.factories import closed_case

    return closed_case(personas, office=OWNER)


def _sample(personas):
    from tests.quality.factories import sample_of

    return sample_of(personas, _closed_case(personas))


def sealed_sample(personas) -> str:
    """A criminal case drawn, then found to be a minor's and sealed by its office's reviewer."""
    from cases import services as case_services
    from tests.quality.factories import closed_case, sample_of

    case = closed_case(personas, office=OWNER, category="criminal")
    sample = sample_of(personas, case)
    case_services.set_seal(case, sealed=True, reason="作案时未满18周岁", by=personas[(Role.REVIEWER, OWNER)])
    return f"/staff/quality/samples/{sample.pk}/"


def sealed_office_object(persona: Persona) -> int:
    """The sealed sample: its office reads it; city staff without the permission get 404."""
    if persona.key == "city":
        return 404
    return office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER))(persona)


def draw(personas) -> str:
    return f"/staff/quality/draws/{_sample(personas).draw_id}/"


def sample(path: str = ""):
    def make(personas) -> str:
        return f"/staff/quality/samples/{_sample(personas).pk}/{path}"

    return make


def review(personas) -> str:
    from quality.services import peer_review

    review = peer_review.assign_reviewer(
        _sample(personas), reviewer=personas[(Role.PEER_REVIEWER, PEER)], by=personas["city"]
    )
    return f"/staff/quality/reviews/{review.pk}/"


def review_case_file(personas) -> str:
    return f"{review(personas)}case-file/"


def review_case_material(personas) -> str:
    from cases.models import ClosureMaterial

    path = review(personas)
    material = ClosureMaterial.objects.latest("pk")  # the closed case's own closure material
    return f"{path}case-file/materials/{material.pk}/"


def subsidy_pay(personas) -> str:
    from quality.services import subsidy as subsidy_services

    return f"/staff/quality/subsidies/{subsidy_services.compute_subsidy(_closed_case(personas)).pk}/pay/"


def subsidy_stage(personas) -> str:
    from quality.services import subsidy as subsidy_services

    return f"/staff/quality/subsidies/{subsidy_services.compute_subsidy(_closed_case(personas)).pk}/stage/"


def city_redirects(persona: Persona) -> int:
    """A city-only POST that answers with a redirect back to the list (an empty form adds a message)."""
    if persona.is_anonymous or persona.key in ("admin", "city"):
        return 302
    return 403


def _activity(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from quality.services import publicity
    from tests.files import PNG

    png = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    return publicity.record_publicity(
        held_on=timezone.localdate(),
        place="罗城街道",
        form="lecture",
        target_groups=[],
        people_reached=50,
        photos=[png],
        by=personas[(Role.CLERK, OWNER)],
    )


def activity(personas) -> str:
    return f"/staff/quality/publicity/{_activity(personas).pk}/"


def photo(personas) -> str:
    activity = _activity(personas)
    return f"/staff/quality/publicity/{activity.pk}/photos/{activity.photos.get().pk}/"


def sheet(personas) -> str:
    from quality.models import ScoreSheet

    return f"/staff/quality/sheets/{ScoreSheet.objects.get(category='civil').pk}/"


ROWS = [
    StaffUrl("quality-overview", "/staff/quality/", roles(*READERS)),
    StaffUrl("quality-draws", "/staff/quality/draws/", city_only),
    StaffUrl("quality-draws-post", "/staff/quality/draws/", city_only, method="post"),
    StaffUrl("quality-draw", draw, city_only),
    StaffUrl("quality-sample", sample(), office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER))),
    StaffUrl("quality-sample-sealed", sealed_sample, sealed_office_object),
    StaffUrl("quality-sample-assign-get", sample("assign/"), post_only_for_readers),
    StaffUrl("quality-sample-assign", sample("assign/"), office_object(OWNER, acting=()), method="post"),
    StaffUrl("quality-reviews", "/staff/quality/reviews/", roles(Role.PEER_REVIEWER, Role.CITY_STAFF)),
    StaffUrl("quality-review", review, review_page("get")),
    StaffUrl("quality-review-case-file", review_case_file, review_page("get")),
    StaffUrl("quality-review-case-material", review_case_material, review_page("get")),
    StaffUrl("quality-review-post", review, review_page("post"), method="post"),
    StaffUrl("quality-follow-ups", "/staff/quality/follow-ups/", roles(*READERS)),
    StaffUrl("quality-follow-up-new", "/staff/quality/follow-ups/new/", roles(Role.CLERK, Role.REVIEWER)),
    StaffUrl("quality-subsidies", "/staff/quality/subsidies/", roles(*READERS)),
    StaffUrl("quality-subsidy-pay", subsidy_pay, pay, method="post"),
    StaffUrl("quality-subsidy-stage", subsidy_stage, city_redirects, method="post"),
    StaffUrl("quality-rates", "/staff/quality/rates/", roles(*READERS)),
    StaffUrl("quality-rates-post", "/staff/quality/rates/", city_only, method="post"),
    StaffUrl("quality-sheets", "/staff/quality/sheets/", roles(Role.CITY_STAFF, Role.PEER_REVIEWER)),
    StaffUrl("quality-sheet-edit", sheet, city_only),
    StaffUrl("quality-publicity-list", "/staff/quality/publicity/", roles(*READERS)),
    StaffUrl("quality-publicity-new", "/staff/quality/publicity/new/", roles(Role.CLERK, Role.REVIEWER)),
    StaffUrl("quality-publicity", activity, office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER))),
    StaffUrl("quality-publicity-photo", photo, office_object(OWNER, acting=(Role.CLERK, Role.REVIEWER))),
]
