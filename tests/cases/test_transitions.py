"""The case lifecycle (SPEC §4): every move, its audit row, its actor and every illegal move."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from applications.models import MatterCategory
from audit.models import AuditAction, AuditEntry
from cases import services
from cases.models import CLOCKS, Assignment, Case, CaseState, HandlerKind, ProgressKind, TerminationGround
from cases.workflows import CASE_FLOW
from core.transitions import TransitionError
from tests.cases.factories import make_case, make_handler, pdf

pytestmark = pytest.mark.django_db


def audit_rows(case: Case) -> list[tuple[str, str]]:
    entries = AuditEntry.objects.filter(
        object_type="cases.Case", object_id=str(case.pk), action=AuditAction.STATE_CHANGE
    ).order_by("pk")
    return [(entry.from_state, entry.to_state) for entry in entries]


def test_the_whole_lifecycle_writes_one_audit_row_per_state_change(personas):
    case = make_case(personas, state=CaseState.ARCHIVED)
    assert case.state == CaseState.ARCHIVED
    assert audit_rows(case) == [
        ("待指派", "承办中"),
        ("承办中", "待结案审查"),
        ("待结案审查", "已结案"),
        ("已结案", "已归档"),
    ]
    assert (
        AuditEntry.objects.filter(object_type="cases.Case", action=AuditAction.CREATE, to_state="待指派").count() == 1
    )
    case.refresh_from_db()
    assert case.closure_materials.count() == 1
    assert case.progress_entries.get().kind == ProgressKind.MEETING


CALLS = [move for move in CASE_FLOW.moves if move != "set_seal"]  # the seal is open in every state


# Arguments for each move, given the case; the actor is one who may make it (so only the state refuses).
def _call(move: str, case: Case, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    handler_user = personas[(Role.HANDLER, "luoding")]
    today = timezone.localdate()
    other = make_handler(personas[(Role.CLERK, "luoding")], kind=HandlerKind.STAFF)
    calls = {
        "assign": lambda: services.assign(case, handler=other, reason="工作调整", by=reviewer),
        "reassign": lambda: services.assign(case, handler=other, reason="工作调整", by=reviewer),
        "record_agreement": lambda: services.record_agreement(case, signed_on=today, by=reviewer),
        "log_progress": lambda: services.log_progress(
            case, kind=ProgressKind.MEETING, happened_on=today, note="会见", by=handler_user
        ),
        "record_matter_end": lambda: services.record_matter_end(case, matter_ended_on=today, by=handler_user),
        "submit_closure": lambda: services.submit_closure(
            case, method="judgment", matter_ended_on=today, summary="胜诉", files=[pdf()], by=handler_user
        ),
        "accept_closure": lambda: services.accept_closure(case, by=reviewer),
        "return_closure": lambda: services.return_closure(case, reason="缺判决书", by=reviewer),
        "archive": lambda: services.archive(case, by=reviewer),
        "terminate": lambda: services.terminate(
            case, ground=TerminationGround.objects.get(item=7), reason="受援人要求终止", by=reviewer
        ),
        "register_objection": lambda: services.register_objection(
            case, reasons="不服终止决定", received_on=today, by=reviewer
        ),
        "restore": lambda: services.decide_objection(
            case, outcome="corrected", note="", decided_on=today, by=reviewer, document=pdf()
        ),
    }
    return calls[move]()


ILLEGAL = [
    (state, move)
    for state in CaseState.values
    for move in CALLS
    if state not in CASE_FLOW.moves[move].sources
    # 指派 and 变更承办人 share one entry point that picks the move by the state.
    and not (move == "assign" and state == CaseState.IN_PROGRESS)
    and not (move == "reassign" and state == CaseState.AWAITING_ASSIGNMENT)
]


@pytest.mark.parametrize(("state", "move"), ILLEGAL, ids=[f"{s}-{m}" for s, m in ILLEGAL])
def test_every_illegal_move_from_every_state_is_refused_in_chinese(personas, state, move):
    case = make_case(personas, state=state)
    before = AuditEntry.objects.count()
    with pytest.raises(TransitionError, match="案件当前状态为“.+”，不能进行此操作。"):
        _call(move, case, personas)
    case.refresh_from_db()
    assert case.state == state
    assert AuditEntry.objects.count() == before


def test_illegal_list_covers_every_state():
    assert {state for state, _move in ILLEGAL} == set(CaseState.values)


@pytest.mark.parametrize(
    ("move", "state"),
    [
        ("assign", CaseState.AWAITING_ASSIGNMENT),
        ("accept_closure", CaseState.CLOSURE_REVIEW),
        ("archive", CaseState.CLOSED),
        ("terminate", CaseState.IN_PROGRESS),
        ("log_progress", CaseState.IN_PROGRESS),
        ("submit_closure", CaseState.IN_PROGRESS),
    ],
)
def test_the_wrong_actor_is_refused(personas, move, state):
    case = make_case(personas, state=state)
    outsiders = [
        personas[(Role.REVIEWER, "yunan")],
        personas["city"],
        personas[(Role.HANDLER, "yunan")],
        personas[(Role.PEER_REVIEWER, "luoding")],
    ]
    for outsider in outsiders:
        assert not CASE_FLOW.may(outsider, case, move)
    rule = CASE_FLOW.moves[move].who
    assert rule(personas[(Role.REVIEWER, "luoding")], case) != rule(personas[(Role.HANDLER, "luoding")], case)


def test_a_clerk_cannot_assign(personas):
    case = make_case(personas)
    handler = make_handler(personas[(Role.HANDLER, "luoding")])
    with pytest.raises(PermissionDenied):
        services.assign(case, handler=handler, by=personas[(Role.CLERK, "luoding")])


def test_only_the_assigned_handler_logs_progress(personas, make_user):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    colleague = make_user("lawyer-x", Role.HANDLER, office="luoding")
    make_handler(colleague)
    with pytest.raises(PermissionDenied):
        services.log_progress(
            case, kind=ProgressKind.MEETING, happened_on=timezone.localdate(), note="会见", by=colleague
        )


def test_reassignment_needs_a_reason_and_keeps_history(personas, make_user):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    second = make_handler(make_user("lawyer-x", Role.HANDLER, office="luoding"))
    with pytest.raises(ValidationError) as error:
        services.assign(case, handler=second, reason=" ", by=reviewer)
    assert "变更承办人须写明理由" in str(error.value)
    services.assign(case, handler=second, reason="原承办人回避", by=reviewer)
    case.refresh_from_db()
    assert case.handler == second
    assert case.state == CaseState.IN_PROGRESS
    history = list(Assignment.objects.filter(case=case).values_list("from_handler", "to_handler", "reason"))
    first = Case.objects.get(pk=case.pk).assignments.first().to_handler_id
    assert history == [(None, first, ""), (first, second.pk, "原承办人回避")]
    # The former handler no longer sees the case.
    assert not Case.objects.visible_to(personas[(Role.HANDLER, "luoding")]).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(second.user).filter(pk=case.pk).exists()


def test_only_a_handler_of_the_office_may_be_assigned(personas):
    case = make_case(personas)
    elsewhere = make_handler(personas[(Role.HANDLER, "yunan")])
    with pytest.raises(ValidationError, match="本机构"):
        services.assign(case, handler=elsewhere, by=personas[(Role.REVIEWER, "luoding")])


def test_life_or_death_case_needs_a_lawyer_with_three_years(personas, make_user):
    """法律援助法 第二十六条."""
    case = make_case(personas, category=MatterCategory.CRIMINAL)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    junior = make_handler(make_user("junior", Role.HANDLER, office="luoding"), years=2)
    staff = make_handler(make_user("staffer", Role.HANDLER, office="luoding"), kind=HandlerKind.STAFF)
    senior = make_handler(make_user("senior", Role.HANDLER, office="luoding"), years=3)
    for handler in (junior, staff):
        with pytest.raises(ValidationError, match="三年以上"):
            services.assign(case, handler=handler, may_bring_life_or_death=True, by=reviewer)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ASSIGNMENT
    services.assign(case, handler=senior, may_bring_life_or_death=True, by=reviewer)
    case.refresh_from_db()
    assert case.may_bring_life_or_death and case.handler == senior


def test_returned_closure_goes_back_to_the_handler_with_the_reason(personas):
    case = make_case(personas, state=CaseState.CLOSURE_REVIEW)
    services.return_closure(case, reason="缺少判决书", by=personas[(Role.REVIEWER, "luoding")])
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert case.closure_returned_reason == "缺少判决书"
    assert audit_rows(case)[-1] == ("待结案审查", "承办中")


def test_termination_records_the_ground(personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    assert case.termination_ground.item == 6
    assert audit_rows(case) == [("待指派", "已终止")]


def test_agreement_date_must_follow_the_assignment(personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.record_agreement(case, signed_on=date(2000, 1, 1), by=personas[(Role.HANDLER, "luoding")])
    services.record_agreement(case, signed_on=timezone.localdate(), by=personas[(Role.HANDLER, "luoding")])
    case.refresh_from_db()
    assert case.agreement_signed_on == timezone.localdate()


def test_termination_grounds_are_the_eight_of_article_48():
    assert TerminationGround.objects.count() == 8
    assert TerminationGround.objects.get(item=6).name == "自行委托律师或者其他代理人"


@pytest.mark.parametrize(
    ("before", "outcome", "after"),
    [
        (CaseState.IN_PROGRESS, "corrected", CaseState.IN_PROGRESS),
        (CaseState.AWAITING_ASSIGNMENT, "corrected", CaseState.AWAITING_ASSIGNMENT),
        (CaseState.IN_PROGRESS, "upheld", CaseState.TERMINATED),
    ],
)
def test_an_objection_corrected_by_the_justice_bureau_reopens_the_case(personas, before, outcome, after):
    """法律援助法 第四十九条: 责令改正 puts the case back where it stood."""
    reviewer = personas[(Role.REVIEWER, "luoding")]
    clerk = personas[(Role.CLERK, "luoding")]
    case = make_case(personas, state=before)
    ground = TerminationGround.objects.get(item=4)
    services.terminate(case, ground=ground, reason="经济状况好转", by=reviewer)
    today = timezone.localdate()
    services.register_objection(case, reasons="经济状况并未好转", received_on=today, by=clerk)
    with pytest.raises(TransitionError, match="尚未审查完毕"):
        services.register_objection(case, reasons="再次异议", received_on=today, by=clerk)
    with pytest.raises(PermissionDenied):  # the office takes the objection in; its 司法局 decides
        services.decide_objection(case, outcome=outcome, note="", decided_on=today, by=clerk, document=pdf())
    bureau = personas[(Role.BUREAU_REVIEWER, "luoding")]
    objection = services.decide_objection(case, outcome=outcome, note="", decided_on=today, by=bureau, document=pdf())
    assert objection.outcome == outcome
    case.refresh_from_db()
    assert case.state == after
    assert (case.termination_ground is None) == (after != CaseState.TERMINATED)
    if after != CaseState.TERMINATED:
        assert audit_rows(case)[-1] == ("已终止", CaseState(after).label)


@pytest.mark.parametrize("before", [CaseState.AWAITING_ASSIGNMENT, CaseState.IN_PROGRESS, CaseState.CLOSURE_REVIEW])
def test_a_corrected_termination_restores_the_state_it_ended(personas, before):
    """责令改正 puts the case back exactly where it stood, with what it held (a submitted closure)."""
    reviewer = personas[(Role.REVIEWER, "luoding")]
    case = make_case(personas, state=before)
    submitted_on = case.closure_submitted_on
    held_to = {clock.label: getattr(case, clock.due_on) for clock in case.running_clocks}
    assert held_to  # a clock runs in each of these states
    services.terminate(case, ground=TerminationGround.objects.get(item=4), reason="经济状况好转", by=reviewer)
    case.refresh_from_db()
    assert case.state_before_termination == before
    # 终止 stops every clock: no due date is left stored (the dashboard lists none of them).
    assert [getattr(case, clock.due_on) for clock in CLOCKS] == [None] * len(CLOCKS)
    today = timezone.localdate()
    services.register_objection(case, reasons="并未好转", received_on=today, by=reviewer)
    services.decide_objection(
        case,
        outcome="corrected",
        note="",
        decided_on=today,
        by=personas[(Role.BUREAU_REVIEWER, "luoding")],
        document=pdf(),
    )
    case.refresh_from_db()
    assert case.state == before
    assert case.closure_submitted_on == submitted_on
    assert case.state_before_termination == ""
    # ... and 责令改正 sets them running again, each due date stored from its start (the 指派 clock's
    # from the correction, as the next test says).
    running = {clock.label: getattr(case, clock.due_on) for clock in case.running_clocks}
    assert running.keys() == held_to.keys() and None not in running.values()
    if before != CaseState.AWAITING_ASSIGNMENT:
        assert running == held_to
    assert audit_rows(case)[-2:] == [(CaseState(before).label, "已终止"), ("已终止", CaseState(before).label)]
    if before == CaseState.CLOSURE_REVIEW:
        # The office can go on with the closure review it had started.
        services.accept_closure(case, by=reviewer)
        case.refresh_from_db()
        assert case.state == CaseState.CLOSED


def test_a_case_reopened_to_awaiting_assignment_gets_a_new_assignment_clock(personas):
    """The 3 days of 第四十三条 run again from the correction; 立案日期 stays the decision date."""
    from cases.selectors import case_deadlines, deadline_items
    from deadlines import calendar
    from tests.cases.factories import make_application, open_approved

    reviewer = personas[(Role.REVIEWER, "luoding")]
    today = timezone.localdate()
    decided = today - timedelta(days=20)
    case = open_approved(make_application(), by=reviewer, today=decided)
    services.terminate(
        case, ground=TerminationGround.objects.get(item=7), reason="受援人要求终止", by=reviewer, today=decided
    )
    corrected = today - timedelta(days=1)
    services.register_objection(case, reasons="并未要求终止", received_on=corrected, by=reviewer)
    services.decide_objection(
        case,
        outcome="corrected",
        note="",
        decided_on=corrected,
        by=personas[(Role.BUREAU_REVIEWER, "luoding")],
        document=pdf(),
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.AWAITING_ASSIGNMENT
    assert case.opened_on == decided
    assert case.assignment_clock_from == corrected
    due = calendar.add_days(corrected, 3)
    assert [(d.label, d.due_on) for d in case_deadlines(case, today=today)] == [("指派", due)]
    items = [item for item in deadline_items(reviewer, today=today) if item.number == case.number]
    assert all(item.due_on == due and item.state != "已逾期" for item in items)


def test_the_database_refuses_a_due_date_on_a_stopped_clock(personas):
    """A stopped clock's date would be read as due (the dashboard reads the dates alone, issue 14):
    the constraint refuses one written past `Case.save`, and a running clock without its date."""
    from django.db import IntegrityError, transaction

    case = make_case(personas, state=CaseState.IN_PROGRESS)
    services.record_agreement(case, signed_on=case.assigned_on, by=personas[(Role.REVIEWER, "luoding")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(agreement_due_on=case.assigned_on)
    running = make_case(personas, state=CaseState.IN_PROGRESS, name="李四")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=running.pk).update(agreement_due_on=None)
