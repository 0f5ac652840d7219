"""Markup a screen reader relies on (issue 13 §4): every element id is unique on the page and every
<label for> names a control on it; the walk-in duplicate warning is where the clerk looks; the
application's history names people, not accounts."""

from html.parser import HTMLParser

import pytest

from accounts.models import Role
from applications import services
from cases.models import CaseState
from tests.applications.factories import form_data, submit
from tests.cases.factories import make_case

CONTROLS = {"input", "select", "textarea", "button", "meter", "output", "progress"}


class IdsAndLabels(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.control_ids: set[str] = set()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
            if tag in CONTROLS and attributes.get("type") != "hidden":
                self.control_ids.add(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])


def assert_ids_unique_and_labels_bound(html: str) -> None:
    parser = IdsAndLabels()
    parser.feed(html)
    repeated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    assert repeated == [], f"ids used more than once: {repeated}"
    unbound = [target for target in parser.label_targets if target not in parser.control_ids]
    assert unbound == [], f"labels pointing at no control: {unbound}"


def test_the_application_page_has_unique_ids_and_bound_labels(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.get(f"/staff/applications/{application.pk}/")
    html = response.content.decode()
    assert html.count('id="refuse_form_reason"') == 1 and html.count('id="reroute_form_reason"') == 1
    assert_ids_unique_and_labels_bound(html)


def test_a_refused_form_comes_back_with_unique_ids(client, personas):
    application = submit()
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.post(f"/staff/applications/{application.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    assert_ids_unique_and_labels_bound(response.content.decode())


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/apply/"),
        (None, "/track/"),
        ((Role.CLERK, "yuncheng"), "/staff/applications/new/"),
        ((Role.CLERK, "yuncheng"), "/staff/applications/supplement-drop/"),
    ],
)
def test_forms_have_unique_ids_and_bound_labels(client, personas, who, path):
    if who is not None:
        client.force_login(personas[who])
    assert_ids_unique_and_labels_bound(client.get(path).content.decode())


def test_the_case_page_has_unique_ids_and_bound_labels(client, personas):
    case = make_case(personas, office="luoding", state=CaseState.IN_PROGRESS)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert_ids_unique_and_labels_bound(client.get(f"/staff/cases/{case.pk}/").content.decode())


def test_walk_in_duplicate_warning_is_at_the_top_and_by_the_id_number(client, personas):
    first = submit()
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.post("/staff/applications/new/", form_data())
    html = response.content.decode()
    top = html.index('data-testid="duplicate-warning"')
    assert first.number in html[top : html.index("</div>", top)]
    assert top < html.index('enctype="multipart/form-data"')  # above the application form
    assert response.context["form"].errors["id_number"] == ["该申请人已有同类未办结申请，见页面上方的提示。"]
    assert html.count("受理点") == 1


def test_history_names_staff_by_their_full_names(client, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    reviewer.first_name, reviewer.last_name = "审查员", "罗"
    reviewer.save(update_fields=["first_name", "last_name"])
    application = submit()
    services.refuse(application, reason="经济状况不符合条件。", by=reviewer)
    client.force_login(reviewer)
    html = client.get(f"/staff/applications/{application.pk}/").content.decode()
    history = html[html.index('data-testid="history"') :]
    history = history[: history.index("</ul>")]
    assert reviewer.display_name in history
    assert reviewer.username not in history


def test_the_case_history_names_staff_by_their_full_names(client, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    reviewer.first_name, reviewer.last_name = "审查员", "罗"
    reviewer.save(update_fields=["first_name", "last_name"])
    case = make_case(personas, office="luoding", state=CaseState.IN_PROGRESS)
    client.force_login(reviewer)
    html = client.get(f"/staff/cases/{case.pk}/").content.decode()
    history = html[html.index('data-testid="history"') :]
    history = history[: history.index("</ul>")]
    assert reviewer.display_name in history and "承办中" in history
    assert reviewer.username not in history
