"""A handler works with their client (issue 13 §4): on their own case page the client's full phone
and the application's materials, and the application itself — theirs only, each showing of the full
ID number on the record as for office staff."""

from accounts.models import Role
from applications import services as intake
from audit.models import AuditAction, AuditEntry
from cases import services
from cases.models import Case
from tests.applications.factories import pdf, service_data
from tests.cases.factories import make_handler, reviewer_of


def _assigned_case(personas, handler_user=None) -> Case:
    application = intake.submit_application(
        data=service_data(phone="13912345678"), uploads={"identity": [pdf("身份证.pdf")]}, receiving_office=None
    )
    reviewer = reviewer_of(personas, "luoding")
    case = services.approve(application, by=reviewer)
    handler = make_handler(handler_user or personas[(Role.HANDLER, "luoding")])
    return services.assign(case, handler=handler, by=reviewer)


def test_the_handler_sees_the_clients_full_phone_and_the_materials_on_their_case(client, personas):
    case = _assigned_case(personas)
    client.force_login(personas[(Role.HANDLER, "luoding")])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert '<span data-testid="client-phone">13912345678</span>' in page
    material = case.application.materials.get()
    assert f'href="/staff/materials/{material.pk}/">身份证.pdf</a>' in page
    assert f'<a href="/staff/applications/{case.application.pk}/">{case.application.number}</a>' in page

    response = client.get(f"/staff/materials/{material.pk}/")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_FILE, actor=personas[(Role.HANDLER, "luoding")], object_id=str(case.application.pk)
    ).exists()


def test_office_staff_still_see_the_phone_masked_on_the_case_page(client, personas):
    case = _assigned_case(personas)
    client.force_login(reviewer_of(personas, "luoding"))
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert '<span data-testid="client-phone">139****5678</span>' in page


def test_the_handler_reads_the_application_of_their_case_and_the_view_is_audited(client, personas):
    case = _assigned_case(personas)
    handler = personas[(Role.HANDLER, "luoding")]
    client.force_login(handler)
    response = client.get(f"/staff/applications/{case.application.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert case.application.id_number in body
    assert "不予法律援助" not in body and "一次性告知补正" not in body  # reading, not deciding
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW_ID_NUMBER, actor=handler, object_id=str(case.application.pk)
        ).count()
        == 1
    )
    assert client.post(f"/staff/applications/{case.application.pk}/refuse/", {"reason": "x"}).status_code == 403


def test_other_handlers_and_a_former_handler_cannot_open_the_application(client, personas, make_user):
    case = _assigned_case(personas)
    colleague = make_user("lawyer-colleague", Role.HANDLER, office="luoding")
    material = case.application.materials.get()
    client.force_login(colleague)
    assert client.get(f"/staff/applications/{case.application.pk}/").status_code == 404
    assert client.get(f"/staff/materials/{material.pk}/").status_code == 404

    # Reassigned: the file goes with the case.
    services.assign(case, handler=make_handler(colleague), reason="原承办人回避", by=reviewer_of(personas, "luoding"))
    client.force_login(colleague)
    assert client.get(f"/staff/applications/{case.application.pk}/").status_code == 200
    client.force_login(personas[(Role.HANDLER, "luoding")])
    assert client.get(f"/staff/applications/{case.application.pk}/").status_code == 404


def test_the_handler_prints_their_clients_approval_letter_and_receipt(client, personas):
    case = _assigned_case(personas)
    client.force_login(personas[(Role.HANDLER, "luoding")])
    letter = client.get(f"/staff/applications/{case.application.pk}/letters/approval/").content.decode()
    assert case.number in letter and "13912345678" not in letter
    assert client.get(f"/staff/applications/{case.application.pk}/receipt/").status_code == 200
