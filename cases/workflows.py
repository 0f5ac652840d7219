"""The moves of a case and of an objection to its termination: one table each (issue 9 §3)."""

from __future__ import annotations

from applications.models import MatterCategory, ObjectionOutcome
from applications.workflows import objection_refusal
from cases import rules
from cases.models import TERMINABLE_STATES, Case, CaseObjection, CaseState
from core.transitions import Move, Workflow


def _may_object(case: Case) -> str | None:
    # A termination corrected and later terminated again may be objected to afresh: only the
    # objections to the termination in force count.
    current = [o for o in case.objections.all() if case.terminated_on and o.received_on >= case.terminated_on]
    return objection_refusal(current)


def _criminal(case: Case) -> str | None:
    if case.category != MatterCategory.CRIMINAL:
        return "只有刑事案件才适用未成年人犯罪记录封存。"
    return None


CASE_FLOW = Workflow(
    "case",
    model=Case,
    field="state",
    states=CaseState,
    initial=CaseState.AWAITING_ASSIGNMENT,
    subject="案件",
    lock_related=("office", "application", "handler__user"),
    moves={
        "assign": Move("指派", sources=[CaseState.AWAITING_ASSIGNMENT], to=CaseState.IN_PROGRESS, who=rules.can_assign),
        "reassign": Move("变更承办人", sources=[CaseState.IN_PROGRESS], who=rules.can_assign),
        "record_agreement": Move("签订委托协议", sources=[CaseState.IN_PROGRESS], who=rules.can_record_agreement),
        "log_progress": Move("记录办案进展", sources=[CaseState.IN_PROGRESS], who=rules.can_log_progress),
        "record_matter_end": Move("记录案件办结日期", sources=[CaseState.IN_PROGRESS], who=rules.can_submit_closure),
        "submit_closure": Move(
            "提交结案", sources=[CaseState.IN_PROGRESS], to=CaseState.CLOSURE_REVIEW, who=rules.can_submit_closure
        ),
        "accept_closure": Move(
            "结案审查通过", sources=[CaseState.CLOSURE_REVIEW], to=CaseState.CLOSED, who=rules.can_review_closure
        ),
        "return_closure": Move(
            "退回补充结案材料",
            sources=[CaseState.CLOSURE_REVIEW],
            to=CaseState.IN_PROGRESS,
            who=rules.can_review_closure,
        ),
        "archive": Move(
            "归档",
            sources=[CaseState.CLOSED],
            to=CaseState.ARCHIVED,
            who=rules.can_archive,
            confirm="归档后案卷不能再修改，也不能撤回。",
        ),
        "terminate": Move(
            "终止法律援助",
            sources=TERMINABLE_STATES,
            to=CaseState.TERMINATED,
            who=rules.can_terminate,
            confirm="终止后承办人不再提供法律援助，受援人将收到短信告知；决定不能撤回，受援人可向司法局提出异议。",
        ),
        "register_objection": Move(
            "登记异议", sources=[CaseState.TERMINATED], who=rules.can_record_objection, when=_may_object
        ),
        # 责令改正 puts the case back where it stood before 终止.
        "restore": Move(
            "司法局责令改正，恢复法律援助",
            sources=[CaseState.TERMINATED],
            to=TERMINABLE_STATES,
            who=rules.can_decide_objection,
        ),
        # Not a change of state: whether the record is sealed may be confirmed or corrected at any time
        # (the seal matters most once the file is archived).
        "set_seal": Move("审核未成年人记录封存", sources=CaseState.values, who=rules.can_set_seal, when=_criminal),
    },
)


def decides_the_objection(user, objection: CaseObjection) -> bool:
    return rules.can_decide_objection(user, objection.case)


CASE_OBJECTION_FLOW = Workflow(
    "case_objection",
    model=CaseObjection,
    field="outcome",
    states=ObjectionOutcome,
    initial=ObjectionOutcome.PENDING,
    subject="异议",
    lock_related=("case",),
    moves={
        "uphold": Move(
            "维持原决定", sources=[ObjectionOutcome.PENDING], to=ObjectionOutcome.UPHELD, who=decides_the_objection
        ),
        "correct": Move(
            "责令改正", sources=[ObjectionOutcome.PENDING], to=ObjectionOutcome.CORRECTED, who=decides_the_objection
        ),
    },
)
