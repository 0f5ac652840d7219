"""Sealed records (刑事诉讼法 第二百八十六条): a default from the applicant's age on opening, confirmed or
corrected by the office's reviewer, who knows whether the applicant is the suspect."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role, User
from applications.identity import IdNumber, id_check_character
from applications.models import MatterCategory
from audit.models import AuditAction, AuditEntry
from cases import services
from cases.models import Case, CaseState
from core.transitions import TransitionError
from tests.cases.factories import make_case

pytestmark = pytest.mark.django_db


def years_ago(years: int, *, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)


def visible(user, case) -> bool:
    return Case.objects.visible_to(User.objects.get(pk=user.pk)).filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("category", "birth_date", "sealed"),
    [
        (MatterCategory.CRIMINAL, years_ago(16), True),
        (MatterCategory.CRIMINAL, years_ago(30), False),
        (MatterCategory.CIVIL, years_ago(16), False),
    ],
)
def test_the_default_reads_the_applicants_age_on_the_application_date(personas, category, birth_date, sealed):
    assert make_case(personas, category=category, birth_date=birth_date).is_sealed is sealed


def test_an_applicant_applying_on_the_18th_birthday_is_still_under_18():
    """最高法 未成年人刑事案件解释 第二条: a 周岁 is reached the day after the birthday."""
    today = timezone.localdate()
    born = today.replace(year=today.year - 18) if (today.month, today.day) != (2, 29) else date(today.year - 18, 3, 1)
    first17 = f"445381{born:%Y%m%d}001"
    applicant = SimpleNamespace(
        category=MatterCategory.CRIMINAL,
        received_at=timezone.now(),
        id_card=IdNumber(first17 + id_check_character(first17)),
        offence_date=None,  # not known: the day of application is the default's best guess
    )
    assert services.is_sealed_matter(applicant)
    applicant.received_at = timezone.now() + timedelta(days=1)
    assert not services.is_sealed_matter(applicant)


def test_a_reviewer_lifts_the_seal_of_a_minor_victims_case(personas):
    """A minor victim applied (a criminal matter, applicant under 18): nothing to seal."""
    reviewer = personas[(Role.REVIEWER, "luoding")]
    case = make_case(personas, category=MatterCategory.CRIMINAL, birth_date=years_ago(15))
    assert case.is_sealed and not visible(personas["city"], case)
    services.set_seal(case, sealed=False, reason="申请人系被害人，非涉罪未成年人", by=reviewer)
    case.refresh_from_db()
    assert not case.is_sealed and visible(personas["city"], case)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="cases.Case", object_id=str(case.pk))
    assert (entry.from_state, entry.to_state, entry.actor_username) == ("封存", "不封存", "reviewer-luoding")
    assert "申请人系被害人" in entry.note and "更正" in entry.note


def test_a_reviewer_seals_the_case_of_a_minor_suspect_whose_parent_applied(personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    case = make_case(personas, category=MatterCategory.CRIMINAL, state=CaseState.IN_PROGRESS)
    assert not case.is_sealed and visible(personas["city"], case)
    services.set_seal(case, sealed=True, reason="犯罪嫌疑人系申请人之子，犯罪时16周岁", by=reviewer)
    case.refresh_from_db()
    assert case.is_sealed and not visible(personas["city"], case)
    assert visible(personas[(Role.HANDLER, "luoding")], case)
    # A confirmation is audited too.
    services.set_seal(case, sealed=True, reason="复核无误", by=reviewer)
    notes = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk), object_type="cases.Case")
    assert [entry.note.split("：")[0] for entry in notes.order_by("pk")][-2:] == [
        "更正涉罪未成年人记录封存",
        "确认涉罪未成年人记录封存",
    ]


def test_only_the_offices_reviewer_may_decide_with_a_reason(personas):
    case = make_case(personas, category=MatterCategory.CRIMINAL)
    for outsider in (
        personas[(Role.CLERK, "luoding")],
        personas[(Role.REVIEWER, "yunan")],
        personas["city"],
        personas[(Role.HANDLER, "luoding")],
    ):
        with pytest.raises(PermissionDenied):
            services.set_seal(case, sealed=True, reason="理由", by=outsider)
    with pytest.raises(ValidationError, match="理由"):
        services.set_seal(case, sealed=True, reason=" ", by=personas[(Role.REVIEWER, "luoding")])
    civil = make_case(personas)
    with pytest.raises(TransitionError, match="刑事案件"):
        services.set_seal(civil, sealed=True, reason="理由", by=personas[(Role.REVIEWER, "luoding")])
    case.refresh_from_db()
    assert not case.is_sealed


def test_the_case_page_offers_the_checkbox_and_saves_it(client, personas):
    case = make_case(personas, category=MatterCategory.CRIMINAL, birth_date=years_ago(16))
    url = f"/staff/cases/{case.pk}/seal/"
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert "涉罪未成年人记录封存" not in client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(personas[(Role.REVIEWER, "yunan")])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "涉罪未成年人记录封存" in client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "seal_form_reason" in response.content.decode()
    response = client.post(url, {"reason": "申请人系被害人"})  # the box unticked: not sealed
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_sealed
    civil = make_case(personas)
    assert f'action="/staff/cases/{civil.pk}/seal/"' not in client.get(f"/staff/cases/{civil.pk}/").content.decode()
