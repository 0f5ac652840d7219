"""Who sees which case (SPEC §4, STYLE practice 3): `Case.objects.visible_to` is the only scope."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import Role, User
from applications.models import MatterCategory
from cases.models import Case, CaseState
from tests.cases.factories import make_case

pytestmark = pytest.mark.django_db


def visible(user, case) -> bool:
    user = User.objects.get(pk=user.pk)  # fresh: roles and permissions are cached per object
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def test_office_staff_see_their_office_city_staff_all(personas):
    case = make_case(personas, office="luoding")
    assert visible(personas[(Role.CLERK, "luoding")], case)
    assert visible(personas[(Role.REVIEWER, "luoding")], case)
    assert visible(personas["city"], case)
    assert visible(personas["admin"], case)
    assert not visible(personas[(Role.REVIEWER, "yunan")], case)
    assert not visible(personas[(Role.CLERK, "city")], case)
    assert not visible(personas[(Role.PEER_REVIEWER, "luoding")], case)


def test_a_handler_sees_only_the_cases_assigned_to_them(personas):
    mine = make_case(personas, state=CaseState.IN_PROGRESS)
    unassigned = make_case(personas)
    handler = personas[(Role.HANDLER, "luoding")]
    assert visible(handler, mine)
    assert not visible(handler, unassigned)
    assert not visible(personas[(Role.HANDLER, "yunan")], mine)


@pytest.fixture
def sealed_case(personas):
    today = timezone.localdate()
    case = make_case(
        personas,
        category=MatterCategory.CRIMINAL,
        birth_date=today.replace(year=today.year - 16, day=1),
        state=CaseState.IN_PROGRESS,
    )
    assert case.is_sealed
    return case


def test_a_sealed_case_is_hidden_from_city_staff_and_other_offices(personas, sealed_case):
    """刑事诉讼法 第二百八十六条."""
    assert visible(personas[(Role.REVIEWER, "luoding")], sealed_case)
    assert visible(personas[(Role.CLERK, "luoding")], sealed_case)
    assert visible(personas[(Role.HANDLER, "luoding")], sealed_case)
    assert not visible(personas["city"], sealed_case)
    assert not visible(personas[(Role.REVIEWER, "yunan")], sealed_case)
    assert not visible(personas[(Role.HANDLER, "yunan")], sealed_case)


def test_the_dedicated_permission_opens_sealed_cases(personas, sealed_case):
    city = personas["city"]
    city.user_permissions.add(Permission.objects.get(codename="view_sealed_case"))
    assert visible(city, sealed_case)
    # The permission lifts the seal, not the office scope.
    other = personas[(Role.REVIEWER, "yunan")]
    other.user_permissions.add(Permission.objects.get(codename="view_sealed_case"))
    assert not visible(other, sealed_case)


def test_a_sealed_case_answers_404_to_city_staff(client, personas, sealed_case):
    client.force_login(personas["city"])
    assert client.get(f"/staff/cases/{sealed_case.pk}/").status_code == 404
    assert sealed_case.number not in client.get("/staff/cases/").content.decode()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get(f"/staff/cases/{sealed_case.pk}/").status_code == 200
