"""法律援助法 第二十六条: a case that may bring life imprisonment or death AND a 死刑复核 need a lawyer of
≥ 3 years' practice — one rule (`Case.needs_senior_lawyer`) for notified and applied-for cases.
刑事诉讼法 第二百八十六条: the seal's default reads the suspect's age at the time of the offence
(涉嫌犯罪时间), not the applicant's age when applying."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, MatterCategory
from cases import services
from cases.models import CaseState, HandlerKind
from tests.cases.factories import make_application, make_case, make_handler, open_approved

pytestmark = pytest.mark.django_db


def test_lal_26_a_death_penalty_review_needs_a_lawyer_with_three_years(personas, make_user):
    case = make_case(personas, category=MatterCategory.CRIMINAL)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    junior = make_handler(make_user("junior", Role.HANDLER, office="luoding"), years=2)
    staff = make_handler(make_user("staffer", Role.HANDLER, office="luoding"), kind=HandlerKind.STAFF)
    senior = make_handler(make_user("senior", Role.HANDLER, office="luoding"), years=3)
    for handler in (junior, staff):
        with pytest.raises(ValidationError, match="死刑复核案件，须指派具有三年以上执业经历的律师"):
            services.assign(case, handler=handler, death_penalty_review=True, by=reviewer)
    services.assign(case, handler=senior, death_penalty_review=True, by=reviewer)
    case.refresh_from_db()
    assert case.death_penalty_review and case.needs_senior_lawyer and case.state == CaseState.IN_PROGRESS


def test_lal_26_the_assignment_form_offers_the_death_penalty_review(client, personas):
    case = make_case(personas, category=MatterCategory.CRIMINAL)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "死刑复核案件（须指派三年以上执业经历的律师）" in client.get(f"/staff/cases/{case.pk}/").content.decode()


def _criminal_application(*, born: date, offence_date: date | None) -> Application:
    application = make_application(category=MatterCategory.CRIMINAL, birth_date=born)
    Application.objects.filter(pk=application.pk).update(offence_date=offence_date)
    return Application.objects.get(pk=application.pk)


def test_criminal_procedure_286_the_seal_reads_the_age_at_the_offence(personas):
    today = timezone.localdate()
    born = date(today.year - 19, 1, 10)  # an adult when applying…
    offence = date(today.year - 2, 6, 1)  # …but 16 or 17 when the offence was committed
    application = _criminal_application(born=born, offence_date=offence)
    assert services.is_sealed_matter(application)
    case = open_approved(application, by=personas[(Role.REVIEWER, "luoding")])
    assert case.is_sealed


def test_criminal_procedure_286_an_adult_at_the_offence_is_not_sealed_by_default(personas):
    today = timezone.localdate()
    born = date(today.year - 30, 1, 10)
    application = _criminal_application(born=born, offence_date=today - timedelta(days=30))
    assert not services.is_sealed_matter(application)


def test_the_offence_date_is_asked_on_the_form(client):
    assert "涉嫌犯罪时间" in client.get("/apply/").content.decode()


def test_criminal_procedure_286_a_notified_suspect_is_sealed_by_the_age_at_the_offence(client, personas):
    from cases.models import Case, NoticeGround
    from tests.cases.test_notices import post

    today = timezone.localdate()
    ground = NoticeGround.objects.filter(concerns_minor=False, needs_senior_lawyer=False, compulsory_medical=False)
    born = date(today.year - 19, 1, 10)  # an adult now, 16 or 17 at the offence
    response = post(
        client,
        personas[(Role.CLERK, "luoding")],
        ground=ground.first().pk,
        person_birth_date=born.isoformat(),
        offence_date=date(today.year - 2, 6, 1).isoformat(),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.is_sealed and case.notice.offence_date == date(today.year - 2, 6, 1)
