from accounts.models import Office


def test_the_six_offices_are_seeded_in_report_order(db):
    assert list(Office.objects.values_list("code", "name")) == [
        ("445300", "云浮市法律援助处"),
        ("445302", "云城区法律援助处"),
        ("445303", "云安区法律援助处"),
        ("445381", "罗定市法律援助处"),
        ("445321", "新兴县法律援助处"),
        ("445322", "郁南县法律援助处"),
    ]


def test_county_staff_see_only_their_office_and_city_staff_see_all(personas):
    from accounts.models import Role

    clerk = personas[(Role.CLERK, "luoding")]
    assert [o.slug for o in Office.objects.visible_to(clerk)] == ["luoding"]
    assert Office.objects.visible_to(personas["city"]).count() == 6
    # A reviewer at the city office handles city-level matters but is not city staff: own office only.
    assert [o.slug for o in Office.objects.visible_to(personas[(Role.REVIEWER, "city")])] == ["city"]


def test_anonymous_and_officeless_users_see_no_office(db, make_user):
    from django.contrib.auth.models import AnonymousUser

    assert not Office.objects.visible_to(AnonymousUser()).exists()
    assert not Office.objects.visible_to(make_user("nobody")).exists()


def test_the_office_condition_selects_what_visible_to_does_and_joins_nothing_city_wide(personas, make_user):
    """`Office.objects.condition` is `visible_to` as a condition on the rows of an office: the same
    rows for everyone; for city staff no join to the offices at all (a query part cheaper to plan)."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Role
    from cases.models import LawFirm

    for office in Office.objects.filter(slug__in=["luoding", "yunan"]):
        LawFirm.objects.create(name=f"{office.short_name}律师事务所", office=office)
    users = [
        personas["city"],
        personas[(Role.CLERK, "luoding")],
        personas[(Role.BUREAU_REVIEWER, "luoding")],
        make_user("nobody"),
        AnonymousUser(),
    ]
    for user in users:
        by_condition = set(LawFirm.objects.filter(Office.objects.condition(user)).values_list("pk", flat=True))
        by_offices = set(
            LawFirm.objects.filter(office__in=Office.objects.visible_to(user)).values_list("pk", flat=True)
        )
        assert by_condition == by_offices, user
    assert len(LawFirm.objects.filter(Office.objects.condition(personas[(Role.CLERK, "luoding")]))) == 1
    city_wide = str(LawFirm.objects.filter(Office.objects.condition(personas["city"])).order_by().query)
    assert "accounts_office" not in city_wide
