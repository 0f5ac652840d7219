"""Applying on someone's behalf (SPEC §3.1; 法律援助法 第四十条; 刑事诉讼法 第一百零八条; 民法典 第一千零四十五条)."""

from datetime import date

import pytest
import time_machine

from accounts.models import Role
from applications.models import AgentRelation, Application
from tests.applications.factories import form_data, make_id_number, pdf, submit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
MINOR = make_id_number(birth=date(2015, 3, 1))
ADULT_AGENT = make_id_number(birth=date(1985, 1, 1), sequence="222")


def post_for_minor(client, **overrides):
    data = form_data(**{"id_number": MINOR, "agent_name": "陈某", "agent_id_number": ADULT_AGENT, **overrides})
    return client.post(
        "/apply/",
        {
            **data,
            "identity_files": pdf("出生证明.pdf"),
            "matter_files": pdf("材料.pdf"),
            "agent_files": pdf("户口簿.pdf"),
        },
    )


@time_machine.travel(TODAY, tick=False)
def test_spec_3_1_the_agent_must_be_18_or_over_by_the_id_number(client):
    seventeen = make_id_number(birth=date(2008, 6, 16), sequence="333")  # 18 tomorrow
    response = post_for_minor(client, agent_relation="sibling", agent_id_number=seventeen, category="criminal")
    assert "代理申请人须年满18周岁" in response.content.decode()
    assert not Application.objects.exists()

    eighteen = make_id_number(birth=date(2008, 6, 15), sequence="333")  # 18 today
    response = post_for_minor(
        client, agent_relation="sibling", agent_id_number=eighteen, category="criminal", authority_name="罗定市公安局"
    )
    assert response.status_code == 302, response.context["form"].errors


@time_machine.travel(TODAY, tick=False)
def test_article_40_a_near_relative_applies_for_a_minors_civil_matter_only_when_the_guardian_infringes(client):
    response = post_for_minor(client, agent_relation="grandparent", category="civil")
    body = response.content.decode()
    assert "法律援助法第四十条" in body
    assert not Application.objects.exists()

    response = post_for_minor(client, agent_relation="grandparent", category="civil", agent_guardian_infringes="on")
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.agent_guardian_infringes


@time_machine.travel(TODAY, tick=False)
def test_article_40_the_guardian_applies_for_a_minors_civil_matter_without_the_checkbox(client):
    response = post_for_minor(client, agent_relation="guardian", category="civil")
    assert response.status_code == 302, response.context["form"].errors
    assert not Application.objects.get().agent_guardian_infringes


@time_machine.travel(TODAY, tick=False)
def test_article_40_checkbox_is_for_a_minor_only(client):
    response = client.post(
        "/apply/",
        {
            **form_data(agent_name="陈某", agent_relation="spouse", agent_id_number=ADULT_AGENT),
            "agent_guardian_infringes": "on",
            "identity_files": pdf(),
            "agent_files": pdf("结婚证.pdf"),
        },
    )
    assert "仅在申请人未满18周岁" in response.content.decode()


def test_article_40_the_form_explains_the_checkbox(client):
    page = client.get("/apply/").content.decode()
    assert "法定代理人侵害无民事行为能力人、限制民事行为能力人合法权益的" in page


def test_criminal_procedure_article_108_siblings_are_shown_as_同胞兄弟姊妹(client, personas):
    assert "同胞兄弟姊妹" in AgentRelation.SIBLING.label
    criminal = submit(
        id_number=MINOR,
        category="criminal",
        authority_name="罗定市公安局",
        agent_name="陈兄",
        agent_relation="sibling",
        agent_id_number=ADULT_AGENT,
    )
    civil = submit(
        id_number=MINOR, category="civil", agent_name="陈兄", agent_relation="sibling", agent_id_number=ADULT_AGENT
    )
    assert criminal.agent_relation_label == "同胞兄弟姊妹"
    assert civil.agent_relation_label == "兄弟姐妹"
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "陈兄（同胞兄弟姊妹，" in client.get(f"/staff/applications/{criminal.pk}/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_spec_3_1_the_services_refuse_a_minor_agent_too():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        submit(
            id_number=MINOR,
            category="civil",
            agent_name="陈某",
            agent_relation="guardian",
            agent_id_number=make_id_number(birth=date(2010, 1, 1), sequence="333"),
        )
    assert refused.value.message_dict["agent_id_number"] == ["代理申请人须年满18周岁（按身份证号计算）。"]
