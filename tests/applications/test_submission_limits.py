"""Volume limits, the /apply/ rate limit and one application per form page (issue 10, item 2)."""

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from accounts.models import Role
from applications import services
from applications.models import Application, Material
from tests.applications.factories import form_data, pdf, service_data
from tests.files import PDF


def stored_files(settings) -> list:
    from pathlib import Path

    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def padded_pdf(name: str, size: int) -> SimpleUploadedFile:
    """A real PDF of exactly `size` bytes (whitespace after %%EOF)."""
    return SimpleUploadedFile(name, PDF + b"\n" * (size - len(PDF)), content_type="application/pdf")


# --- one application per form page ------------------------------------------------------------------
def test_the_same_page_posted_twice_makes_one_application_and_lands_on_its_page(client, db):
    data = {**form_data(), "identity_files": pdf("身份证.pdf")}
    first = client.post("/apply/", data)
    data["identity_files"] = pdf("身份证.pdf")  # the browser sends the file again
    second = client.post("/apply/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/apply/submitted/"
    application = Application.objects.get()
    assert Material.objects.filter(application=application).count() == 1
    assert application.number in client.get("/apply/submitted/").content.decode()


def test_a_replay_from_another_browser_makes_no_second_application(client, db):
    data = form_data()
    client.post("/apply/", data)
    replay = Client().post("/apply/", data)
    assert replay.status_code == 302
    assert Application.objects.count() == 1


def test_two_pages_make_two_applications(client, db):
    from tests.applications.factories import make_id_number

    client.post("/apply/", form_data())
    client.post("/apply/", form_data(id_number=make_id_number(sequence="456")))
    assert Application.objects.count() == 2


def test_the_form_page_carries_a_fresh_token_and_a_post_without_one_is_refused(client, db):
    def token() -> str:
        page = client.get("/apply/").content.decode()
        return re.search(r'type="hidden" name="submission_token" value="([0-9a-f-]{36})"', page).group(1)

    assert token() != token()
    response = client.post("/apply/", form_data(submission_token=None))
    assert "页面已失效，请刷新页面后重新填写提交" in response.content.decode()
    assert not Application.objects.exists()


def test_a_double_click_on_the_walk_in_form_registers_once(client, personas):
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    data = form_data()
    first = client.post("/staff/applications/new/", data)
    # The first post made an open application of this person: without the token the second would be
    # held back by the duplicate guard instead of landing on the same page.
    second = client.post("/staff/applications/new/", data)
    application = Application.objects.get()
    assert first["Location"] == second["Location"] == f"/staff/applications/{application.pk}/?registered=1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_one_page_at_the_same_instant_make_one_application(reference_data, settings):
    data = form_data()
    barrier = threading.Barrier(2)
    answers: list[str] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post("/apply/", {**data, "identity_files": pdf("身份证.pdf")})
            answers.append(response["Location"])
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert answers == ["/apply/submitted/", "/apply/submitted/"]
    assert Application.objects.count() == 1
    # The loser's file was removed with its rolled-back rows.
    assert len(stored_files(settings)) == Material.objects.count() == 1


# --- volume ---------------------------------------------------------------------------------------
def test_too_many_files_in_one_request_are_refused_by_the_field(client, db, settings):
    settings.LEGALAID_UPLOAD_MAX_FILES = 3
    files = {
        "identity_files": [pdf("身份证.pdf"), pdf("户口簿.pdf")],
        "matter_files": [pdf(f"{n}.pdf") for n in range(2)],
    }
    response = client.post("/apply/", {**form_data(), **files})
    assert response.context["form"].errors["matter_files"] == ["一次最多上传3个文件（本次4个），请精简后重新提交。"]
    assert not Application.objects.exists()
    assert not stored_files(settings)


def test_too_many_bytes_in_one_request_are_refused_by_the_field(client, db, settings):
    settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES = 8 * 1024
    files = {"identity_files": padded_pdf("身份证.pdf", 5 * 1024), "economic_files": padded_pdf("收入.pdf", 4 * 1024)}
    response = client.post("/apply/", {**form_data(), **files})
    assert response.context["form"].errors["economic_files"] == [
        "一次上传的文件合计不能超过8 KB（本次9 KB），请压缩后重新提交。"
    ]
    assert not Application.objects.exists()


def test_a_body_beyond_any_acceptable_form_is_refused_unread(client, db, settings):
    settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES = 8 * 1024
    # Beyond the allowance for form fields too: answered 413 before the body is parsed.
    big = padded_pdf("扫描.pdf", 1024 * 1024 + 16 * 1024)
    response = client.post("/apply/", {**form_data(), "identity_files": big})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert not Application.objects.exists()


def test_an_application_holds_at_most_the_configured_bytes(client, personas, settings):
    settings.LEGALAID_UPLOAD_MAX_APPLICATION_BYTES = 12 * 1024
    application = services.submit_application(
        data={**_service_data()}, uploads={"identity": [padded_pdf("身份证.pdf", 8 * 1024)]}, receiving_office=None
    )
    services.request_supplement(application, items=["欠条"], note="", by=personas[(Role.CLERK, "luoding")])
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    response = client.post("/track/supplement/", {"files": [padded_pdf("欠条.pdf", 5 * 1024)]})
    assert response.status_code == 400
    assert response.context["upload_form"].errors["files"] == [
        "每件申请的材料合计不能超过12 KB（已有8 KB，本次合计将达13 KB），请压缩后重新上传，或到窗口提交纸质材料。"
    ]
    assert application.materials.count() == 1
    assert len(stored_files(settings)) == 1


def _service_data() -> dict:
    from tests.applications.factories import service_data

    return service_data()


# --- the /apply/ rate limit ----------------------------------------------------------------------
def test_apply_posts_are_rate_limited_per_client(client, db, settings):
    settings.LEGALAID_APPLY_POSTS_PER_HOUR = 2
    client.post("/apply/", {**form_data(), "applicant_name": ""}, REMOTE_ADDR="198.51.100.1")
    client.post("/apply/", {**form_data(), "applicant_name": ""}, REMOTE_ADDR="198.51.100.1")
    refused = client.post("/apply/", form_data(), REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    assert "提交次数过多，请一小时后再试" in refused.content.decode()
    assert not Application.objects.exists()
    # Another citizen is not held back.
    assert client.post("/apply/", form_data(), REMOTE_ADDR="198.51.100.2").status_code == 302


def test_submitting_through_the_service_twice_with_one_token_returns_the_first(db, settings):
    token = "6f1c1d6e-3f0e-4c43-9a39-1b2d3c4d5e6f"

    def submit_with_a_file(**overrides) -> Application:
        return services.submit_application(
            data=service_data(**overrides), uploads={"identity": [pdf("身份证.pdf")]}, receiving_office=None
        )

    first = submit_with_a_file(submission_token=token)
    again = submit_with_a_file(submission_token=token)
    assert again == first
    assert Application.objects.count() == 1
    # The replay was refused by the database and rolled back whole: its file removed, its number
    # given back, so the next application takes the next number.
    assert len(stored_files(settings)) == Material.objects.count() == 1
    following = submit_with_a_file(submission_token="0b7d9c52-58a4-4a8f-9d5e-2c1a3e4f5a6b")
    assert int(following.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1
