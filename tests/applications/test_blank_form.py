"""Issue 14: the blank /apply/ form is rendered once and reused; the tokens stay fresh per request and
a change to the reference data shows at once."""

import re

from applications.models import KnownAuthority, Location


def _tokens(client):
    page = client.get("/apply/").content.decode()
    submission = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return page, submission, csrf


def test_each_visitor_gets_fresh_tokens_from_the_cached_form(client, db, django_assert_num_queries):
    first, token_one, csrf_one = _tokens(client)
    client.cookies.clear()
    # Served from the cache: no query for the choices and the authorities' list.
    with django_assert_num_queries(0):
        second, token_two, csrf_two = _tokens(client)
    assert token_one != token_two and csrf_one != csrf_two
    assert "00000000-0000-0000-0000-000000000000" not in second
    assert first.replace(token_one, "").replace(csrf_one, "") == second.replace(token_two, "").replace(csrf_two, "")


def test_a_new_known_authority_shows_on_the_form_at_once(client, db):
    client.get("/apply/")
    KnownAuthority.objects.create(name="云浮市新设仲裁庭", location=Location.CITY_LEVEL)
    assert "云浮市新设仲裁庭" in client.get("/apply/").content.decode()


def test_a_refused_post_renders_the_posted_form_not_the_blank_one(client, db):
    client.get("/apply/")
    page = client.post("/apply/", {"applicant_name": "陈大文"}).content.decode()
    assert 'value="陈大文"' in page
