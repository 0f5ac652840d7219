"""The 短信记录 page: city staff follow what the outbox sent, holds and failed to send."""

import pytest
from django.db import transaction

from accounts.models import Role
from notifications.models import OutboxMessage, OutboxState
from notifications.tasks import send_sms
from tests.applications.factories import make_id_number, submit
from tests.notifications.fakes import FakeGateway


def test_city_staff_see_each_message_with_the_number_masked(client, personas, sent_sms):
    application = submit()
    client.force_login(personas["city"])
    page = client.get("/staff/sms/").content.decode()
    assert application.number in page and "138****5678" in page and "13800005678" not in page
    assert "待发送" in page


def test_a_failed_message_shows_why(client, personas, sent_sms, settings):
    settings.SMS_MAX_ATTEMPTS = 1
    FakeGateway.failures = ["isv.MOBILE_NUMBER_ILLEGAL 号码格式错误"]
    submit()
    send_sms.call(OutboxMessage.objects.get().pk)
    client.force_login(personas["city"])
    page = client.get("/staff/sms/?state=failed").content.decode()
    assert page.count('data-testid="sms-row"') == 1
    assert "发送失败" in page and "号码格式错误" in page and "已尝试 1 次" in page
    assert client.get("/staff/sms/?state=sent").content.decode().count('data-testid="sms-row"') == 0


def test_county_staff_may_not_read_the_city_outbox(client, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get("/staff/sms/").status_code == 403


def test_the_page_is_get_only(client, personas):
    client.force_login(personas["city"])
    assert client.post("/staff/sms/").status_code == 405


@pytest.mark.parametrize("how_many", [1, 6])
def test_the_query_count_is_pinned(client, personas, django_assert_num_queries, how_many):
    with transaction.atomic():
        for n in range(how_many):
            submit(id_number=make_id_number(sequence=f"{n + 500:03d}"))
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() == how_many
    client.force_login(personas["city"])
    # session · user · roles · count · the page of messages · the user's office (navigation) · session
    # refresh (savepoint, update, release: the idle timeout)
    with django_assert_num_queries(9):
        response = client.get("/staff/sms/")
    assert response.content.decode().count('data-testid="sms-row"') == how_many
