"""A /track/ lookup ends when the citizen says so (结束查询) and lapses after ten minutes (issue 10, item 3)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from applications import services
from tests.applications.factories import pdf, submit


@pytest.fixture
def looked_up(client, personas):
    """An application waiting for 补正, just looked up: its notice is one of the lookup's pages."""
    application = submit()
    services.request_supplement(application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")])
    response = client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    assert response["Location"] == "/track/status/"
    return application


def test_the_status_page_offers_to_end_the_lookup(client, looked_up):
    page = client.get("/track/status/").content.decode()
    assert "结束查询" in page
    assert 'action="/track/end/"' in page


def test_ending_the_lookup_forgets_the_application(client, looked_up):
    assert client.get("/track/letters/supplement/").status_code == 200
    response = client.post("/track/end/", follow=True)
    assert response.redirect_chain[-1][0] == "/track/"
    assert "已结束查询" in response.content.decode()
    assert client.get("/track/status/")["Location"] == "/track/"
    assert client.get("/track/letters/supplement/").status_code == 404
    # The receipt page of a fresh online application is forgotten too.
    assert client.get("/apply/submitted/").status_code == 404


def test_ending_is_post_only(client, looked_up):
    assert client.get("/track/end/").status_code == 405
    assert client.get("/track/status/").status_code == 200


def test_the_lookup_lapses_after_ten_minutes(client, looked_up, settings):
    assert settings.LEGALAID_TRACK_LOOKUP_MINUTES == 10
    now = timezone.now()
    with time_machine.travel(now + timedelta(minutes=9, seconds=50), tick=False):
        assert client.get("/track/status/").status_code == 200
        assert client.get("/track/letters/supplement/").status_code == 200
    with time_machine.travel(now + timedelta(minutes=10, seconds=30), tick=False):
        response = client.get("/track/status/", follow=True)
        assert response.redirect_chain[-1][0] == "/track/"
        assert "查询已超过10分钟，已自动结束，请重新查询" in response.content.decode()
        # Every page of the lookup is closed, not only the status page.
        assert client.get("/track/letters/supplement/").status_code == 404


def test_a_lapsed_lookup_does_not_take_an_upload(client, looked_up):
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = client.post("/track/supplement/", {"files": [pdf("身份证.pdf")]})
    assert response["Location"] == "/track/"
    assert looked_up.materials.count() == 0
