import re

import pytest

from applications.models import Application, Channel, Material, Status
from audit.models import AuditAction, AuditEntry
from tests.applications.factories import form_data, make_id_number, pdf


@pytest.fixture
def files():
    return {"identity_files": pdf("身份证.pdf"), "matter_files": pdf("欠条.pdf")}


def test_citizen_applies_online_and_sees_number_and_next_steps(client, db, files):
    response = client.post("/apply/", {**form_data(), **files}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    number = re.search(r"YF-\d{4}-\d{6}", body).group(0)
    application = Application.objects.get(number=number)
    assert application.channel == Channel.ONLINE
    assert application.receiving_office is None
    assert application.responsible_office.code == "445381"
    assert application.phone == "13800005678"
    assert application.birth_date.isoformat() == "1980-05-17"
    assert application.sex == "男"
    assert application.status == Status.PENDING_REVIEW
    assert "罗定市法律援助处" in body
    assert Material.objects.filter(application=application).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(application.pk)).exists()


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (make_id_number()[:-1] + ("0" if make_id_number()[-1] != "0" else "1"), "校验位不正确"),
        ("44538119800230123" + "X", "不存在"),
        (make_id_number()[:17], "您输入了17位"),
        (make_id_number() + "1", "您输入了19位"),
        ("4453811980A517123X", "只能由数字"),
    ],
)
def test_bad_id_numbers_are_refused_next_to_the_field_and_nothing_saved(client, db, files, id_number, message):
    response = client.post("/apply/", {**form_data(id_number=id_number), **files})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="error_1_id_id_number"' in response.content.decode()
    assert "陈大文" in response.content.decode()  # the form keeps what was typed
    assert not Application.objects.exists()
    assert not Material.objects.exists()


def test_lower_case_x_is_accepted_and_stored_upper_case(client, db, files):
    id_number = make_id_number(sequence="102")
    while not id_number.endswith("X"):
        id_number = make_id_number(sequence=f"{int(id_number[14:17]) + 2:03d}")
    client.post("/apply/", {**form_data(id_number=id_number.lower()), **files})
    assert Application.objects.get().id_number == id_number


def test_executable_renamed_pdf_is_refused(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    response = client.post("/apply/", {**form_data(), "identity_files": fake})
    assert "不是PDF、JPG或PNG文件" in response.content.decode()
    assert not Application.objects.exists()


def test_hardship_needs_the_pledge_and_exemption_needs_a_ground(client, db, files):
    response = client.post("/apply/", {**form_data(integrity_pledge=None), **files})
    assert "须签署个人诚信承诺" in response.content.decode()
    response = client.post("/apply/", {**form_data(economic_basis="exempt", integrity_pledge=None), **files})
    body = response.content.decode()
    assert "请选择免予核查经济困难状况（法律援助法第四十二条）的具体情形" in body
    assert not Application.objects.exists()


def test_a_minor_needs_an_agent_with_proof(client, db, files):
    from datetime import date

    minor = make_id_number(birth=date(2015, 3, 1))
    response = client.post("/apply/", {**form_data(id_number=minor), **files})
    body = response.content.decode()
    assert "申请人未满18周岁" in body
    assert not Application.objects.exists()

    guardian = make_id_number(birth=date(1985, 1, 1), sequence="222")
    response = client.post(
        "/apply/",
        {
            **form_data(id_number=minor, agent_name="陈父", agent_relation="guardian", agent_id_number=guardian),
            "identity_files": pdf("出生证明.pdf"),
            "agent_files": pdf("户口簿.pdf"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().agent_name == "陈父"


def test_city_level_authority_routes_to_the_city_office(client, db, files):
    client.post(
        "/apply/",
        {**form_data(authority_name="云浮市中级人民法院", authority_location="unknown", category="civil"), **files},
    )
    assert Application.objects.get().responsible_office.code == "445300"


def test_authority_outside_yunfu_is_accepted_and_flagged_for_transfer(client, db, files):
    client.post("/apply/", {**form_data(authority_name="广州市中级人民法院", authority_location="outside"), **files})
    application = Application.objects.get()
    assert application.transfer_out_required
    assert application.responsible_office.code == "445381"  # the applicant's residence office takes it in


def test_unknown_authority_routes_by_residence(client, db, files):
    client.post("/apply/", {**form_data(authority_name="", authority_location="unknown", residence="445322"), **files})
    assert Application.objects.get().responsible_office.code == "445322"


def test_a_known_city_level_authority_routes_to_the_city_office_wherever_it_sits(client, db, files):
    client.post(
        "/apply/",
        {**form_data(authority_name="云浮市中级人民法院", authority_location="445302", category="civil"), **files},
    )
    assert Application.objects.get().responsible_office.code == "445300"


def test_grandparents_are_not_near_relatives_in_a_criminal_matter(client, db, files):
    from datetime import date

    minor = make_id_number(birth=date(2012, 3, 1))
    grandparent = make_id_number(birth=date(1950, 1, 1), sequence="222")
    response = client.post(
        "/apply/",
        {
            **form_data(
                id_number=minor,
                category="criminal",
                authority_name="罗定市公安局",
                agent_name="陈祖父",
                agent_relation="grandparent",
                agent_id_number=grandparent,
            ),
            **files,
            "agent_files": pdf("户口簿.pdf"),
        },
    )
    assert "刑事诉讼法第一百零八条" in response.content.decode()
    assert not Application.objects.exists()


def test_a_submission_costs_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    """Pinned so that a regression shows without the benchmark (issue 14: ≥ 100 submissions/s)."""

    def post(sequence: str):
        files = {"identity_files": pdf("身份证.pdf"), "matter_files": pdf("欠条.pdf")}
        return client.post("/apply/", {**form_data(id_number=make_id_number(sequence=sequence)), **files})

    post("801")  # the first request of a process reads what it keeps (the checklist, the offices' list)
    # the session; the rate counter; the page's token already used?; in a transaction: the offices
    # and the known authorities (routing), an open duplicate?, the number, the application, its two
    # files in one statement, the audit row, the text message (with the calendar for the date it
    # names); the task that sends it; the session written back.
    with django_assert_num_queries(17):
        assert post("802").status_code == 302
