"""The roster (issue 4 item 2): each office's reviewer keeps its county's law firms and its handlers;
city staff read it; other offices' objects are 404."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from cases import roster
from cases.forms import AssignForm
from cases.models import Handler, HandlerKind, LawFirm
from tests.cases.factories import make_case, make_handler

pytestmark = pytest.mark.django_db

LICENCE = "14453201810123456"


def audited(obj, action: AuditAction) -> bool:
    return AuditEntry.objects.filter(action=action, object_type=obj._meta.label, object_id=str(obj.pk)).exists()


@pytest.fixture
def luoding_firm(personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    return roster.save_law_firm(office=reviewer.office, name="广东泷江律师事务所", phone="0766-1234567", by=reviewer)


def test_a_reviewer_adds_a_law_firm_of_their_county_from_the_page(client, personas):
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.get("/staff/cases/law-firms/new/").status_code == 200
    response = client.post("/staff/cases/law-firms/new/", {"name": "广东泷江律师事务所", "phone": "0766-1234567"})
    assert response.status_code == 302
    firm = LawFirm.objects.get(name="广东泷江律师事务所")
    assert firm.office.slug == "luoding" and audited(firm, AuditAction.CREATE)
    response = client.post(
        f"/staff/cases/law-firms/{firm.pk}/edit/", {"name": "广东泷江律师事务所", "phone": "0766-7654321"}
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.phone == "0766-7654321" and audited(firm, AuditAction.UPDATE)
    # A name already taken is refused next to the field.
    response = client.post("/staff/cases/law-firms/new/", {"name": "广东泷江律师事务所"})
    assert response.status_code == 200 and LawFirm.objects.filter(name="广东泷江律师事务所").count() == 1


def test_a_reviewer_puts_an_account_of_their_office_on_the_roster(client, personas, make_user, luoding_firm):
    newcomer = make_user("lawyer-new", Role.HANDLER, office="luoding", first_name="新律师")
    make_user("clerk-two", Role.CLERK, office="luoding")
    make_user("lawyer-elsewhere", Role.HANDLER, office="yunan")
    make_handler(personas[(Role.HANDLER, "luoding")])  # already on the roster
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/cases/handlers/new/").content.decode()
    assert "lawyer-new" in page
    assert "clerk-two" not in page and "lawyer-elsewhere" not in page and "handler-luoding" not in page
    data = {"user": newcomer.pk, "kind": HandlerKind.LAWYER, "license_number": "1445", "law_firm": luoding_firm.pk}
    response = client.post("/staff/cases/handlers/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    # The form checks the licence's format before the service checks what a lawyer needs.
    assert "执业证号应为17位数字" in page and "律师须填写首次执业日期" not in page
    data.update(license_number=LICENCE, licensed_since="2018-07-01", is_active="on")
    assert client.post("/staff/cases/handlers/new/", data).status_code == 302
    handler = Handler.objects.get(user=newcomer)
    assert (handler.office.slug, handler.law_firm, handler.license_number) == ("luoding", luoding_firm, LICENCE)
    assert audited(handler, AuditAction.CREATE)
    # Now assignable on the office's cases.
    case = make_case(personas)
    assert handler in AssignForm(case=case).fields["handler"].queryset
    # Edit: made office staff and no longer assignable; licence and firm are cleared.
    response = client.post(f"/staff/cases/handlers/{handler.pk}/edit/", {"kind": HandlerKind.STAFF})
    assert response.status_code == 302
    handler.refresh_from_db()
    assert (handler.kind, handler.license_number, handler.law_firm, handler.is_active) == ("staff", "", None, False)
    assert audited(handler, AuditAction.UPDATE)


def test_a_lawyer_needs_licence_date_and_a_firm_of_the_county(personas, make_user):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    user = make_user("lawyer-new", Role.HANDLER, office="luoding")
    yunan = personas[(Role.REVIEWER, "yunan")]
    other_firm = roster.save_law_firm(office=yunan.office, name="广东云安正平律师事务所", phone="", by=yunan)
    with pytest.raises(ValidationError) as error:
        roster.add_handler(office=reviewer.office, user=user, kind=HandlerKind.LAWYER, by=reviewer)
    assert set(error.value.message_dict) == {"license_number", "licensed_since", "law_firm"}
    with pytest.raises(ValidationError, match="本县"):
        roster.add_handler(
            office=reviewer.office,
            user=user,
            kind=HandlerKind.LAWYER,
            license_number=LICENCE,
            licensed_since=date(2018, 7, 1),
            law_firm=other_firm,
            by=reviewer,
        )
    with pytest.raises(ValidationError, match="17位"):
        roster.add_handler(
            office=reviewer.office,
            user=user,
            kind=HandlerKind.LAWYER,
            license_number="1234",
            licensed_since=date(2018, 7, 1),
            law_firm=roster.save_law_firm(office=reviewer.office, name="广东泷江律师事务所", phone="", by=reviewer),
            by=reviewer,
        )
    assert not Handler.objects.filter(user=user).exists()


def test_only_the_offices_reviewer_keeps_the_roster(personas, make_user, luoding_firm):
    user = make_user("lawyer-new", Role.HANDLER, office="luoding")
    office = luoding_firm.office
    for outsider in (personas[(Role.CLERK, "luoding")], personas[(Role.REVIEWER, "yunan")], personas["city"]):
        with pytest.raises(PermissionDenied):
            roster.add_handler(office=office, user=user, kind=HandlerKind.STAFF, by=outsider)
        with pytest.raises(PermissionDenied):
            roster.save_law_firm(firm=luoding_firm, office=office, name="改名", phone="", by=outsider)
    # Another office's account cannot be taken onto this roster.
    stranger = make_user("lawyer-yunan", Role.HANDLER, office="yunan")
    with pytest.raises(ValidationError, match="本机构"):
        roster.add_handler(
            office=office, user=stranger, kind=HandlerKind.STAFF, by=personas[(Role.REVIEWER, "luoding")]
        )


def test_city_reads_other_offices_get_404_wrong_roles_403(client, personas, luoding_firm):
    handler = make_handler(personas[(Role.HANDLER, "luoding")])
    edit_handler = f"/staff/cases/handlers/{handler.pk}/edit/"
    edit_firm = f"/staff/cases/law-firms/{luoding_firm.pk}/edit/"
    client.force_login(personas["city"])
    page = client.get("/staff/cases/handlers/").content.decode()
    assert "广东泷江律师事务所" in page and "新增承办人" not in page and edit_handler not in page
    assert client.get(edit_handler).status_code == 403
    assert client.get("/staff/cases/handlers/new/").status_code == 403
    client.force_login(personas[(Role.REVIEWER, "yunan")])
    assert client.get(edit_handler).status_code == 404
    assert client.post(edit_firm, {"name": "改名"}).status_code == 404
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.get(edit_handler).status_code == 403
    assert client.get("/staff/cases/law-firms/new/").status_code == 403
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get("/staff/cases/handlers/").content.decode()
    assert edit_handler in page and edit_firm in page
    luoding_firm.refresh_from_db()
    assert luoding_firm.name == "广东泷江律师事务所"


@pytest.mark.parametrize("how_many", [1, 5])
def test_the_roster_page_query_count_is_pinned(client, personas, make_user, django_assert_num_queries, how_many):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    for number in range(how_many):
        user = make_user(f"lawyer-{number}", Role.HANDLER, office="luoding")
        make_handler(user)
        roster.save_law_firm(office=reviewer.office, name=f"广东第{number}律师事务所", phone="", by=reviewer)
    client.force_login(reviewer)
    # session · user · roles (groups) · handlers with user, firm and office · law firms with office ·
    # the user's office (navigation) · session refresh (savepoint, update, release: the idle timeout)
    with django_assert_num_queries(9):
        response = client.get("/staff/cases/handlers/")
    page = response.content.decode()
    assert page.count('data-testid="handler-row"') == how_many
    assert page.count('data-testid="law-firm-row"') == how_many + 1  # make_handler's firm
