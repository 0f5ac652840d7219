"""The duplicate guard tells a clerk only what they may know (issue 10, item 5): another county's
application is named by the office that handles it, never by its number or status; each such mention
is audited; the ID-number lookups a clerk can make are rate-limited per user."""

from accounts.models import Office, Role
from applications.models import Application
from audit.models import AuditAction, AuditEntry
from tests.applications.factories import form_data, pdf, submit


def test_another_countys_application_is_named_only_by_its_office_and_audited(client, personas):
    elsewhere = submit()  # online, handled by 罗定
    clerk = personas[(Role.CLERK, "yuncheng")]
    client.force_login(clerk)
    response = client.post("/staff/applications/new/", form_data())
    errors = response.context["form"].errors["duplicate_reason"]
    assert errors == [
        "该申请人已有同类（劳动争议）未办结申请：罗定市法律援助处承办的一件申请。如确需再次登记，请写明理由。"
    ]
    page = response.content.decode()
    assert elsewhere.number not in page
    assert "待审查" not in errors[0]
    reveal = AuditEntry.objects.get(action=AuditAction.REVEAL_DUPLICATE)
    assert (reveal.actor, reveal.object_id) == (clerk, str(elsewhere.pk))
    assert reveal.ip_address == "127.0.0.1"
    assert Application.objects.count() == 1


def test_an_application_the_clerk_may_see_is_named_in_full_and_not_audited(client, personas):
    own = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post("/staff/applications/new/", form_data())
    assert f"{own.number}（罗定市法律援助处，待审查）" in response.context["form"].errors["duplicate_reason"][0]
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL_DUPLICATE).exists()


def test_the_application_page_names_another_countys_duplicate_only_by_its_office(client, personas):
    elsewhere = submit()
    clerk = personas[(Role.CLERK, "yuncheng")]
    here = submit(
        receiving_office=Office.objects.get(slug="yuncheng"),
        by=clerk,
        authority_name="云浮市云城区人民法院",
        authority_location="445302",
        duplicate_reason="申请人坚持再次申请",
    )
    client.force_login(personas[(Role.REVIEWER, "yuncheng")])
    page = client.get(f"/staff/applications/{here.pk}/").content.decode()
    assert "罗定市法律援助处承办的一件申请" in page
    assert elsewhere.number not in page
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL_DUPLICATE, object_id=str(elsewhere.pk)).exists()


def test_duplicate_lookups_are_rate_limited_per_clerk(client, personas, settings):
    settings.LEGALAID_CLERK_LOOKUPS_PER_HOUR = 2
    submit()
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    for _ in range(2):
        assert "罗定市法律援助处承办" in client.post("/staff/applications/new/", form_data()).content.decode()
    refused = client.post("/staff/applications/new/", form_data())
    assert refused.context["form"].errors["id_number"] == ["查询过于频繁（每小时最多2次），请稍后再试。"]
    assert "罗定市法律援助处承办" not in refused.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL_DUPLICATE).count() == 2
    # Another clerk has their own count.
    client.force_login(personas[(Role.CLERK, "yunan")])
    assert "罗定市法律援助处承办" in client.post("/staff/applications/new/", form_data()).content.decode()


def test_supplement_drop_lookups_are_rate_limited_per_clerk(client, personas, settings):
    settings.LEGALAID_CLERK_LOOKUPS_PER_HOUR = 2
    application = submit()
    client.force_login(personas[(Role.CLERK, "xinxing")])
    wrong = {"number": application.number, "id_last6": "000000"}
    for _ in range(2):
        page = client.post("/staff/applications/supplement-drop/", {**wrong, "files": [pdf()]}).content.decode()
        assert "未找到待补正的申请" in page
    refused = client.post("/staff/applications/supplement-drop/", {**wrong, "files": [pdf()]})
    assert "查询过于频繁（每小时最多2次），请稍后再试。" in refused.content.decode()
    assert "未找到待补正的申请" not in refused.content.decode()
    client.force_login(personas[(Role.CLERK, "yunnan")])
    page = client.post("/staff/applications/supplement-drop/", {**wrong, "files": [pdf()]}).content.decode()
    assert "未找到待补正的申请" in page


def test_spec_3_duplicate_guard_online_flags_the_new_application_for_the_reviewer(client, personas):
    """SPEC §3 duplicate guard, online: not refused, the citizen told nothing, the reviewer sees a flag
    (the same rule as the clerk's warning: same ID number, open, same 事项类别)."""
    earlier = submit()
    response = client.post(
        "/apply/", {**form_data(), "identity_files": pdf(), "matter_files": pdf("欠条.pdf")}, follow=True
    )
    receipt = response.content.decode()
    assert response.status_code == 200
    assert earlier.number not in receipt and "重复" not in receipt
    new = Application.objects.exclude(pk=earlier.pk).get()
    assert new.flagged_duplicate and not earlier.flagged_duplicate
    client.post("/track/", {"number": new.number, "id_last6": new.id_number[-6:]})
    assert "重复" not in client.get("/track/status/").content.decode()

    client.force_login(personas[(Role.REVIEWER, "luoding")])
    queue = client.get("/staff/applications/").content.decode()
    assert queue.count('data-testid="duplicate-flag"') == 1
    page = client.get(f"/staff/applications/{new.pk}/").content.decode()
    assert f"该申请人已有同类（劳动争议）未办结申请：{earlier.number}" in page


def test_spec_3_duplicate_guard_online_another_category_is_no_duplicate(client, personas):
    submit(category="civil")
    client.post("/apply/", {**form_data(), "identity_files": pdf(), "matter_files": pdf("欠条.pdf")})
    assert not Application.objects.get(category="labour").flagged_duplicate
