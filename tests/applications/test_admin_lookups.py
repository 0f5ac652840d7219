"""The admin cannot be used to confirm a guessed ID number or phone (issue 10, item 7): the fields it
hides are refused as changelist filters, on their own and through a relation."""

import pytest

from tests.applications.factories import submit

CHANGELIST = "/admin/applications/application/"


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


@pytest.mark.parametrize(
    "query",
    [
        "id_number={id_number}",
        "id_number__startswith={prefix}",
        "id_number__endswith=123X",
        "id_number__iexact={id_number}",
        "phone=13800005678",
        "phone__startswith=138",
        "phone__contains=5678",
        "agent_id_number__isnull=False",
        "agent_id_number__gt=0",
    ],
)
def test_hidden_personal_fields_cannot_filter_the_application_changelist(admin_client, query):
    application = submit()
    response = admin_client.get(
        f"{CHANGELIST}?" + query.format(id_number=application.id_number, prefix=application.id_number[:10])
    )
    assert response.status_code == 400
    assert application.number.encode() not in response.content


def test_personal_fields_cannot_be_reached_through_a_relation(admin_client):
    application = submit()
    for path in (
        f"/admin/cases/case/?application__id_number={application.id_number}",
        "/admin/cases/case/?application__phone__startswith=138",
    ):
        assert admin_client.get(path).status_code == 400, path


def test_the_filters_the_admin_offers_still_work(admin_client):
    application = submit()
    response = admin_client.get(f"{CHANGELIST}?status=pending_review&category=labour")
    assert response.status_code == 200
    assert application.number in response.content.decode()
    assert admin_client.get(f"{CHANGELIST}?q={application.number}").status_code == 200
