"""The quality journey of issue 6: city staff draw a sample (抽取评估案件) → the case goes to peer-1 →
peer-1 scores it (提交评分) → the grade shows on the case's review page and in the office's 优良率,
and the subsidy changes by the grade's coefficient."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from quality.models import SampledCase, Subsidy  # noqa: E402
from quality.services import subsidy as subsidy_services  # noqa: E402
from tests.cases.factories import make_handler  # noqa: E402
from tests.quality.factories import closed_case  # noqa: E402
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()


def test_city_draws_peer_scores_grade_and_subsidy_follow(page, make_user):
    make_user("city", Role.CITY_STAFF, office="city", first_name="市局 王科长")
    reviewer = make_user("reviewer-luoding", Role.REVIEWER, office="luoding", first_name="罗定审查员")
    lawyer = make_user("lawyer-3", Role.HANDLER, office="luoding", first_name="黄律师")
    make_handler(lawyer)
    peer1 = make_user("peer-1", Role.PEER_REVIEWER, office="yuncheng", first_name="评估专家1")
    peer2 = make_user("peer-2", Role.PEER_REVIEWER, office="luoding", first_name="评估专家2")
    people = {(Role.REVIEWER, "luoding"): reviewer, (Role.HANDLER, "luoding"): lawyer}
    case = closed_case(people, office="luoding")
    if not Subsidy.objects.filter(case=case).exists():  # until accept_closure computes it (lead's wiring)
        subsidy_services.compute_subsidy(case, by=reviewer)
    assert Subsidy.objects.get(case=case).amount == 3000
    today = timezone.localdate().isoformat()

    # 抽取评估案件: the only case closed today is drawn.
    sign_in(page, "city")
    page.goto("/staff/quality/draws/")
    page.get_by_label("结案日期自").fill(today)
    page.get_by_label("结案日期至").fill(today)
    page.get_by_label("随机数种子").fill("2026")
    page.get_by_role("button", name="抽取评估案件").click()
    expect(page.get_by_text("已抽取评估案件1件")).to_be_visible()

    # The case goes to peer-1; peer-2 (same county as the case) is not offered.
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_test_id("sample-case-number")).to_have_text(case.number)
    options = page.locator("#id_reviewer option")
    expect(options).to_have_count(2)  # the empty choice and peer-1
    expect(page.locator(f'#id_reviewer option[value="{peer2.pk}"]')).to_have_count(0)
    page.locator("#id_reviewer").select_option(str(peer1.pk))
    page.get_by_role("button", name="分配评估员").click()
    expect(page.get_by_test_id("sample-status")).to_have_text("评估中")
    expect(page.get_by_test_id("sample-subsidy")).to_contain_text("3000.00元")
    sign_out(page)

    # peer-1 scores it: full marks but 5 points off the first item → 95, 优秀.
    sign_in(page, "peer-1")
    page.goto("/staff/quality/reviews/")
    page.get_by_role("link", name=case.number).click()
    inputs = page.locator('input[name^="item_"]')
    for index in range(inputs.count()):
        field = inputs.nth(index)
        field.fill(field.get_attribute("max"))
    first = inputs.nth(0)
    first.fill(str(int(first.get_attribute("max")) - 5))
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_test_id("review-total")).to_have_text("95")
    expect(page.get_by_test_id("review-grade")).to_have_text("优秀")
    expect(page.get_by_test_id("case-grade")).to_have_text("优秀")
    sign_out(page)

    # The grade on the case's review page, the subsidy × 1.20, and 罗定's 优良率.
    sample = SampledCase.objects.get(case=case)
    sign_in(page, "reviewer-luoding")
    page.goto(f"/staff/quality/samples/{sample.pk}/")
    expect(page.get_by_test_id("sample-grade")).to_contain_text("优秀（95分")
    expect(page.get_by_test_id("sample-subsidy")).to_contain_text("3600.00元")
    page.goto("/staff/quality/")
    expect(page.get_by_test_id("good-rate-luoding")).to_have_text("100.00%")
    sign_out(page)

    sign_in(page, "city")
    page.goto("/staff/quality/")
    expect(page.get_by_test_id("good-rate-luoding")).to_have_text("100.00%")
    expect(page.get_by_test_id("good-rate-total")).to_have_text("100.00%")
