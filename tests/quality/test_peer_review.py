"""同行评估: grades at the cut-offs, the final-grade rule, the reproducible draw, recusal, scoring."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from applications.models import MatterCategory
from audit.models import AuditEntry
from cases.models import Handler, HandlerKind, LawFirm
from core.transitions import TransitionError
from quality.forms import ScoreItemFormSet
from quality.models import SHEET_TOTAL, Grade, SampledCase, SampleStatus, ScoreSheet, grade_for_total
from quality.selectors import grade_for_case
from quality.services import peer_review, reference
from quality.services.peer_review import Candidate, choose_sample, final_grade, sample_size
from tests.quality.factories import closed_case, sample_of, scores_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, Grade.EXCELLENT),
        (90, Grade.EXCELLENT),
        (89, Grade.GOOD),
        (80, Grade.GOOD),
        (79, Grade.PASS),
        (60, Grade.PASS),
        (59, Grade.FAIL),
        (0, Grade.FAIL),
    ],
)
def test_grade_at_each_cut_off(total, grade):
    assert grade_for_total(total) == grade


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([85], (85, Grade.GOOD)),
        ([59], None),  # 不合格 first review: two more reviewers due
        ([59, 70], None),
        ([59, 70, 65], (65, Grade.PASS)),  # median of the three
        ([40, 91, 95], (91, Grade.EXCELLENT)),
        ([50, 55, 90], (55, Grade.FAIL)),
    ],
)
def test_final_grade_rule(totals, expected):
    assert final_grade(totals) == expected


def test_seeded_sheets_each_add_up_to_100():
    sheets = ScoreSheet.objects.prefetch_related("items")
    assert {sheet.category for sheet in sheets} == set(MatterCategory.values)
    for sheet in sheets:
        assert sum(item.max_points for item in sheet.items.all()) == SHEET_TOTAL, sheet.name


def _formset_data(points: list[int]) -> dict:
    data = {"items-TOTAL_FORMS": str(len(points)), "items-INITIAL_FORMS": "0"}
    for index, value in enumerate(points):
        data[f"items-{index}-name"] = f"项目{index}"
        data[f"items-{index}-max_points"] = str(value)
    return data


def test_sheet_form_refuses_items_not_adding_to_100():
    formset = ScoreItemFormSet(_formset_data([50, 40]), prefix="items")
    assert not formset.is_valid()
    assert "合计须为100分，现为90分" in str(formset.non_form_errors())
    assert ScoreItemFormSet(_formset_data([50, 50]), prefix="items").is_valid()


def test_save_sheet_items_refuses_wrong_total_and_audits(personas):
    sheet = ScoreSheet.objects.get(category=MatterCategory.CIVIL)
    with pytest.raises(ValidationError):
        reference.save_sheet_items(sheet, items=[{"name": "甲", "max_points": 99}], by=personas["city"])
    reference.save_sheet_items(
        sheet, items=[{"name": "甲", "max_points": 60}, {"name": "乙", "max_points": 40}], by=personas["city"]
    )
    assert list(sheet.items.values_list("name", "max_points")) == [("甲", 60), ("乙", 40)]
    assert AuditEntry.objects.filter(object_type="quality.ScoreSheet", action="update").exists()


# --- the draw -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "size"), [(0, 0), (1, 1), (9, 1), (10, 1), (11, 2), (25, 3)])
def test_sample_size_rounds_up_with_at_least_one(count, size):
    assert sample_size(count, Decimal("0.10")) == size


def test_choose_sample_is_reproducible_and_covers_civil_and_criminal():
    candidates = [
        Candidate(pk, office_id=1 + pk % 2, category=MatterCategory.CIVIL if pk % 5 else MatterCategory.CRIMINAL)
        for pk in range(1, 61)
    ]
    first = choose_sample(candidates, office_ids=[1, 2], ratio=Decimal("0.10"), seed=2026)
    again = choose_sample(list(reversed(candidates)), office_ids=[1, 2], ratio=Decimal("0.10"), seed=2026)
    assert first == again
    for office_id in (1, 2):
        picked = [c for c in candidates if c.pk in first and c.office_id == office_id]
        assert len(picked) == 3  # ⌈30 × 10%⌉
        assert {c.category for c in picked} == {MatterCategory.CIVIL, MatterCategory.CRIMINAL}
    assert choose_sample(candidates, office_ids=[1, 2], ratio=Decimal("0.10"), seed=2027) != first


def test_draw_is_the_same_for_the_same_seed_and_period(personas):
    day = timezone.localdate() - timedelta(days=3)
    for index in range(4):
        closed_case(
            personas, office="luoding", category=[MatterCategory.CIVIL, MatterCategory.LABOUR][index % 2], closed_on=day
        )
    closed_case(personas, office="yunan", category=MatterCategory.CRIMINAL, closed_on=day)
    closed_case(personas, office="yunan", category=MatterCategory.CRIMINAL, closed_on=day - timedelta(days=30))
    draw = peer_review.draw_sample(period_start=day, period_end=day, ratio=Decimal("0.5"), seed=99, by=personas["city"])
    chosen = sorted(draw.samples.values_list("case_id", flat=True))
    assert len(chosen) == 3  # 罗定 ⌈4 × 50%⌉ = 2, 云安 1 (the other 云安 case closed outside the period)
    assert draw.seed == 99 and draw.ratio == Decimal("0.500")
    assert AuditEntry.objects.filter(object_type="quality.SampleDraw", action="create").count() == 1

    # The same seed over the same period, with the cases free again, draws the same cases.
    SampledCase.objects.filter(draw=draw).delete()
    again = peer_review.draw_sample(
        period_start=day, period_end=day, ratio=Decimal("0.5"), seed=99, by=personas["city"]
    )
    assert sorted(again.samples.values_list("case_id", flat=True)) == chosen


def test_only_city_staff_draw(personas):
    with pytest.raises(PermissionDenied):
        peer_review.draw_sample(
            period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), by=personas[(Role.REVIEWER, "luoding")]
        )


def test_a_period_without_closed_cases_is_refused(personas):
    with pytest.raises(ValidationError, match="没有可抽取"):
        peer_review.draw_sample(period_start=date(2020, 1, 1), period_end=date(2020, 3, 31), by=personas["city"])


# --- recusal --------------------------------------------------------------------------------------
def test_reviewer_from_the_case_county_is_refused(personas):
    sample = sample_of(personas, closed_case(personas, office="luoding"))
    with pytest.raises(ValidationError) as refused:
        peer_review.assign_reviewer(sample, reviewer=personas[(Role.PEER_REVIEWER, "luoding")], by=personas["city"])
    assert "本县（市、区）" in str(refused.value)


def test_reviewer_from_the_handler_firm_is_refused(personas, make_user):
    case = closed_case(personas, office="luoding")
    peer = make_user("peer-firm", Role.PEER_REVIEWER, office="xinxing")
    Handler.objects.create(
        user=peer,
        kind=HandlerKind.LAWYER,
        license_number="14453209999999999",
        licensed_since=date(2010, 1, 1),
        law_firm=LawFirm.objects.get(pk=case.handler.law_firm_id),
        office=peer.office,
    )
    sample = sample_of(personas, case)
    assert peer not in peer_review.eligible_reviewers(sample)
    with pytest.raises(ValidationError) as refused:
        peer_review.assign_reviewer(sample, reviewer=peer, by=personas["city"])
    assert "本律师事务所" in str(refused.value)
    assert not sample.reviews.exists()


def test_the_handler_never_reviews_own_case(personas, make_user):
    lawyer = make_user("lawyer-peer", Role.HANDLER, Role.PEER_REVIEWER, office="luoding")
    case = closed_case(personas, office="luoding", handler_user=lawyer)
    assert "自己承办" in peer_review.reviewer_refusal(case, lawyer)


def test_eligible_reviewers_leave_out_the_case_county(personas):
    sample = sample_of(personas, closed_case(personas, office="luoding"))
    offices = {user.office.slug for user in peer_review.eligible_reviewers(sample)}
    assert offices == {"city", "yuncheng", "yunan", "xinxing", "yunnan"}


# --- scoring --------------------------------------------------------------------------------------
def test_submit_review_computes_total_and_grade_and_settles(personas):
    case = closed_case(personas, office="luoding")
    sample = sample_of(personas, case)
    peer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    review = peer_review.assign_reviewer(sample, reviewer=peer, by=personas["city"])
    sample.refresh_from_db()
    assert sample.status == SampleStatus.IN_REVIEW
    assert grade_for_case(case) is None

    review = peer_review.submit_review(review, scores=scores_for(review, 90), by=peer)
    assert (review.total, review.grade) == (90, Grade.EXCELLENT)
    sample.refresh_from_db()
    assert (sample.status, sample.final_total, sample.final_grade) == (SampleStatus.SETTLED, 90, Grade.EXCELLENT)
    assert grade_for_case(case) == Grade.EXCELLENT
    with pytest.raises(TransitionError):
        peer_review.submit_review(review, scores=scores_for(review, 90), by=peer)


def test_scores_outside_the_item_range_are_refused(personas):
    sample = sample_of(personas, closed_case(personas))
    peer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    review = peer_review.assign_reviewer(sample, reviewer=peer, by=personas["city"])
    scores = scores_for(review, 80)
    first = next(iter(scores))
    scores[first] = (review.sheet.items.get(pk=first).max_points + 1, "")
    with pytest.raises(ValidationError):
        peer_review.submit_review(review, scores=scores, by=peer)
    with pytest.raises(PermissionDenied):
        peer_review.submit_review(review, scores=scores_for(review, 80), by=personas[(Role.PEER_REVIEWER, "xinxing")])


def test_a_failing_first_review_needs_two_more_reviewers(personas):
    case = closed_case(personas, office="luoding")
    sample = sample_of(personas, case)
    city = personas["city"]
    first_peer, second_peer, third_peer = (personas[(Role.PEER_REVIEWER, o)] for o in ("yuncheng", "xinxing", "yunnan"))
    first = peer_review.assign_reviewer(sample, reviewer=first_peer, by=city)
    peer_review.submit_review(first, scores=scores_for(first, 59), by=first_peer)
    sample.refresh_from_db()
    assert sample.status == SampleStatus.AWAITING_RE_REVIEW and grade_for_case(case) is None

    with pytest.raises(ValidationError):  # the first reviewer cannot re-review
        peer_review.assign_reviewer(sample, reviewer=first_peer, by=city)
    second = peer_review.assign_reviewer(sample, reviewer=second_peer, by=city)
    sample.refresh_from_db()
    assert sample.status == SampleStatus.AWAITING_RE_REVIEW  # one more to go
    third = peer_review.assign_reviewer(sample, reviewer=third_peer, by=city)
    assert (second.round, third.round) == (2, 2)
    sample.refresh_from_db()
    assert sample.status == SampleStatus.IN_REVIEW

    peer_review.submit_review(second, scores=scores_for(second, 80), by=second_peer)
    sample.refresh_from_db()
    assert sample.status == SampleStatus.IN_REVIEW
    peer_review.submit_review(third, scores=scores_for(third, 72), by=third_peer)
    sample.refresh_from_db()
    assert (sample.status, sample.final_total, sample.final_grade) == (SampleStatus.SETTLED, 72, Grade.PASS)


def test_admin_refuses_a_sheet_whose_items_do_not_add_up_to_100(client, personas):
    sheet = ScoreSheet.objects.get(category=MatterCategory.LABOUR)
    items = list(sheet.items.all())
    data = {
        "category": sheet.category,
        "name": sheet.name,
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
    }
    data["items-MIN_NUM_FORMS"], data["items-MAX_NUM_FORMS"] = 0, 1000
    for index, item in enumerate(items):
        data.update(
            {
                f"items-{index}-id": item.pk,
                f"items-{index}-sheet": sheet.pk,
                f"items-{index}-name": item.name,
                f"items-{index}-max_points": item.max_points + (1 if index == 0 else 0),
                f"items-{index}-guidance": item.guidance,
                f"items-{index}-sort_order": item.sort_order,
            }
        )
    client.force_login(personas["admin"])
    response = client.post(f"/admin/quality/scoresheet/{sheet.pk}/change/", data)
    assert response.status_code == 200
    assert "合计须为100分，现为101分" in response.content.decode()
    data["items-0-max_points"] = items[0].max_points
    assert client.post(f"/admin/quality/scoresheet/{sheet.pk}/change/", data).status_code == 302
