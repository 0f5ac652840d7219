import pytest

from accounts.models import Office, Role
from applications.models import Application, Channel
from cases import services as case_services
from core.numbering import next_number
from tests.applications.factories import form_data, make_id_number, submit


def test_clerk_registers_a_walk_in_for_another_county(client, personas):
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    response = client.post("/staff/applications/new/", form_data())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{application.pk}/?registered=1"
    assert application.channel == Channel.WALK_IN
    assert application.receiving_office.slug == "yuncheng"
    assert application.responsible_office.slug == "luoding"
    assert application.received_by == personas[(Role.CLERK, "yuncheng")]
    assert application.routing_basis == "办案机关或争议处理机关所在地：罗定市"


def test_the_responsible_office_sees_it_and_others_do_not(client, personas):
    application = submit(receiving_office=Office.objects.get(slug="yuncheng"), by=personas[(Role.CLERK, "yuncheng")])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert application.number in client.get("/staff/applications/").content.decode()
    client.force_login(personas[(Role.REVIEWER, "yunnan")])
    assert application.number not in client.get("/staff/applications/").content.decode()
    assert client.get(f"/staff/applications/{application.pk}/").status_code == 404
    # The receiving office keeps read access but may not decide.
    client.force_login(personas[(Role.REVIEWER, "yuncheng")])
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert "准予法律援助" not in page
    assert client.post(f"/staff/applications/{application.pk}/approve/").status_code == 403


def test_duplicate_open_application_is_shown_before_saving_and_needs_a_reason(client, personas):
    first = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post("/staff/applications/new/", form_data())
    assert first.number in response.content.decode()
    assert "请写明理由" in response.content.decode()
    assert Application.objects.count() == 1
    response = client.post(
        "/staff/applications/new/", form_data(duplicate_reason="前一申请材料丢失，申请人要求重新登记")
    )
    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_walk_in_is_for_clerks_only(client, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get("/staff/applications/new/").status_code == 403


def test_queue_masks_id_numbers_and_phones(client, personas):
    submit(id_number=make_id_number(sequence="555"))
    client.force_login(personas[(Role.CLERK, "luoding")])
    page = client.get("/staff/applications/").content.decode()
    id_number = Application.objects.get().id_number
    assert id_number not in page
    assert f"{id_number[:6]}********{id_number[-4:]}" in page
    assert "138****5678" in page


def test_detail_shows_the_full_id_number_and_audits_it(client, personas):
    from audit.models import AuditAction, AuditEntry

    application = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert application.id_number in client.get(f"/staff/applications/{application.pk}/").content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_ID_NUMBER)
    assert entry.actor == personas[(Role.CLERK, "luoding")]
    assert entry.object_id == str(application.pk)


def test_queue_search_by_name_number_and_id_tail(client, personas):
    one = submit(applicant_name="黄小明", id_number=make_id_number(sequence="111"))
    two = submit(applicant_name="林阿姨", id_number=make_id_number(sequence="222"))
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert [r.number for r in _rows(client, q="黄小明")] == [one.number]
    assert [r.number for r in _rows(client, q=two.number)] == [two.number]
    assert [r.number for r in _rows(client, q=two.id_number[-6:])] == [two.number]


def _rows(client, **params):
    return [row[0] for row in client.get("/staff/applications/", params).context["rows"]]


@pytest.mark.parametrize("count", [1, 8])
def test_queue_query_count_is_fixed(client, personas, django_assert_num_queries, count):
    for n in range(count):
        submit(id_number=make_id_number(sequence=f"{n + 100:03d}"))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # session, user, groups (roles, then cached), paginator count, the page of applications with
    # both offices joined, their 补正 requests, the holiday overrides for every deadline on the page,
    # the user's office (page header), and the session's sliding expiry (savepoint, update, release).
    with django_assert_num_queries(11):
        response = client.get("/staff/applications/")
    assert len(response.context["rows"]) == count


