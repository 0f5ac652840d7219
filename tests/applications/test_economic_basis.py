"""Economic status (SPEC §3.2): 经济困难; 免予核查 (法律援助法第四十二条); 不受经济困难条件限制 (第三十二条,
all five items, the fifth with a stated legal basis) — kept apart on the page, in the letters and in
the monthly figures."""

import pytest

from accounts.models import Role
from applications.models import Application, EconomicBasis, ExemptionGround, MaterialKind
from tests.applications.factories import form_data, pdf, submit

pytestmark = pytest.mark.django_db


def ground(name: str) -> ExemptionGround:
    return ExemptionGround.objects.get(name=name)


def post(client, **overrides):
    return client.post("/apply/", {**form_data(**overrides), "identity_files": pdf(), "matter_files": pdf("材料.pdf")})


def test_article_32_has_five_items_and_article_42_four():
    article_32 = list(ExemptionGround.objects.filter(article=32).order_by("item").values_list("item", "name"))
    assert article_32 == [
        (1, "英雄烈士近亲属为维护英雄烈士的人格权益"),
        (2, "因见义勇为行为主张相关民事权益"),
        (3, "再审改判无罪请求国家赔偿"),
        (4, "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益"),
        (5, "法律、法规、规章规定的其他情形"),
    ]
    assert list(ExemptionGround.objects.filter(article=42).order_by("item").values_list("item", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_article_32_item_5_other_statutory_case_needs_a_legal_basis(client):
    other = ground("法律、法规、规章规定的其他情形")
    response = post(client, economic_basis="unrestricted", integrity_pledge=None, exemption_ground=other.pk)
    assert "请写明所依据的法律、法规或规章及条款" in response.content.decode()
    assert not Application.objects.exists()

    response = post(
        client,
        economic_basis="unrestricted",
        integrity_pledge=None,
        exemption_ground=other.pk,
        legal_basis="《某省法律援助条例》第十条",
    )
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.economic_basis == EconomicBasis.UNRESTRICTED
    assert application.legal_basis == "《某省法律援助条例》第十条"


def test_article_32_ground_is_not_an_article_42_exemption(client):
    """第三十二条 (no economic condition) and 第四十二条 (check skipped) are different bases."""
    abuse = ground("遭受虐待、遗弃或者家庭暴力的受害人主张相关权益")
    response = post(client, category="civil", economic_basis="exempt", integrity_pledge=None, exemption_ground=abuse.pk)
    assert "请在经济状况中选择“不受经济困难条件限制（法律援助法第三十二条）”" in response.content.decode()
    assert not Application.objects.exists()


def test_article_32_item_3_ground_that_does_not_fit_the_matter_is_refused_by_the_field(client):
    retrial = ground("再审改判无罪请求国家赔偿")
    response = post(
        client, category="labour", economic_basis="unrestricted", integrity_pledge=None, exemption_ground=retrial.pk
    )
    errors = response.context["form"].errors
    assert errors["exemption_ground"] == [
        "“再审改判无罪请求国家赔偿”不适用于劳动争议事项，请选择与申请事项相符的情形。"
    ]
    assert not Application.objects.exists()


def test_article_42_exemption_applies_online_without_the_proof_and_it_becomes_a_supplement_item(client):
    """Issue 13: the proof of a 免予核查 category may follow; the office lists it in the one-time 补正 notice."""
    migrant = ground("申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员")
    response = post(client, economic_basis="exempt", integrity_pledge=None, exemption_ground=migrant.pk)
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.economic_basis == EconomicBasis.EXEMPT
    assert not application.materials.filter(kind=MaterialKind.ECONOMIC).exists()
    assert f"“{migrant.name}”的证明材料（法律援助法第四十二条第三项）" in application.missing_kinds()


def test_article_32_and_42_the_page_and_the_letters_say_which_basis(client, personas):
    from cases import services as case_services

    retrial = ground("再审改判无罪请求国家赔偿")
    unrestricted = submit(
        category="state_compensation",
        authority_name="罗定市人民法院",
        economic_basis=EconomicBasis.UNRESTRICTED,
        integrity_pledge=False,
        exemption_ground=retrial,
    )
    exempt = submit(
        economic_basis=EconomicBasis.EXEMPT,
        integrity_pledge=False,
        exemption_ground=ground("社会救助、司法救助或者优抚对象"),
    )
    reviewer = personas[(Role.REVIEWER, "luoding")]
    client.force_login(reviewer)
    page = client.get(f"/staff/applications/{unrestricted.pk}/").content.decode()
    assert "不受经济困难条件限制（法律援助法第三十二条第三项：再审改判无罪请求国家赔偿）" in page
    page = client.get(f"/staff/applications/{exempt.pk}/").content.decode()
    assert "免予核查经济困难状况（法律援助法第四十二条第二项：社会救助、司法救助或者优抚对象）" in page

    case_services.approve(unrestricted, by=reviewer)
    client.logout()
    client.post("/track/", {"number": unrestricted.number, "id_last6": unrestricted.id_number[-6:]})
    letter = client.get("/track/letters/approval/").content.decode()
    assert '经济状况：<span data-testid="economic-basis">不受经济困难条件限制（法律援助法第三十二条第三项' in letter


def test_article_32_rows_recorded_as_exempt_are_moved_to_unrestricted_by_the_data_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("applications.migrations.0012_seed_article_32_item_5_and_map_bases")
    retrial = ground("再审改判无罪请求国家赔偿")
    relief = ground("社会救助、司法救助或者优抚对象")
    old_32 = submit(
        category="state_compensation",
        economic_basis=EconomicBasis.UNRESTRICTED,
        integrity_pledge=False,
        exemption_ground=retrial,
    )
    old_42 = submit(economic_basis=EconomicBasis.EXEMPT, integrity_pledge=False, exemption_ground=relief)
    Application.objects.filter(pk=old_32.pk).update(economic_basis=EconomicBasis.EXEMPT)  # as stored before
    migration.seed(apps, None)
    old_32.refresh_from_db()
    old_42.refresh_from_db()
    assert old_32.economic_basis == EconomicBasis.UNRESTRICTED
    assert old_42.economic_basis == EconomicBasis.EXEMPT
