"""The moves of a county's monthly sheet (SPEC §7): one table (issue 9 §3). The first submission
creates the sheet; after that it is read-only until the city returns it for correction."""

from __future__ import annotations

from core.transitions import Move, Workflow
from reporting import rules
from reporting.models import MonthlySubmission, SubmissionStatus


def reports_for_the_office(user, submission: MonthlySubmission) -> bool:
    return rules.can_submit(user) and user.office_id == submission.office_id


def returns_sheets(user, submission: MonthlySubmission) -> bool:
    return rules.can_return(user)


SUBMISSION_FLOW = Workflow(
    "monthly_submission",
    model=MonthlySubmission,
    field="status",
    states=SubmissionStatus,
    initial=SubmissionStatus.SUBMITTED,
    subject="月报",
    lock_related=("office",),
    moves={
        "return_sheet": Move(
            "退回修改", sources=[SubmissionStatus.SUBMITTED], to=SubmissionStatus.RETURNED, who=returns_sheets
        ),
        "resubmit": Move(
            "提交月报",
            sources=[SubmissionStatus.RETURNED],
            to=SubmissionStatus.SUBMITTED,
            who=reports_for_the_office,
        ),
    },
)
