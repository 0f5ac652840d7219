"""The recipient is told of 准予, 指派, 终止 and 结案 by text message (issue 13 §1)."""

from accounts.models import Role
from cases import services
from cases.models import CaseState, TerminationGround
from notifications.models import MessageKind, OutboxMessage
from notifications.services import messages_about
from tests.cases.factories import make_case, make_handler


def only(case, kind) -> OutboxMessage:
    return messages_about(case).get(kind=kind)


def test_approval_gives_the_case_number_and_the_office_phone(personas):
    case = make_case(personas)
    text = only(case, MessageKind.APPROVED).text
    assert text == (
        f"罗定市法律援助处决定给予您法律援助（申请编号{case.application.number}），案号{case.number}。"
        "指派承办人后将另行短信告知承办人姓名。咨询电话0766-3712348。"
    )
    assert only(case, MessageKind.APPROVED).recipient == case.application.phone


def test_assignment_names_the_handler_and_a_change_says_so(personas):
    handler_user = personas[(Role.HANDLER, "luoding")]
    handler_user.first_name = "李明"  # as seed_demo names people: the whole name in one field
    handler_user.save(update_fields=["first_name"])
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    text = only(case, MessageKind.ASSIGNED).text
    assert f"您的法律援助案件{case.number}已指派承办人李明（广东罗定律师事务所），承办人将与您联系。" in text
    assert "咨询电话0766-3712348" in text

    other = make_handler(personas[(Role.CLERK, "luoding")], kind="staff")
    services.assign(case, handler=other, reason="原承办人回避。", by=personas[(Role.REVIEWER, "luoding")])
    latest = messages_about(case).filter(kind=MessageKind.ASSIGNED).order_by("-pk").first()
    assert f"的承办人已变更为{other.user.display_name}（罗定市法律援助处）" in latest.text


def test_termination_cites_the_ground_and_the_objection_route(personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    text = only(case, MessageKind.TERMINATED).text
    ground = TerminationGround.objects.get(item=6)
    assert f"依据法律援助法第四十八条第一款第六项：{ground.name}。" in text
    assert "如有异议，可向罗定市司法局提出" in text


def test_closure_is_told_once_the_office_accepts_it(personas):
    case = make_case(personas, state=CaseState.CLOSURE_REVIEW)
    assert not messages_about(case).filter(kind=MessageKind.CLOSED).exists()  # submitted is not closed
    case = services.accept_closure(case, by=personas[(Role.REVIEWER, "luoding")])
    assert only(case, MessageKind.CLOSED).text == (
        f"您的法律援助案件{case.number}已结案。对承办服务有意见或建议，请致电罗定市法律援助处0766-3712348。"
    )


def test_a_whole_case_never_texts_the_id_number(personas):
    case = make_case(personas, state=CaseState.ARCHIVED)
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {MessageKind.RECEIVED, MessageKind.APPROVED, MessageKind.ASSIGNED, MessageKind.CLOSED}
    assert all(case.application.id_number not in text for text in OutboxMessage.objects.values_list("text", flat=True))


def test_a_notified_case_sends_no_text_message(personas):
    """The person of a notice has no mobile on file (often in custody): the organ is told by the 公函."""
    from cases.models import CaseState
    from notifications.models import OutboxMessage
    from tests.cases.factories import make_notified_case

    make_notified_case(personas, state=CaseState.IN_PROGRESS)
    assert not OutboxMessage.objects.exists()
