"""The citizen's and the clerk's forms in plain words (issue 13 §3–4): jargon explained under the
field, each missing field named in its own message, phone keyboards that fit the field."""

from html.parser import HTMLParser

import pytest

from accounts.models import Role
from applications.forms import ApplicationForm, TrackForm

STOCK_REQUIRED = "这个字段是必填项。"


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.by_name: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("name"):
            self.by_name.setdefault(attributes["name"], attributes)


def inputs_of(html: str) -> dict[str, dict[str, str | None]]:
    parser = Inputs()
    parser.feed(html)
    return parser.by_name


def test_an_empty_application_names_each_missing_field(client, db):
    response = client.post("/apply/", {"applicant_name": ""})
    errors = response.context["form"].errors
    assert errors["id_number"] == ["请填写身份证号码。"]
    assert errors["applicant_name"] == ["请填写申请人姓名。"]
    assert errors["phone"] == ["请填写联系电话（11位手机号码）。"]
    assert errors["residence"] == ["请选择经常居住地。"]
    assert errors["category"] == ["请选择申请事项类别。"]
    assert STOCK_REQUIRED not in response.content.decode()


def test_the_walk_in_form_names_each_missing_field(client, personas):
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    response = client.post("/staff/applications/new/", {"applicant_name": ""})
    assert response.context["form"].errors["id_number"] == ["请填写身份证号码。"]
    assert STOCK_REQUIRED not in response.content.decode()


def test_track_and_supplement_forms_name_each_missing_field(client, personas):
    page = client.post("/track/", {"number": ""}).content.decode()
    assert "请填写申请编号。" in page and "请填写身份证号后六位。" in page
    assert STOCK_REQUIRED not in page
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    page = client.post("/staff/applications/supplement-drop/", {"number": ""}).content.decode()
    assert "请填写申请编号。" in page
    assert STOCK_REQUIRED not in page


@pytest.mark.parametrize(
    ("field", "words"),
    [("residence", "连续住满一年"), ("authority_name", "打官司的填法院"), ("id_number", "校验码")],
)
def test_jargon_is_explained_under_the_field(client, db, field, words):
    assert words in str(ApplicationForm().fields[field].help_text)
    assert words in client.get("/apply/").content.decode()


def test_phone_fields_bring_up_the_number_pad_and_hints_fit_the_form(client, personas):
    online = inputs_of(client.get("/apply/").content.decode())
    assert online["phone"]["inputmode"] == "numeric"
    assert online["phone"]["autocomplete"] == "tel-national"
    assert online["applicant_name"]["autocomplete"] == "name"
    # An ID number may end in X, which a number pad cannot type: a text keyboard, no autofill.
    assert online["id_number"].get("inputmode") is None
    assert online["id_number"]["autocomplete"] == "off"
    client.force_login(personas[(Role.CLERK, "yuncheng")])
    walk_in = inputs_of(client.get("/staff/applications/new/").content.decode())
    # The clerk types other people's details: never the clerk's own from the browser's memory.
    assert walk_in["applicant_name"]["autocomplete"] == "off"
    assert walk_in["phone"]["autocomplete"] == "off"
    assert walk_in["phone"]["inputmode"] == "numeric"
    assert TrackForm().fields["id_last6"].widget.attrs["autocomplete"] == "off"
