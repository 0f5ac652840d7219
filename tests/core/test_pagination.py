"""Issue 14: a list's page count stops at a bound instead of counting the whole history."""

from core.pagination import BoundedPaginator


def test_the_count_stops_past_the_bound_and_says_so():
    paginator = BoundedPaginator(list(range(120)), 10, max_rows=50)
    assert paginator.truncated
    assert paginator.shown_count == 50
    assert paginator.num_pages == 5
    assert paginator.get_page(99).number == 5


def test_a_short_list_is_counted_exactly():
    paginator = BoundedPaginator(list(range(23)), 10, max_rows=50)
    assert not paginator.truncated
    assert (paginator.count, paginator.num_pages) == (23, 3)


def test_the_admin_changelists_count_within_the_bound(admin_client, db):
    from applications.admin import ApplicationAdmin
    from cases.admin import CaseAdmin

    assert ApplicationAdmin.paginator is CaseAdmin.paginator is BoundedPaginator
    # The admin builds its paginator positionally, as Django's own.
    assert BoundedPaginator(list(range(5)), 2, 0, True).num_pages == 3
    assert admin_client.get("/admin/applications/application/").status_code == 200
    assert admin_client.get("/admin/cases/case/").status_code == 200
