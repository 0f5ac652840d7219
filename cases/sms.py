"""The text messages a legal-aid recipient gets about their case (issue 13 §1): 准予 (with the case
number), 指派 (the handler's name), 终止 (the ground and the objection route) and 结案.

Composed here and put in the outbox by the service that makes the move, in its transaction; see
applications.sms for the 受理, 补正 and 不予 messages and the rules they share.
"""

from __future__ import annotations

from applications.sms import objection_route
from cases.models import Case, Handler
from notifications.models import MessageKind
from notifications.services import enqueue


def handler_text(handler: Handler) -> str:
    where = handler.law_firm.name if handler.law_firm else handler.office.name
    return f"{handler.user.display_name}（{where}）"


def approved_text(case: Case) -> str:
    office = case.office
    then = f"承办人：{handler_text(case.handler)}。" if case.handler else "指派承办人后将另行短信告知承办人姓名。"
    number = case.application.number if case.application else ""
    return f"{office.name}决定给予您法律援助（申请编号{number}），案号{case.number}。{then}咨询电话{office.phone}。"


def assigned_text(case: Case, *, reassigned: bool = False) -> str:
    office, handler = case.office, case.handler
    if handler is None:
        raise ValueError(f"case {case.number} has no handler to announce")
    what = "的承办人已变更为" if reassigned else "已指派承办人"
    return f"您的法律援助案件{case.number}{what}{handler_text(handler)}，承办人将与您联系。咨询电话{office.phone}。"


def terminated_text(case: Case) -> str:
    office, ground = case.office, case.termination_ground
    if ground is None:
        raise ValueError(f"case {case.number} was terminated without a ground")
    return (
        f"{office.name}决定终止对您的法律援助（案号{case.number}），依据{ground.basis}。"
        f"{objection_route(office)}咨询电话{office.phone}。"
    )


def closed_text(case: Case) -> str:
    office = case.office
    return f"您的法律援助案件{case.number}已结案。对承办服务有意见或建议，请致电{office.name}{office.phone}。"


def _enqueue(case: Case, text: str, kind: MessageKind) -> None:
    if case.application is None:
        return  # opened by a notice: the person is in custody with no mobile on file; the organ gets the 公函
    enqueue(recipient=case.application.phone, text=text, kind=kind, about=case)


def notify_approved(case: Case) -> None:
    _enqueue(case, approved_text(case), MessageKind.APPROVED)


def notify_assigned(case: Case, *, reassigned: bool = False) -> None:
    _enqueue(case, assigned_text(case, reassigned=reassigned), MessageKind.ASSIGNED)


def notify_terminated(case: Case) -> None:
    _enqueue(case, terminated_text(case), MessageKind.TERMINATED)


def notify_closed(case: Case) -> None:
    _enqueue(case, closed_text(case), MessageKind.CLOSED)
