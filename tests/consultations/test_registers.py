"""法律咨询 and 代拟法律文书: registering (refusals by field in Chinese, nothing saved), 转为申请 (the
walk-in form prefilled, the link kept, a second conversion refused), scopes, selectors, query counts."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Office, Role
from applications.models import Application
from audit.models import AuditEntry
from consultations import selectors, services
from consultations.models import Consultation, DocumentType, DraftedDocument
from tests.cases.factories import id_number
from tests.consultations.factories import consult, draft

pytestmark = pytest.mark.django_db
BASE = 7  # session, user, groups, the header's office, the session's save (savepoint, update, release)


# --- registering ----------------------------------------------------------------------------------
def test_a_clerk_registers_a_consultation_and_a_document(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    today = timezone.localdate().isoformat()
    response = client.post(
        "/staff/consultations/new/",
        {
            "channel": "phone",
            "consulted_on": today,
            "category": "civil",
            "people": "3",
            "summary": "离婚财产分割。",
            "name": "",
            "phone": "0766-3812345",
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/consultations/{consultation.pk}/"
    assert consultation.office.slug == "luoding" and consultation.people == 3
    assert AuditEntry.objects.filter(object_type="consultations.Consultation").exists()
    document_type = DocumentType.objects.get(name="起诉状")
    response = client.post(
        "/staff/documents/new/",
        {"drafted_on": today, "document_type": document_type.pk, "category": "civil", "copies": "2", "note": ""},
    )
    assert response.status_code == 302
    assert DraftedDocument.objects.get().copies == 2


def test_bad_input_is_refused_by_field_and_nothing_is_saved(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        "/staff/consultations/new/",
        {
            "channel": "visit",
            "consulted_on": tomorrow,
            "category": "civil",
            "people": "0",
            "summary": "x",
            "phone": "12345",
        },
    )
    page = response.content.decode()
    assert "人次至少为1。" in page and "请输入有效的手机号码或固定电话（如0766-8888888）。" in page
    response = client.post(
        "/staff/consultations/new/",
        {"channel": "visit", "consulted_on": tomorrow, "category": "civil", "people": "1", "summary": "x"},
    )
    assert "日期不能晚于今天。" in response.content.decode()
    response = client.post(
        "/staff/documents/new/",
        {"drafted_on": tomorrow, "document_type": DocumentType.objects.first().pk, "category": "civil", "copies": "0"},
    )
    assert "件数至少为1。" in response.content.decode()
    assert not Consultation.objects.exists() and not DraftedDocument.objects.exists()


def test_only_clerks_register(personas):
    for who in (personas[(Role.REVIEWER, "luoding")], personas["city"], personas[(Role.HANDLER, "luoding")]):
        with pytest.raises(PermissionDenied, match="只有法律援助机构的窗口受理员可以登记法律咨询"):
            services.register_consultation(
                channel="visit", consulted_on=timezone.localdate(), category="civil", summary="x", by=who
            )


# --- 转为申请 ---------------------------------------------------------------------------------------
def walk_in_post(page_initial: dict, token: str) -> dict:
    return {
        "applicant_name": page_initial["applicant_name"],
        "id_number": id_number(timezone.localdate().replace(year=1980)),
        "phone": page_initial["phone"],
        "household_address": "广东省罗定市罗城街道",
        "residence": "445381",
        "category": page_initial["category"],
        "summary": page_initial["summary"],
        "authority_location": "445381",
        "economic_basis": "hardship",
        "integrity_pledge": "on",
        "origin": token,
        "submission_token": str(uuid.uuid4()),  # each post from a fresh page, as a browser sends it
    }


def test_convert_prefills_the_walk_in_form_and_keeps_the_link(client, personas):
    consultation = consult(personas)
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert "转为申请" in client.get(f"/staff/consultations/{consultation.pk}/").content.decode()
    response = client.post(f"/staff/consultations/{consultation.pk}/convert/")
    assert response.status_code == 302 and response["Location"] == "/staff/applications/new/"
    response = client.get("/staff/applications/new/")
    form = response.context["form"]
    assert form.initial["applicant_name"] == "陈大文" and form.initial["phone"] == "13800138000"
    assert form.initial["category"] == "labour" and form.initial["summary"].startswith("被拖欠工资")
    token = response.context["origin_token"]
    assert token and 'name="origin"' in response.content.decode()
    # A reload of the form is a plain form again (the prefill is taken once).
    assert client.get("/staff/applications/new/").context["origin_token"] == ""

    response = client.post("/staff/applications/new/", walk_in_post(form.initial, token))
    application = Application.objects.get()
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.application == application
    assert AuditEntry.objects.filter(object_type="consultations.Consultation", to_state=application.number).exists()
    page = client.get(f"/staff/consultations/{consultation.pk}/").content.decode()
    assert application.number in page and "转为申请</button>" not in page
    assert client.post(f"/staff/consultations/{consultation.pk}/convert/").status_code == 403

    # The same token again (a second tab, a resubmission): refused, nothing saved.
    response = client.post("/staff/applications/new/", walk_in_post(form.initial, token))
    assert f"该咨询已转为申请 {application.number}，不能重复转为申请。" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_tampered_origin_links_nothing(client, personas):
    consultation = consult(personas)
    client.force_login(personas[(Role.CLERK, "luoding")])
    initial = {"applicant_name": "陈大文", "phone": "13800138000", "category": "labour", "summary": "讨薪。"}
    response = client.post("/staff/applications/new/", walk_in_post(initial, f"consultation:{consultation.pk}"))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.application is None


# --- scopes, selectors, query counts --------------------------------------------------------------
def test_office_staff_see_their_register_city_all_and_others_404(client, personas):
    mine = consult(personas, "luoding", name="罗定人")
    theirs = consult(personas, "yunnan", name="郁南人")
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/consultations/").content.decode()
    assert "罗**" in page and "郁**" not in page and "138****8000" in page and "罗定人" not in page
    assert client.get(f"/staff/consultations/{mine.pk}/").status_code == 200
    assert client.get(f"/staff/consultations/{theirs.pk}/").status_code == 404
    client.force_login(personas["city"])
    page = client.get("/staff/consultations/").content.decode()
    assert "罗**" in page and "郁**" in page


def test_selectors_sum_people_and_copies_by_office_and_date(personas):
    today = timezone.localdate()
    consult(personas, "luoding", people=3)
    consult(personas, "luoding", people=2, consulted_on=today - timedelta(days=40))
    consult(personas, "yunnan")
    draft(personas, "luoding", copies=2)
    draft(personas, "yunnan", drafted_on=today - timedelta(days=40))
    offices = list(Office.objects.all())
    ids = {o.slug: o.pk for o in offices}
    office_ids = [office.pk for office in offices]
    with CaptureQueriesContext(connection) as context:
        counts = selectors.consultation_counts(office_ids=office_ids, start=today - timedelta(days=1), end=today)
        documents = selectors.document_counts(office_ids=office_ids, start=today - timedelta(days=1), end=today)
    assert len(context) == 2
    month = today.month
    assert counts == {(ids["luoding"], month): 3, (ids["yunnan"], month): 1}
    assert documents == {(ids["luoding"], month): 2}


@pytest.mark.parametrize("rows", [1, 4])
def test_list_pages_run_a_fixed_number_of_queries(client, personas, rows):
    for n in range(rows):
        consult(personas, "luoding", name=f"咨询人{n}")
        draft(personas, "luoding")
    client.force_login(personas["city"])
    for path in ("/staff/consultations/", "/staff/documents/"):
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        # BASE, then the count and one page of rows (with their office, recorder, and the linked
        # application or the document type, joined).
        assert len(context) == BASE + 2, path
