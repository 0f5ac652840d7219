"""The quality pages: happy paths with their audit rows, refusals, scoping and pinned query counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from quality.models import FollowUp, Grade, PeerReview, PublicityActivity, SampledCase, SampleDraw
from quality.services import follow_up, peer_review, publicity
from quality.services import subsidy as subsidy_services
from tests.files import PDF, PNG
from tests.quality.factories import closed_case, reviewed, sample_of, scores_for

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


# --- draws and assignment -------------------------------------------------------------------------
def test_city_draws_a_sample_through_the_page(client, personas):
    day = timezone.localdate() - timedelta(days=1)
    case = closed_case(personas, closed_on=day)
    client.force_login(personas["city"])
    response = client.post(
        "/staff/quality/draws/",
        {"period_start": day.isoformat(), "period_end": day.isoformat(), "ratio_percent": "10", "seed": "5"},
    )
    draw = SampleDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/quality/draws/{draw.pk}/"
    assert draw.seed == 5 and SampledCase.objects.get().case == case
    assert "抽取评估案件" in client.get("/staff/quality/draws/").content.decode()


def test_draw_form_errors_are_shown_next_to_fields(client, personas):
    client.force_login(personas["city"])
    response = client.post(
        "/staff/quality/draws/", {"period_start": "2026-05-02", "period_end": "2026-05-01", "ratio_percent": "10"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_assign_page_offers_only_eligible_reviewers_and_refuses_others(client, personas):
    sample = sample_of(personas, closed_case(personas, office="luoding"))
    client.force_login(personas["city"])
    page = client.get(f"/staff/quality/samples/{sample.pk}/").content.decode()
    luoding_peer = personas[(Role.PEER_REVIEWER, "luoding")]
    yuncheng_peer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    assert f'value="{yuncheng_peer.pk}"' in page and f'value="{luoding_peer.pk}"' not in page

    response = client.post(f"/staff/quality/samples/{sample.pk}/assign/", {"reviewer": luoding_peer.pk})
    assert response.status_code == 200
    assert "评估员不能评估本县（市、区）的案件" in response.content.decode()
    assert not PeerReview.objects.exists()

    response = client.post(f"/staff/quality/samples/{sample.pk}/assign/", {"reviewer": yuncheng_peer.pk})
    assert response.status_code == 302
    assert PeerReview.objects.get().reviewer == yuncheng_peer
    assert AuditEntry.objects.filter(object_type="quality.SampledCase", to_state="评估中").exists()


# --- scoring --------------------------------------------------------------------------------------
def test_reviewer_scores_through_the_page_and_others_get_404(client, personas):
    case = closed_case(personas)
    sample = sample_of(personas, case)
    peer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    review = peer_review.assign_reviewer(sample, reviewer=peer, by=personas["city"])

    client.force_login(personas[(Role.PEER_REVIEWER, "xinxing")])
    assert client.get(f"/staff/quality/reviews/{review.pk}/").status_code == 404

    client.force_login(peer)
    page = client.get(f"/staff/quality/reviews/{review.pk}/").content.decode()
    assert "提交评分" in page
    data = {f"item_{pk}": points for pk, (points, _) in scores_for(review, 80).items()}
    response = client.post(f"/staff/quality/reviews/{review.pk}/", {**data, "summary": "规范"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.total, review.grade) == (80, Grade.GOOD)
    page = client.get(f"/staff/quality/reviews/{review.pk}/").content.decode()
    assert "良好" in page and 'type="submit" class="btn btn-primary">提交评分' not in page


def test_score_above_the_item_maximum_is_shown_next_to_the_field(client, personas):
    sample = sample_of(personas, closed_case(personas))
    peer = personas[(Role.PEER_REVIEWER, "yuncheng")]
    review = peer_review.assign_reviewer(sample, reviewer=peer, by=personas["city"])
    item = review.sheet.items.first()
    client.force_login(peer)
    data = {f"item_{pk}": points for pk, (points, _) in scores_for(review, 80).items()}
    data[f"item_{item.pk}"] = item.max_points + 1
    response = client.post(f"/staff/quality/reviews/{review.pk}/", data)
    assert response.status_code == 200
    assert f"得分不能超过{item.max_points}分" in response.content.decode()
    assert not PeerReview.objects.get().is_submitted


# --- follow-ups -----------------------------------------------------------------------------------
def test_clerk_records_a_follow_up_and_the_rate_shows(client, personas):
    case = closed_case(personas)
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post(
        "/staff/quality/follow-ups/new/",
        {
            "case": case.pk,
            "contacted_on": timezone.localdate().isoformat(),
            "channel": "phone",
            "satisfaction": "basically",
        },
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().recorded_by == personas[(Role.CLERK, "luoding")]
    assert AuditEntry.objects.filter(object_type="quality.FollowUp", action="create").exists()
    assert "100.00%" in client.get("/staff/quality/follow-ups/").content.decode()


def test_another_county_case_is_not_offered_for_follow_up(client, personas):
    case = closed_case(personas, office="yunan")
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post(
        "/staff/quality/follow-ups/new/",
        {
            "case": case.pk,
            "contacted_on": timezone.localdate().isoformat(),
            "channel": "phone",
            "satisfaction": "satisfied",
        },
    )
    assert response.status_code == 200 and not FollowUp.objects.exists()


# --- publicity ------------------------------------------------------------------------------------
def test_publicity_with_photo_is_recorded_and_served_in_scope(client, personas):
    clerk = personas[(Role.CLERK, "luoding")]
    client.force_login(clerk)
    response = client.post(
        "/staff/quality/publicity/new/",
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "罗城街道广场",
            "form": "stall",
            "people_reached": "120",
            "materials_handed_out": "80",
            "photos": [png()],
        },
    )
    activity = PublicityActivity.objects.get()
    assert response.status_code == 302 and activity.office == clerk.office
    photo = activity.photos.get()
    response = client.get(f"/staff/quality/publicity/{activity.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG

    client.force_login(personas[(Role.CLERK, "yunan")])
    assert client.get(f"/staff/quality/publicity/{activity.pk}/photos/{photo.pk}/").status_code == 404


def test_publicity_refuses_a_pdf_as_photo(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    pdf = SimpleUploadedFile("伪装.png", PDF, content_type="image/png")
    response = client.post(
        "/staff/quality/publicity/new/",
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "罗城",
            "form": "lecture",
            "people_reached": "10",
            "materials_handed_out": "0",
            "photos": [pdf],
        },
    )
    assert response.status_code == 200
    assert "不是JPG或PNG照片" in response.content.decode()
    assert not PublicityActivity.objects.exists()


def test_city_staff_see_all_publicity_and_counties_their_own(client, personas):
    for office in ("luoding", "yunan"):
        publicity.record_publicity(
            held_on=timezone.localdate(),
            place=f"{office}广场",
            form="lecture",
            target_groups=[],
            people_reached=10,
            by=personas[(Role.CLERK, office)],
        )
    client.force_login(personas["city"])
    assert client.get("/staff/quality/publicity/").content.decode().count('data-testid="publicity-row"') == 2
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/quality/publicity/").content.decode()
    assert page.count('data-testid="publicity-row"') == 1 and "luoding广场" in page


# --- subsidies ------------------------------------------------------------------------------------
def test_reviewer_marks_a_subsidy_paid(client, personas):
    subsidy = subsidy_services.compute_subsidy(closed_case(personas))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "登记发放" in client.get("/staff/quality/subsidies/").content.decode()
    response = client.post(f"/staff/quality/subsidies/{subsidy.pk}/pay/", {"paid_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.status == "paid" and subsidy.paid_by == personas[(Role.REVIEWER, "luoding")]
    assert AuditEntry.objects.filter(object_type="quality.Subsidy", to_state="已发放").exists()


def _rows(response) -> list[str]:
    page = response.content.decode()
    return [row.split("</td>")[0].rsplit(">", 1)[-1] for row in page.split('data-testid="subsidy-row">')[1:]]


def test_subsidies_list_narrows_to_a_month_an_office_and_a_status(client, personas):
    with time_machine.travel(datetime(2026, 5, 12, 10, tzinfo=SHANGHAI), tick=False):
        may = closed_case(personas, office="luoding")
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=SHANGHAI), tick=False):
        june_luoding = closed_case(personas, office="luoding")
        june_yunan = closed_case(personas, office="yunan")
        subsidy_services.mark_subsidy_paid(june_yunan.subsidy, paid_on=date(2026, 6, 15), by=personas["city"])
        client.force_login(personas["city"])
        luoding = personas[(Role.REVIEWER, "luoding")].office_id
        everything = _rows(client.get("/staff/quality/subsidies/"))
        june = _rows(client.get("/staff/quality/subsidies/?month=6"))
        june_of_luoding = _rows(client.get(f"/staff/quality/subsidies/?month=6&office={luoding}"))
        pending = _rows(client.get("/staff/quality/subsidies/?status=pending"))
        last_year = _rows(client.get("/staff/quality/subsidies/?year=2025"))
    assert everything == [june_yunan.number, june_luoding.number, may.number]  # newest closure first
    assert june == [june_yunan.number, june_luoding.number]
    assert june_of_luoding == [june_luoding.number]
    assert pending == [june_luoding.number, may.number]
    assert last_year == []


@pytest.mark.parametrize("browser_language", ["zh-CN,zh;q=0.9", "en-US,en;q=0.9"])
def test_subsidies_filter_says_what_is_wrong_by_its_field(client, personas, browser_language):
    client.force_login(personas["city"])
    response = client.get("/staff/quality/subsidies/?year=abc&month=13", HTTP_ACCEPT_LANGUAGE=browser_language)
    page = response.content.decode()
    assert response.status_code == 200
    # In Chinese whatever the browser asks for (settings.LANGUAGES): Django's own words included.
    assert "输入整数" in page and "选择一个有效的选项" in page and "Enter a whole number" not in page
    # By its field: the wrong one marked and pointing at its message, the right ones left alone.
    assert 'aria-invalid="true" aria-describedby="id_year_error" class="form-control is-invalid"' in page
    assert '<div id="id_year_error" class="invalid-feedback"><p><strong>输入整数。</strong></p></div>' in page
    assert '<select name="status" class="form-select" id="id_status">' in page
    assert f"{timezone.localdate().year}年办案补贴" in page  # the list falls back to this year


def test_subsidies_filter_shows_the_year_it_lists(client, personas):
    client.force_login(personas["city"])
    page = client.get("/staff/quality/subsidies/").content.decode()
    assert f'name="year" value="{timezone.localdate().year}"' in page


def test_subsidies_list_pages_through_every_row_without_counting_them(client, personas, monkeypatch):
    """Not counted (the month totals above are the exact figures): a page, and a next one when there
    is more; every row is reached, none twice; a page past the end says so and leads back."""
    monkeypatch.setattr("quality.views.PAGE_SIZE", 1)
    numbers = {closed_case(personas, office="luoding").number for _ in range(3)}
    client.force_login(personas["city"])
    pages = [client.get(f"/staff/quality/subsidies/?page={number}").content.decode() for number in (1, 2, 3)]
    assert "第1页" in pages[0] and "下一页" in pages[0] and "上一页" not in pages[0]
    assert "第3页" in pages[2] and "上一页" in pages[2] and "下一页" not in pages[2]
    assert "共" not in "".join(pages)  # no total of rows or pages: nothing was counted
    assert {number for number in numbers for page in pages if number in page} == numbers
    assert all(sum(number in page for page in pages) == 1 for number in numbers)
    past = client.get("/staff/quality/subsidies/?page=9").content.decode()
    assert "第9页没有记录" in past and "回到第1页" in past and "暂无补贴" in past
    assert "第1页" in client.get("/staff/quality/subsidies/?page=abc").content.decode()
    huge = client.get("/staff/quality/subsidies/?page=" + "9" * 25)  # beyond the database's OFFSET
    assert huge.status_code == 200 and "没有记录" in huge.content.decode()


def test_paying_from_a_filtered_list_returns_to_it(client, personas):
    case = closed_case(personas, office="luoding")
    office = case.office_id
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    query = f"?month={timezone.localdate().month}&office={office}&status=pending"
    page = client.get(f"/staff/quality/subsidies/{query}").content.decode()
    assert f'action="/staff/quality/subsidies/{case.subsidy.pk}/pay/{query.replace("&", "&amp;")}"' in page
    response = client.post(
        f"/staff/quality/subsidies/{case.subsidy.pk}/pay/{query}", {"paid_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == f"/staff/quality/subsidies/{query}"


def test_city_adds_a_rate_through_the_page(client, personas):
    from quality.models import SubsidyRate, SubsidyStage

    stage = SubsidyStage.objects.get(category="civil", is_default=True)
    client.force_login(personas["city"])
    response = client.post(
        "/staff/quality/rates/",
        {"add_rate": "1", "stage": stage.pk, "amount": "3500.00", "effective_from": "2026-07-01"},
    )
    assert response.status_code == 302
    assert SubsidyRate.objects.filter(stage=stage).count() == 2


def test_city_edits_a_sheet_and_a_wrong_total_is_refused(client, personas):
    from quality.models import ScoreSheet

    sheet = ScoreSheet.objects.get(category="labour")
    client.force_login(personas["city"])
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "甲",
        "items-0-max_points": "50",
        "items-1-name": "乙",
        "items-1-max_points": "49",
    }
    response = client.post(f"/staff/quality/sheets/{sheet.pk}/", data)
    assert response.status_code == 200 and "合计须为100分，现为99分" in response.content.decode()
    data["items-1-max_points"] = "50"
    assert client.post(f"/staff/quality/sheets/{sheet.pk}/", data).status_code == 302
    assert sheet.items.count() == 2


# --- query counts ---------------------------------------------------------------------------------
# Every list page runs the same number of queries for one row and for many (STYLE practice 9).
# Common to all (7): the session, the user, the user's groups (roles), the user's office
# (navigation), the session refresh (savepoint, update, release: the idle timeout).
LIST_PAGES = {
    # + offices, peer-review figures, follow-up figures
    "/staff/quality/": 10,
    # + the draws with their sample counts
    "/staff/quality/draws/": 8,
    # + the user's permissions and group permissions (may they read sealed records? the case's scope
    # decides what hangs off a case), count, one page of reviews
    "/staff/quality/reviews/": 11,
    # + offices, follow-up figures, the two permission reads, count, one page of follow-ups
    "/staff/quality/follow-ups/": 13,
    # + offices (the filter's choices), month totals, the two permission reads, one page of subsidies
    # with their cases (not counted: the month totals are the figures), the page's handlers, their
    # users and stages (by id), the stages (city staff may change one)
    "/staff/quality/subsidies/": 16,
    # + count, one page of activities, their target groups
    "/staff/quality/publicity/": 10,
}


def _some_of_everything(personas, n: int) -> None:
    today = timezone.localdate()
    for index in range(n):
        case = closed_case(personas, office=["luoding", "yunan"][index % 2])
        subsidy_services.compute_subsidy(case)
        reviewed(personas, case, total=70 + index * 7 % 30)
        follow_up.record_follow_up(
            case=case,
            contacted_on=today,
            channel="phone",
            satisfaction="satisfied",
            by=personas[(Role.CLERK, case.office.slug)],
        )
        publicity.record_publicity(
            held_on=today,
            place="广场",
            form="lecture",
            target_groups=[],
            people_reached=10,
            by=personas[(Role.CLERK, case.office.slug)],
        )


@pytest.mark.parametrize("path", list(LIST_PAGES))
def test_list_pages_query_counts_are_pinned(client, personas, path):
    client.force_login(personas["city"])
    _some_of_everything(personas, 1)
    one = queries(client, path)
    _some_of_everything(personas, 3)
    many = queries(client, path)
    assert (one, many) == (LIST_PAGES[path], LIST_PAGES[path])
