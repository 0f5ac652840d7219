"""通知辩护 (SPEC §3.3, 法律援助法 第二十五、二十八、三十六条): a notice opens its case at once at the office
where the organ sits; a practising lawyer is assigned within 3 days; the 公函 tells the organ who."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from applications.identity import id_check_character
from applications.models import KnownAuthority
from audit.models import AuditAction, AuditEntry
from cases import services
from cases.models import Case, CaseState, HandlerKind, Notice, NoticeGround
from cases.selectors import deadline_items
from deadlines import calendar
from tests.cases.factories import PDF, make_handler

pytestmark = pytest.mark.django_db

MINOR = "第二十五条第一款第一项"
LIFE_OR_DEATH = "第二十五条第一款第四项"
COMPULSORY_MEDICAL = "第二十八条"


# A Thursday: the Monday before it and the days between are working days (no holiday near it in 2026).
ORDINARY_DAY = timezone.make_aware(timezone.datetime(2026, 6, 11, 10))


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("通知书.pdf", PDF, content_type="application/pdf")


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "organ": KnownAuthority.objects.get(name="罗定市人民法院").pk,
        "other_organ_name": "",
        "notice_number": "罗法援通〔2026〕15号",
        "notice_date": (today - timedelta(days=1)).isoformat(),
        "received_on": today.isoformat(),
        "person_name": "小明",
        "person_id_number": "",
        "person_birth_date": date(today.year - 16, 3, 1).isoformat(),
        "charge": "盗窃罪",
        "stage": "trial",
        "ground": NoticeGround.objects.get(article=MINOR).pk,
    }
    return {**data, **overrides}


def post(client, user, **overrides):
    client.force_login(user)
    return client.post("/staff/cases/notices/new/", {**form_data(**overrides), "scan": scan()})


def files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_clerk_registers_a_notice_and_the_case_opens_with_a_criminal_number(client, personas):
    clerk = personas[(Role.CLERK, "luoding")]
    response = post(client, clerk)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"
    today = timezone.localdate()
    assert case.number == f"（{today.year}）罗定法援刑字第0001号"
    assert (case.state, case.office.slug, case.opened_on, case.assignment_clock_from) == (
        CaseState.AWAITING_ASSIGNMENT,
        "luoding",
        today,
        today,
    )
    assert case.application_id is None and case.notice.organ_name == "罗定市人民法院"
    assert case.is_sealed, "a minor's criminal record is sealed (刑事诉讼法 第二百八十六条)"
    assert case.notice.file.name.startswith("notices/")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.Notice").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "罗定市人民法院" in page and "盗窃罪" in page
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "指派律师（收到通知后3日内）" in client.get(response["Location"]).content.decode()


def test_the_notice_goes_to_the_office_where_the_organ_sits(client, personas):
    """市域通办: a 云城 clerk registers 罗定市公安局's notice; a city-level court goes to the city office."""
    post(
        client,
        personas[(Role.CLERK, "yuncheng")],
        organ=KnownAuthority.objects.get(name="罗定市公安局").pk,
        stage="investigation",
        ground=NoticeGround.objects.get(article=LIFE_OR_DEATH).pk,
    )
    post(
        client,
        personas[(Role.CLERK, "yuncheng")],
        organ=KnownAuthority.objects.get(name="云浮市中级人民法院").pk,
        notice_number="云中法援通〔2026〕3号",
        ground=NoticeGround.objects.get(article=LIFE_OR_DEATH).pk,
    )
    offices = dict(Case.objects.values_list("notice__organ_name", "office__slug"))
    assert offices == {"罗定市公安局": "luoding", "云浮市中级人民法院": "city"}
    assert Case.objects.get(notice__organ_name="罗定市公安局").may_bring_life_or_death


def test_compulsory_medical_has_its_own_number_series(client, personas):
    post(
        client,
        personas[(Role.REVIEWER, "luoding")],
        stage="compulsory_medical",
        ground=NoticeGround.objects.get(article=COMPULSORY_MEDICAL).pk,
        person_birth_date="1970-01-01",
    )
    case = Case.objects.get()
    assert case.number == f"（{timezone.localdate().year}）罗定法援强医字第0001号"
    assert case.category == "criminal" and not case.is_sealed


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organ": "", "other_organ_name": ""}, "organ", "请选择通知机关"),
        ({"notice_date": "in three days"}, "notice_date", "不能晚于今天"),
        ({"ground": "999999"}, "ground", "选择"),
        ({"person_id_number": "44538120100301001" + "0"}, "person_id_number", "身份证号"),
        ({"stage": "investigation"}, "stage", "公安机关或人民检察院"),
    ],
    ids=["missing-organ", "future-notice-date", "unknown-ground", "wrong-check-character", "organ-not-of-stage"],
)
def test_a_bad_notice_is_refused_by_its_field_and_nothing_is_saved(client, personas, overrides, field, message):
    if field == "notice_date":
        overrides = {"notice_date": (timezone.localdate() + timedelta(days=3)).isoformat()}
    if field == "person_id_number":
        first17 = "44538120100301001"
        wrong = "0" if id_check_character(first17) != "0" else "1"
        overrides = {"person_id_number": first17 + wrong}
    response = post(client, personas[(Role.CLERK, "luoding")], **overrides)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Notice.objects.exists() and not Case.objects.exists()
    assert files_on_disk() == []


