"""No page with personal data is kept by a browser or a proxy (issue 10, item 3): every URL pattern of
the URLconf, asked by staff and by a citizen, answers `Cache-Control: no-store`; only static files and
the public landing page (for a visitor not signed in) may be cached."""

import re
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Application, Material
from tests.applications.factories import pdf, service_data


def url_patterns(
    resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(name with namespace, the route with its prefixes, the pattern) for every pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route)
        else:
            yield (f"{namespace}{pattern.name}" if pattern.name else ""), route, pattern


def argument_names(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def sample_path(name: str, route: str, pattern: URLPattern, samples: dict[str, object]) -> str:
    """The pattern's URL with a sample for each argument (a real object where one exists)."""
    if not name:
        if isinstance(pattern.pattern, RoutePattern):
            return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(samples[m.group(1)]), route)
        return UNNAMED[route]
    kwargs = {arg: samples[arg] for arg in argument_names(pattern)}
    for app_label in ("applications", "accounts", "auth"):  # the admin lists its apps in a regex
        if "app_label" in kwargs:
            kwargs["app_label"] = app_label
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name} with {kwargs}")


# Unnamed regex patterns cannot be reversed or filled in: each is known here, so a new one is noticed.
UNNAMED = {"admin/(?P<url>.*)$": "/admin/no-such-page/"}


@pytest.fixture
def samples(personas) -> dict[str, object]:
    application = services.submit_application(data=service_data(), uploads={"identity": [pdf()]}, receiving_office=None)
    return {
        "pk": application.pk,
        "object_id": application.pk,
        "id": personas["admin"].pk,
        "material_pk": Material.objects.get().pk,
        "photo_pk": 1,
        "objection_pk": 1,
        "kind": "supplement",
        "year": timezone.localdate().year,
        "month": 1,
        "office_code": "445381",
        "section": "overdue",
        "content_type_id": ContentType.objects.get_for_model(Application).pk,
        "url": "no-such-page/",
        "app_label": "applications",
    }


def all_paths(samples) -> list[str]:
    return [sample_path(name, route, pattern, samples) for name, route, pattern in url_patterns()]


def assert_not_stored(response, path: str) -> None:
    assert "no-store" in response.get("Cache-Control", ""), f"{path} answered {response.status_code} without no-store"
    assert response.get("Pragma") == "no-cache", path


@pytest.mark.parametrize("who", ["admin", "clerk", "citizen"])
def test_every_url_pattern_answers_no_store(client, personas, samples, who):
    if who == "admin":
        client.force_login(personas["admin"])
    elif who == "clerk":
        client.force_login(personas[(Role.CLERK, "luoding")])
    else:
        # A citizen who has just looked up their application.
        application = Application.objects.get()
        client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    paths = all_paths(samples)
    assert len(paths) > 200  # the admin's patterns included
    answered: dict[int, int] = {}
    for path in paths:
        response = client.get(path)
        answered[response.status_code] = answered.get(response.status_code, 0) + 1
        if path == "/" and who == "citizen":
            assert "no-store" not in response.get("Cache-Control", "")  # the public landing page
        else:
            assert_not_stored(response, path)
    assert answered.get(500, 0) == 0
    # Real pages among the refusals: the admin's, the clerk's queue and forms, the citizen's lookup.
    assert answered.get(200, 0) >= {"admin": 50, "clerk": 15, "citizen": 5}[who], answered


def test_the_pages_named_in_the_issue_carry_no_store(client, personas, samples):
    application = Application.objects.get()
    material = Material.objects.get()
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    for path in ["/track/status/", f"/track/materials/{material.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response, path)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    for path in [
        f"/staff/applications/{application.pk}/",
        f"/staff/materials/{material.pk}/",
        "/staff/applications/",
        f"/reports/{timezone.localdate().year}/1/download/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response, path)
    # A POST's answer too (a form sent back with its errors shows what was typed).
    assert_not_stored(client.post("/track/", {"number": "", "id_last6": ""}), "/track/ POST")


def test_static_files_and_the_landing_page_stay_cacheable(client, db, settings):
    # Tests run with DEBUG off: let WhiteNoise find the files in the source tree, as on a laptop.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    middleware = settings.MIDDLEWARE
    assert middleware.index("core.middleware.NoStoreMiddleware") > middleware.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )
    landing = client.get("/")
    assert landing.status_code == 200
    assert "no-store" not in landing.get("Cache-Control", "")
    static = client.get("/static/css/portal.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_the_landing_page_of_a_signed_in_user_is_not_stored(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert_not_stored(client.get("/"), "/")
