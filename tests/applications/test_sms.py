"""The applicant is told of 受理, 补正 and 不予 by text message (issue 13 §1): each message is in the
outbox with the move, says what the person needs (number, office, what to do by when, the objection
route, the office phone) and never carries the ID number."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Office, Role
from applications import services
from deadlines import calendar
from notifications.models import MessageKind, OutboxMessage
from notifications.services import messages_about
from tests.applications.factories import make_id_number, submit

RECEIVED = date(2026, 6, 1)  # a Monday with no holiday near it


@pytest.fixture
def application(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        return submit()


def only(application, kind) -> OutboxMessage:
    return messages_about(application).get(kind=kind)


def test_submission_tells_the_number_the_office_and_the_decision_date(application):
    message = only(application, MessageKind.RECEIVED)
    assert message.recipient == application.phone == "13800005678"
    due = calendar.add_days(RECEIVED, 7)
    assert message.text == (
        f"您的法律援助申请已收到，申请编号{application.number}，由罗定市法律援助处办理，"
        f"将于{due.year}年{due.month}月{due.day}日（含当日）前作出是否给予法律援助的决定，"
        "可凭申请编号和身份证号后六位在网上查询进度。咨询电话0766-3712348。"
    )


def test_a_walk_in_for_another_county_names_the_responsible_office(personas):
    clerk = personas[(Role.CLERK, "yuncheng")]
    application = submit(receiving_office=Office.objects.get(slug="yuncheng"), by=clerk)
    text = only(application, MessageKind.RECEIVED).text
    assert "由罗定市法律援助处办理" in text and "云城区" not in text


def test_the_supplement_notice_lists_what_is_missing_and_the_reply_date(application, personas):
    supplement = services.request_supplement(
        application, items=["身份证复印件", "工资欠条"], note="", by=personas[(Role.CLERK, "luoding")], today=RECEIVED
    )
    text = only(application, MessageKind.SUPPLEMENT).text
    due = supplement.reply_due_on
    assert "需补正以下材料：身份证复印件；工资欠条。" in text
    assert f"请于{due.year}年{due.month}月{due.day}日（含当日）前" in text
    assert "逾期未补正的，视为撤回申请" in text


def test_a_refusal_gives_the_reason_and_the_bureau_to_object_to(application, personas):
    services.refuse(application, reason="家庭经济状况不符合经济困难标准。", by=personas[(Role.REVIEWER, "luoding")])
    text = only(application, MessageKind.REFUSED).text
    assert "罗定市法律援助处决定不予法律援助" in text and application.number in text
    assert "理由：家庭经济状况不符合经济困难标准。" in text
    assert "如有异议，可向罗定市司法局提出，罗定市司法局自收到异议之日起五日内审查。" in text


def test_a_long_reason_is_shortened_and_points_to_the_letter(application, personas):
    reason = "经审查，" + "申请人提交的材料不能证明其经济困难。" * 10
    services.refuse(application, reason=reason, by=personas[(Role.REVIEWER, "luoding")])
    text = only(application, MessageKind.REFUSED).text
    assert "……（详见不予法律援助决定书）" in text
    assert len(text) < 200


def test_no_message_ever_carries_the_full_id_number(application, personas):
    # Even when a reviewer types one into the reason.
    other = make_id_number(sequence="777")
    services.refuse(
        application, reason=f"申请人与{other}系同一事项的重复申请。", by=personas[(Role.REVIEWER, "luoding")]
    )
    for message in OutboxMessage.objects.all():
        assert application.id_number not in message.text
        assert other not in message.text
    assert f"{other[:6]}********{other[-4:]}" in only(application, MessageKind.REFUSED).text


def test_a_refused_move_writes_no_message(application, personas):
    with pytest.raises(ValidationError):
        services.refuse(application, reason="  ", by=personas[(Role.REVIEWER, "luoding")])
    assert not messages_about(application).filter(kind=MessageKind.REFUSED).exists()