def test_the_same_organs_notice_number_twice_is_refused_naming_the_case(client, personas):
    post(client, personas[(Role.CLERK, "luoding")])
    first = Case.objects.get()
    response = post(client, personas[(Role.CLERK, "yunnan")])
    assert response.status_code == 400
    assert f"该通知书已登记，案件编号{first.number}" in " ".join(response.context["form"].errors["notice_number"])
    assert Case.objects.count() == 1 and len(files_on_disk()) == 1


def _notified_case(client, personas, **overrides) -> Case:
    post(client, personas[(Role.CLERK, "luoding")], **overrides)
    return Case.objects.get()


def test_only_a_practising_lawyer_with_three_years_takes_a_death_penalty_notice(client, personas, make_user):
    case = _notified_case(
        client, personas, ground=NoticeGround.objects.get(article=LIFE_OR_DEATH).pk, person_birth_date="1980-01-01"
    )
    reviewer = personas[(Role.REVIEWER, "luoding")]
    staff = make_handler(personas[(Role.CLERK, "luoding")], kind=HandlerKind.STAFF)
    junior = make_handler(make_user("junior", Role.HANDLER, office="luoding"), years=2)
    senior = make_handler(personas[(Role.HANDLER, "luoding")], years=5)
    client.force_login(reviewer)
    for handler, refusal in ((staff, "须指派律师"), (junior, "三年以上执业经历")):
        response = client.post(f"/staff/cases/{case.pk}/assign/", {"handler": handler.pk})
        assert response.status_code == 400
        assert refusal in " ".join(response.context["assign_form"].errors["handler"])
    assert client.get(f"/staff/cases/{case.pk}/letters/organ/").status_code == 404  # nobody assigned yet
    assert client.post(f"/staff/cases/{case.pk}/assign/", {"handler": senior.pk}).status_code == 302
    letter = client.get(f"/staff/cases/{case.pk}/letters/organ/").content.decode()
    assert "法律援助公函" in letter and "罗定市人民法院：" in letter and senior.user.display_name in letter
    assert "被告人" in letter and "辩护人" in letter


def test_the_assignment_form_marks_lawyers_who_know_minors(client, personas, make_user):
    case = _notified_case(client, personas)  # 第二十五条第一款第一项: a minor
    knows = make_handler(make_user("knows-minors", Role.HANDLER, office="luoding"))
    knows.familiar_with_minors = True
    knows.save(update_fields=["familiar_with_minors"])
    make_handler(personas[(Role.HANDLER, "luoding")])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert page.count("★熟悉未成年人案件") == 1


def test_the_dashboard_shows_the_notices_three_day_clock(client, personas):
    with time_machine.travel(ORDINARY_DAY):  # no holiday between the notice and its due date
        received = timezone.localdate() - timedelta(days=3)
        post(
            client,
            personas[(Role.CLERK, "luoding")],
            received_on=received.isoformat(),
            notice_date=received.isoformat(),
        )
        items = deadline_items(personas[(Role.REVIEWER, "luoding")], today=timezone.localdate())
    assert [(item.kind, item.due_on) for item in items] == [("指派（通知辩护）", calendar.add_days(received, 3))]


def test_the_scan_is_served_only_to_those_who_see_the_case(client, personas):
    case = _notified_case(client, personas)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.get(f"/staff/cases/{case.pk}/notice/scan/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(personas[(Role.REVIEWER, "yunan")])
    assert client.get(f"/staff/cases/{case.pk}/notice/scan/").status_code == 404


def test_a_notified_case_is_assigned_through_the_service_too(personas, client):
    case = _notified_case(
        client,
        personas,
        person_birth_date="1990-01-01",
        ground=NoticeGround.objects.get(article="第二十五条第一款第二项").pk,
    )
    staff = make_handler(personas[(Role.CLERK, "luoding")], kind=HandlerKind.STAFF)
    with pytest.raises(Exception, match="须指派律师"):
        services.assign(case, handler=staff, by=personas[(Role.REVIEWER, "luoding")])


def test_a_worklist_of_one_kind_reads_only_that_door_of_the_assignment_clock(client, personas):
    """The 指派 clock is one clock with two names (第三十六条 for a notified case): a worklist that
    asks for one name gets only the cases opened through that door, counted and listed alike."""
    from cases.selectors import due_work
    from tests.cases.factories import make_case

    with time_machine.travel(ORDINARY_DAY - timedelta(days=3)):
        received = timezone.localdate()
        post(
            client,
            personas[(Role.CLERK, "luoding")],
            received_on=received.isoformat(),
            notice_date=received.isoformat(),
        )
        by_application = make_case(personas)
    reviewer, today = personas[(Role.REVIEWER, "luoding")], ORDINARY_DAY.date()

    def kinds_of(*kinds: str) -> tuple[list[str], int]:
        work = due_work(reviewer, today=today, kinds=frozenset(kinds))
        return [item.kind for item in work.items], sum(work.counts.values())

    assert kinds_of("指派（通知辩护）") == (["指派（通知辩护）"], 1)
    assert kinds_of("指派") == (["指派"], 1)
    assert sorted(kinds_of("指派", "指派（通知辩护）")[0]) == ["指派", "指派（通知辩护）"]
    assert kinds_of("委托协议") == ([], 0)
    assert by_application.number in {item.number for item in due_work(reviewer, today=today).items}
