"""The peer reviewer scores what they can read (issue 13 §5): from the score sheet, the sampled case's
file — outcome, progress log, closure materials — read-only, each opening on the record."""

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from quality.services import peer_review
from tests.quality.factories import closed_case, sample_of


def _review(personas):
    case = closed_case(personas)
    review = peer_review.assign_reviewer(
        sample_of(personas, case), reviewer=personas[(Role.PEER_REVIEWER, "yuncheng")], by=personas["city"]
    )
    return case, review


def test_the_reviewer_opens_the_case_file_from_the_score_sheet_and_each_view_is_audited(client, personas):
    case, review = _review(personas)
    reviewer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    client.force_login(reviewer)
    sheet = client.get(f"/staff/quality/reviews/{review.pk}/").content.decode()
    url = f"/staff/quality/reviews/{review.pk}/case-file/"
    assert f'href="{url}">查阅案卷</a>' in sheet

    page = client.get(url).content.decode()
    assert case.number in page
    assert "会见受援人。" in page  # the progress log
    assert "胜诉。" in page  # the outcome
    material = case.closure_materials.get()
    assert f'href="{url}materials/{material.pk}/">判决书.pdf</a>' in page
    assert "<form" not in page.split("<main")[1]  # read-only: nothing to post
    client.get(url)
    views = AuditEntry.objects.filter(action=AuditAction.VIEW_FILE, actor=reviewer, object_id=str(case.pk))
    assert views.count() == 2

    response = client.get(f"{url}materials/{material.pk}/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert views.count() == 3


def test_another_reviewer_cannot_open_the_file(client, personas):
    case, review = _review(personas)
    client.force_login(personas[(Role.PEER_REVIEWER, "yunnan")])
    assert client.get(f"/staff/quality/reviews/{review.pk}/case-file/").status_code == 404
    material = case.closure_materials.get()
    url = f"/staff/quality/reviews/{review.pk}/case-file/materials/{material.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(personas[(Role.HANDLER, "luoding")])
    assert client.get(f"/staff/quality/reviews/{review.pk}/case-file/").status_code == 403