def test_reroute_needs_a_reason_and_is_audited(client, personas):
    from audit.models import AuditAction, AuditEntry

    application = submit(receiving_office=Office.objects.get(slug="yuncheng"), by=personas[(Role.CLERK, "yuncheng")])
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    client.post(
        f"/staff/applications/{application.pk}/reroute/",
        {"to_office": Office.objects.get(slug="xinxing").pk, "reason": ""},
    )
    application.refresh_from_db()
    assert application.responsible_office.slug == "luoding"
    client.post(
        f"/staff/applications/{application.pk}/reroute/",
        {"to_office": Office.objects.get(slug="xinxing").pk, "reason": "事由发生地在新兴县"},
    )
    application.refresh_from_db()
    assert application.responsible_office.slug == "xinxing"
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(application.pk)).get()
    assert (entry.from_state, entry.to_state) == ("罗定市法律援助处", "新兴县法律援助处")


def test_post_only_urls_refuse_get(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    for action in (
        "approve",
        "refuse",
        "urgent",
        "reroute",
        "objection",
        "supplement/receive",
        "supplement/confirm",
        "supplement/reject",
        "withdraw",
    ):
        assert client.get(f"/staff/applications/{application.pk}/{action}/").status_code == 405


def test_numbers_are_consecutive(db):
    numbers = [submit(id_number=make_id_number(sequence=f"{n:03d}")).number for n in range(3)]
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3]
    assert next_number(kind="application", year=int(numbers[0][3:7])) == 4


def test_the_receiving_office_finds_what_it_sent_on_under_a_filter(client, personas):
    application = submit(receiving_office=Office.objects.get(slug="yuncheng"), by=personas[(Role.CLERK, "yuncheng")])
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    assert application.number not in client.get("/staff/applications/").content.decode()
    assert application.number in client.get("/staff/applications/", {"sent": "on"}).content.decode()


def test_a_sealed_juvenile_matter_is_hidden_outside_its_office(client, personas):
    from datetime import date

    from django.contrib.auth.models import Permission

    minor = make_id_number(birth=date(2010, 4, 1), sequence="321")
    application = submit(
        receiving_office=Office.objects.get(slug="yuncheng"),
        by=personas[(Role.CLERK, "yuncheng")],
        id_number=minor,
        category="criminal",
        authority_name="罗定市公安局",
        agent_name="陈父",
        agent_relation="guardian",
        agent_id_number=make_id_number(birth=date(1980, 1, 1), sequence="111"),
    )
    case_services.approve(application, by=personas[(Role.REVIEWER, "luoding")])
    assert application.case.is_sealed
    url = f"/staff/applications/{application.pk}/"
    for persona, answer in (((Role.REVIEWER, "luoding"), 200), ((Role.CLERK, "yuncheng"), 404), ("city", 404)):
        client.force_login(personas[persona])
        assert client.get(url).status_code == answer, persona
    personas["city"].user_permissions.add(Permission.objects.get(codename="view_sealed_case"))
    city = type(personas["city"]).objects.get(pk=personas["city"].pk)
    client.force_login(city)
    assert client.get(url).status_code == 200


def test_a_short_number_is_not_taken_for_an_id_tail(client, personas):
    submit(id_number=make_id_number(sequence="111"))
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert _rows(client, q="1") == []


def test_the_administrator_maintains_the_intake_reference_lists(client, personas):
    client.force_login(personas["admin"])
    for model in ("exemptionground", "specialgroup", "checklistitem", "knownauthority", "application"):
        assert client.get(f"/admin/applications/{model}/").status_code == 200
    submit()
    page = client.get("/admin/applications/application/1/change/").content.decode()
    assert Application.objects.get().id_number not in page


def test_queue_holds_what_is_still_to_be_decided_and_the_history_on_request(client, personas):
    from applications import services

    decided = submit(id_number=make_id_number(sequence="301"))
    services.refuse(decided, reason="申请事项不属于法律援助范围。", by=personas[(Role.REVIEWER, "luoding")])
    waiting = submit(id_number=make_id_number(sequence="302"))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # The default queue is the open work (issue 14: the history grows by the year) ...
    assert [r.number for r in _rows(client)] == [waiting.number]
    # ... the history is one choice or one search away.
    assert {r.number for r in _rows(client, status="all")} == {waiting.number, decided.number}
    assert [r.number for r in _rows(client, q=decided.number)] == [decided.number]
