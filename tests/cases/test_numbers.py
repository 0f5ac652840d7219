"""Case numbers: per office, year and type, gap-free, from the locked counter (STYLE practice 7)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Office, Role
from applications.models import Application, MatterCategory
from cases import services
from cases.models import Case, CaseType
from core.models import NumberSequence
from core.transitions import TransitionError
from tests.cases.factories import make_application, make_case, open_approved


@pytest.mark.django_db
def test_numbers_run_per_office_and_type(personas):
    year = timezone.localdate().year
    first = make_case(personas, office="luoding")
    second = make_case(personas, office="luoding")
    criminal = make_case(personas, office="luoding", category=MatterCategory.CRIMINAL)
    elsewhere = make_case(personas, office="yuncheng")
    city = make_case(personas, office="city", category=MatterCategory.LABOUR)
    assert first.number == f"（{year}）罗定法援民字第0001号"
    assert second.number == f"（{year}）罗定法援民字第0002号"
    assert criminal.number == f"（{year}）罗定法援刑字第0001号"
    assert elsewhere.number == f"（{year}）云城法援民字第0001号"
    assert city.number == f"（{year}）云法援劳字第0001号"
    assert NumberSequence.objects.get(kind="case", scope="445381-民", year=year).last_value == 2


@pytest.mark.django_db
def test_the_type_character_is_reference_data(personas):
    CaseType.objects.filter(code=MatterCategory.STATE_COMPENSATION).update(char="国赔")
    case = make_case(personas, category=MatterCategory.STATE_COMPENSATION)
    assert "法援国赔字第0001号" in case.number


@pytest.mark.django_db
def test_only_an_approved_application_opens_a_case_and_only_once(personas):
    application = make_application()
    with pytest.raises(TransitionError):
        services.open_case(application, by=personas[(Role.REVIEWER, "luoding")])
    case = open_approved(application, by=personas[(Role.REVIEWER, "luoding")])
    with pytest.raises(TransitionError, match="已经立案"):
        services.open_case(Application.objects.get(pk=application.pk), by=personas[(Role.REVIEWER, "luoding")])
    assert Case.objects.get() == case


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "birth_date", "sealed"),
    [
        (MatterCategory.CRIMINAL, "minor", True),
        (MatterCategory.CRIMINAL, "adult", False),
        (MatterCategory.CIVIL, "minor", False),
    ],
)
def test_a_criminal_case_of_a_minor_is_sealed(personas, category, birth_date, sealed):
    today = timezone.localdate()
    born = date(today.year - 16, 1, 1) if birth_date == "minor" else date(today.year - 30, 1, 1)
    case = make_case(personas, category=category, birth_date=born)
    assert case.is_sealed is sealed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_concurrent_approvals_give_gap_free_numbers_per_office(reference_data, personas):
    offices = ["luoding", "yuncheng", "xinxing"]
    applications = [make_application(office=offices[n % 3]) for n in range(30)]
    barrier = threading.Barrier(len(applications))
    errors: list[BaseException] = []

    def approve_one(application: Application) -> None:
        try:
            barrier.wait(timeout=30)
            office = application.responsible_office.slug
            open_approved(application, by=personas[(Role.REVIEWER, office)])
        except BaseException as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve_one, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    for slug in offices:
        serials = sorted(Case.objects.filter(office__slug=slug).values_list("serial", flat=True))
        assert serials == list(range(1, 11)), slug
    assert Case.objects.values("number").distinct().count() == 30
    connection.close()


@pytest.mark.django_db
def test_spec_4_city_office_case_number_abbreviation_is_yun(personas):
    """SPEC §4: the city office numbers its cases （2026）云法援民字第0001号, not 「市」."""
    year = timezone.localdate().year
    case = make_case(personas, office="city")
    assert case.number == f"（{year}）云法援民字第0001号"


@pytest.mark.django_db
def test_case_number_abbreviation_is_editable_and_leaves_issued_numbers_alone(personas):
    year = timezone.localdate().year
    first = make_case(personas, office="luoding")
    Office.objects.filter(slug="luoding").update(case_number_abbreviation="罗")
    second = make_case(personas, office="luoding")
    first.refresh_from_db()
    assert first.number == f"（{year}）罗定法援民字第0001号"
    assert second.number == f"（{year}）罗法援民字第0002号"
