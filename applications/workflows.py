"""The moves of an application and of an objection to its refusal: one table each (issue 9 §3).

Services make the moves (`applications.services`); pages offer what `allowed` returns; `python
manage.py statecharts` draws them in docs/states.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from applications import rules
from applications.models import Application, BaseObjection, Objection, ObjectionOutcome, Status
from core.transitions import Move, Workflow

OPEN = (Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT)


def _no_earlier_notice(application: Application) -> str | None:
    if application.supplement_requests.exists():
        return "补正只能一次性告知；该申请已发出过补正通知。"
    return None


def _replied(application: Application) -> str | None:
    request = application.open_supplement_request()
    if request is None or request.replied_on is None:
        return "申请人尚未提交补正材料。"
    return None


def _unanswered(application: Application) -> str | None:
    # A reply waiting for the office's check is not "no reply": the office decides on it.
    request = application.open_supplement_request()
    if request is not None and request.replied_on is not None:
        return "申请人已提交补正材料，待承办机构核对。"
    return None


def _not_yet_urgent(application: Application) -> str | None:
    return "该申请已标记先行提供。" if application.is_urgent else None


def _provisional_aid_possible(application: Application) -> str | None:
    if not application.is_urgent:
        return "只有标记先行提供的申请才能在作出决定前指派承办人（法律援助法第四十四条）。"
    if application.has_provisional_aid:
        return "该申请已先行指派承办人。"
    return None


def _authority_outside_city(application: Application) -> str | None:
    return None if application.transfer_out_required else "办案机关不在云浮市外，无需转交。"


AFTER_UPHELD = "司法局已维持原决定，不能再次提出异议；对维持决定不服的，可以依法申请行政复议或者提起行政诉讼。"


def objection_refusal(objections: Iterable[BaseObjection]) -> str | None:
    """Why no objection may be filed now (第四十九条): one is still before the 司法局, or the 司法局
    upheld the decision — then the route goes on to 行政复议 / 行政诉讼, not to a second objection."""
    objections = list(objections)
    if any(objection.outcome == ObjectionOutcome.PENDING for objection in objections):
        return "已有尚未审查完毕的异议。"
    if any(objection.is_upheld for objection in objections):
        return AFTER_UPHELD
    return None


def _may_object(application: Application) -> str | None:
    return objection_refusal(application.objections.all())


APPLICATION_FLOW = Workflow(
    "application",
    model=Application,
    field="status",
    states=Status,
    initial=Status.PENDING_REVIEW,
    subject="申请",
    moves={
        "request_supplement": Move(
            "一次性告知补正",
            sources=[Status.PENDING_REVIEW],
            to=Status.AWAITING_SUPPLEMENT,
            who=rules.can_handle_materials,
            when=_no_earlier_notice,
        ),
        # A reply is taken in, not assumed complete: the office checks it (第四十三条).
        "receive_supplement": Move(
            "收到补正材料",
            sources=[Status.AWAITING_SUPPLEMENT],
            who=rules.can_take_in_supplement,
        ),
        "confirm_supplement": Move(
            "补正材料齐全，恢复审查",
            sources=[Status.AWAITING_SUPPLEMENT],
            to=Status.PENDING_REVIEW,
            who=rules.can_check_supplement,
            when=_replied,
        ),
        "reject_supplement": Move(
            "未按要求补正，视为撤回",
            sources=[Status.AWAITING_SUPPLEMENT],
            to=Status.WITHDRAWN,
            who=rules.can_check_supplement,
            when=_replied,
            confirm="视为撤回后该申请即告结束，不能撤回；申请人可以重新申请。",
        ),
        "expire_supplement": Move(
            "补正期限届满，视为撤回", sources=[Status.AWAITING_SUPPLEMENT], to=Status.WITHDRAWN, when=_unanswered
        ),
        "withdraw": Move(
            "撤回申请",
            sources=OPEN,
            to=Status.RETRACTED,
            who=rules.can_withdraw,
            confirm="撤回后该申请即告结束，不能恢复；申请人如仍需要法律援助，可以重新申请。",
        ),
        "approve": Move(
            "准予法律援助",
            sources=[Status.PENDING_REVIEW],
            to=Status.APPROVED,
            who=rules.can_decide,
            confirm="准予后即开立案件、编定案号，并以短信告知申请人；决定作出后不能撤回。",
        ),
        "refuse": Move(
            "不予法律援助",
            sources=[Status.PENDING_REVIEW],
            to=Status.REFUSED,
            who=rules.can_decide,
            confirm="不予决定作出后不能撤回：理由将以短信告知申请人，申请人只能向司法局提出异议。",
        ),
        "transfer_out": Move(
            "转交市外机构",
            sources=OPEN,
            to=Status.TRANSFERRED_OUT,
            who=rules.can_decide,
            when=_authority_outside_city,
            confirm="转交后本市不再办理该申请，不能撤回。",
        ),
        "mark_urgent": Move("先行提供", sources=OPEN, who=rules.can_mark_urgent, when=_not_yet_urgent),
        # 先行提供: a handler acts before the decision; the case opens (and is numbered) only on 准予.
        "assign_provisionally": Move(
            "先行指派承办人",
            sources=[Status.PENDING_REVIEW],
            who=rules.can_assign_provisionally,
            when=_provisional_aid_possible,
        ),
        "reroute": Move("变更承办机构", sources=OPEN, who=rules.can_reroute),
        "register_objection": Move(
            "登记异议",
            sources=[Status.REFUSED],
            who=rules.can_record_objection,
            when=_may_object,
        ),
        "reopen": Move(
            "司法局责令改正，重新审查",
            sources=[Status.REFUSED],
            to=Status.PENDING_REVIEW,
            who=rules.can_decide_objection,
        ),
    },
)


def decides_the_objection(user, objection: Objection) -> bool:
    return rules.can_decide_objection(user, objection.application)


OBJECTION_FLOW = Workflow(
    "objection",
    model=Objection,
    field="outcome",
    states=ObjectionOutcome,
    initial=ObjectionOutcome.PENDING,
    subject="异议",
    lock_related=("application",),
    moves={
        "uphold": Move(
            "维持原决定", sources=[ObjectionOutcome.PENDING], to=ObjectionOutcome.UPHELD, who=decides_the_objection
        ),
        "correct": Move(
            "责令改正", sources=[ObjectionOutcome.PENDING], to=ObjectionOutcome.CORRECTED, who=decides_the_objection
        ),
    },
)
