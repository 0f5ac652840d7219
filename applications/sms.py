"""The text messages an applicant gets about their application (issue 13 §1): 受理, 补正 and 不予.

Composed here, where those events happen, and put in the outbox by the service that makes the move,
in its transaction (`notifications.services.enqueue`). Short and plain: the application number, who
handles it, what to do by when (「X（含当日）前」, deadlines.wording) and the office's phone; never the
ID number (the outbox masks one that a free-text reason might carry).
"""

from __future__ import annotations

from applications.models import Application, SupplementRequest
from deadlines.wording import deadline
from notifications.models import MessageKind
from notifications.services import enqueue

# A refusal's reason is free text; the letter holds all of it, the message its beginning.
REASON_LENGTH = 60


def objection_route(office) -> str:
    """法律援助法 第四十九条: the 司法局 that set up the office decides an objection within five days."""
    bureau = office.justice_bureau
    return f"如有异议，可向{bureau}提出，{bureau}自收到异议之日起五日内审查。"


def shortened(text: str, *, letter: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_LENGTH else f"{text[:REASON_LENGTH]}……（详见{letter}）"


def received_text(application: Application) -> str:
    office = application.responsible_office
    due = application.decision_due_on  # stored as it was received
    decision = f"将于{deadline(due)}作出是否给予法律援助的决定，" if due is not None else ""
    return (
        f"您的法律援助申请已收到，申请编号{application.number}，由{office.name}办理，{decision}"
        f"可凭申请编号和身份证号后六位在网上查询进度。咨询电话{office.phone}。"
    )


def supplement_text(supplement: SupplementRequest) -> str:
    application = supplement.application
    office = application.responsible_office
    return (
        f"您的法律援助申请{application.number}需补正以下材料：{'；'.join(supplement.items)}。"
        f"请于{deadline(supplement.reply_due_on)}到任一法律援助机构提交，或凭申请编号在网上查询页上传；"
        f"逾期未补正的，视为撤回申请。咨询电话{office.phone}。"
    )


def refused_text(application: Application) -> str:
    office = application.responsible_office
    reason = shortened(application.decision_reason, letter="不予法律援助决定书")
    return (
        f"{office.name}决定不予法律援助（申请编号{application.number}），理由：{reason}。"
        f"{objection_route(office)}咨询电话{office.phone}。"
    )


def notify_received(application: Application) -> None:
    enqueue(recipient=application.phone, text=received_text(application), kind=MessageKind.RECEIVED, about=application)


def notify_supplement(supplement: SupplementRequest) -> None:
    application = supplement.application
    enqueue(
        recipient=application.phone, text=supplement_text(supplement), kind=MessageKind.SUPPLEMENT, about=application
    )


def notify_refused(application: Application) -> None:
    enqueue(recipient=application.phone, text=refused_text(application), kind=MessageKind.REFUSED, about=application)
