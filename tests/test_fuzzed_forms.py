"""Fuzzed forms (issue 10 item 12): Hypothesis posts hostile values into every public and staff form —
CJK, emoji, NUL, 10,000 characters, full-width digits, impossible dates, mutated ID numbers, numbers out
of range — starting from a valid submission and spoiling one field or several. For every input:
no server error; when the form is refused, no row written anywhere and every message Chinese.

Two layers: each page's POST through the test client (the view, the form, the service and the
database), and each form class bound directly (the forms no page test reaches with such values).
Each example runs in a savepoint that is rolled back, so the next starts from the same rows.
Generated inputs: 555 page posts and 36 per form class (51 classes: 1,836), 2,391 in all;
`FUZZ_EXAMPLES=2` doubles them (and so on)."""

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Office, Role
from audit.models import AuditAction, AuditEntry
from cases.models import CaseState
from tests.applications.factories import PDF_BYTES, form_data, make_id_number, submit
from tests.cases.factories import make_case, make_handler

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))
FORM_EXAMPLES = 36  # per form class, bound directly (cheap: no request, no template)
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# The tables a refused form must leave alone: every table of the portal's apps (the audit trail too:
# a refused form is no event), except the /track/ limiter's record of failed lookups, which a
# well-formed lookup that matches nothing is meant to write.
WATCHED_APPS = (
    "core",
    "accounts",
    "notifications",
    "deadlines",
    "applications",
    "consultations",
    "cases",
    "quality",
    "duty",
    "reporting",
    "audit",
)
# The per-hour counters of the rate limits (/apply/, /track/, the clerks' lookups) count refused
# attempts too: that is what they are for.
NOT_WATCHED = {"core.RateCounter"}

# --- hostile values --------------------------------------------------------------------------------
VALID_ID = make_id_number()
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)  # any character UTF-8 can carry
cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=60)
emoji = st.lists(
    st.sampled_from(["😀", "🙏", "👍🏽", "👩‍⚖️", "🇨🇳", "\u200d", "\ufe0f", "\u202e"]), min_size=1, max_size=20
).map("".join)
with_nul = st.builds(lambda a, b: f"{a}\x00{b}", text, text)
huge = st.sampled_from(["字" * 10_000, "a" * 10_000, "1" * 10_000, "😀" * 10_000])
full_width = st.text(st.sampled_from("０１２３４５６７８９－／Ｘ"), min_size=1, max_size=20)
impossible_dates = st.sampled_from(
    ["2026-02-30", "2026-13-01", "2026-00-10", "0000-00-00", "9999-12-32", "10000-01-01", "0001-01-01",
     "２０２６-０５-０１", "2026/05/01", "2026年5月1日", "31-12-2026", "yesterday", "-1"]
)  # fmt: skip
numbers = st.sampled_from(
    ["-1", "0", "1e309", "NaN", "Infinity", "-Infinity", "99999999999999999999999", "2147483648", "１０", "1.5", "0x10"]
)


@st.composite
def mutated_id(draw) -> str:
    """A valid ID number, spoiled: a digit changed, the check character wrong, cut or lengthened,
    full-width, a lower-case x, an impossible birth date."""
    chars = list(VALID_ID)
    how = draw(st.sampled_from(["digit", "check", "cut", "long", "wide", "lower", "birth"]))
    if how == "digit":
        index = draw(st.integers(0, 16))
        chars[index] = str((int(chars[index]) + draw(st.integers(1, 9))) % 10)
    elif how == "check":
        chars[17] = draw(st.sampled_from([c for c in "0123456789X" if c != chars[17]]))
    elif how == "cut":
        chars = chars[: draw(st.integers(0, 17))]
    elif how == "long":
        chars += list(draw(st.text("0123456789X", min_size=1, max_size=5)))
    elif how == "wide":
        chars = [chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in chars]
    elif how == "lower":
        chars[17] = "x"
    else:
        chars[10:14] = list(draw(st.sampled_from(["1331", "0230", "0000", "1299"])))
    return "".join(chars)


HOSTILE = st.one_of(text, cjk, emoji, with_nul, huge, full_width, impossible_dates, numbers, mutated_id())
MISSING = object()


@st.composite
def spoiled(draw, base: dict) -> dict:
    """`base` with one field or several replaced by a hostile value (or left out)."""
    keys = sorted(key for key, value in base.items() if not isinstance(value, SimpleUploadedFile | list))
    chosen = draw(st.sets(st.sampled_from(keys), min_size=1, max_size=min(4, len(keys))))
    data = dict(base)
    for key in chosen:
        value = draw(st.one_of(HOSTILE, st.just(MISSING)))
        if value is MISSING:
            data.pop(key)
        else:
            data[key] = value
    return data


# --- checks ----------------------------------------------------------------------------------------
def row_counts() -> tuple[int, ...]:
    models = [
        model
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in NOT_WATCHED
    ]
    # A refused form on a detail page shows that page again, and showing a full ID number is on the
    # record by design (SPEC §8): views are not writes of the input.
    views = ", ".join(f"'{action}'" for action in (AuditAction.VIEW_ID_NUMBER, AuditAction.VIEW_FILE))
    sql = " UNION ALL ".join(
        f'SELECT {index}, COUNT(*) FROM "{model._meta.db_table}"'
        + (f" WHERE action NOT IN ({views})" if model is AuditEntry else "")
        for index, model in enumerate(models)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(count for _, count in sorted(cursor.fetchall()))


def not_chinese(messages) -> list[str]:
    return [str(message) for message in messages if not CJK.search(str(message))]


def form_messages(response) -> list[str]:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                found += [message for errors in value.errors.values() for message in errors]
            elif isinstance(value, forms.BaseFormSet):
                found += [m for errors in value.errors for messages in errors.values() for m in messages]
                found += list(value.non_form_errors())
    return found


@dataclass
class Page:
    """One form page: who posts, where, and a valid submission to spoil."""

    name: str
    user: str | tuple | None
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    examples: int
    setup: Callable[[dict], dict] = field(default=lambda personas: {})


def _pending(personas) -> dict:
    return {"application": submit()}


def _awaiting_supplement(personas) -> dict:
    from applications import services

    application = submit()
    services.request_supplement(application, items=["身份证明"], note="", by=personas[(Role.REVIEWER, "luoding")])
    return {"application": application}


def _in_progress(personas) -> dict:
    return {"case": make_case(personas, state=CaseState.IN_PROGRESS)}


def _closed(personas) -> dict:
    from tests.quality.factories import closed_case

    return {"case": closed_case(personas)}


def _roster(personas) -> dict:
    from cases.models import LawFirm

    firm = LawFirm.objects.create(name="广东泷江律师事务所", office=Office.objects.get(slug="luoding"))
    make_handler(personas[(Role.HANDLER, "luoding")])
    return {"firm": firm}


def today() -> str:
    return timezone.localdate().isoformat()


PAGES = [
    Page("apply", None, lambda objs: "/apply/", lambda objs: {**form_data(), "identity_files": _pdf()}, 50),
    Page(
        "walk_in",
        (Role.CLERK, "yuncheng"),
        lambda objs: "/staff/applications/new/",
        lambda objs: form_data(),
        30,
    ),
    Page(
        "track",
        None,
        lambda objs: "/track/",
        lambda objs: {"number": objs["application"].number, "id_last6": VALID_ID[-6:]},
        50,
        _pending,
    ),
    Page(
        "supplement_drop",
        (Role.CLERK, "yunan"),
        lambda objs: "/staff/applications/supplement-drop/",
        lambda objs: {"number": objs["application"].number, "id_last6": VALID_ID[-6:], "files": _pdf()},
        25,
        _awaiting_supplement,
    ),
    Page(
        "request_supplement",
        (Role.REVIEWER, "luoding"),
        lambda objs: f"/staff/applications/{objs['application'].pk}/supplement/",
        lambda objs: {"other_items": "工资条\n劳动合同", "note": "请于十五日内补交。"},
        25,
        _pending,
    ),
    Page(
        "refuse",
        (Role.REVIEWER, "luoding"),
        lambda objs: f"/staff/applications/{objs['application'].pk}/refuse/",
        lambda objs: {"reason": "申请事项不属于法律援助范围。", "confirmed": "1"},
        25,
        _pending,
    ),
    Page(
        "reroute",
        (Role.CLERK, "luoding"),
        lambda objs: f"/staff/applications/{objs['application'].pk}/reroute/",
        lambda objs: {"to_office": Office.objects.get(slug="yunan").pk, "reason": "办案机关在云安。"},
        25,
        _pending,
    ),
    Page(
        "log_progress",
        (Role.HANDLER, "luoding"),
        lambda objs: f"/staff/cases/{objs['case'].pk}/progress/",
        lambda objs: {"kind": "meeting", "happened_on": today(), "note": "会见受援人"},
        25,
        _in_progress,
    ),
    Page(
        "terminate",
        (Role.REVIEWER, "luoding"),
        lambda objs: f"/staff/cases/{objs['case'].pk}/terminate/",
        lambda objs: {"ground": "4", "reason": "受援人经济状况好转", "confirmed": "1"},
        25,
        _in_progress,
    ),
    Page(
        "law_firm",
        (Role.REVIEWER, "luoding"),
        lambda objs: "/staff/cases/law-firms/new/",
        lambda objs: {"name": "广东某某律师事务所", "phone": "0766-1234567"},
        25,
    ),
    Page(
        "handler",
        (Role.REVIEWER, "luoding"),
        lambda objs: "/staff/cases/handlers/new/",
        lambda objs: {
            "user": objs["newcomer"].pk,
            "kind": "lawyer",
            "license_number": "14453201810123456",
            "licensed_since": "2018-07-01",
            "law_firm": objs["firm"].pk,
            "is_active": "on",
        },
        25,
        lambda personas: {**_roster(personas), "newcomer": _newcomer()},
    ),
    Page(
        "follow_up",
        (Role.CLERK, "luoding"),
        lambda objs: "/staff/quality/follow-ups/new/",
        lambda objs: {
            "case": objs["case"].pk,
            "contacted_on": today(),
            "channel": "phone",
            "satisfaction": "basically",
        },
        25,
        _closed,
    ),
    Page(
        "publicity",
        (Role.CLERK, "luoding"),
        lambda objs: "/staff/quality/publicity/new/",
        lambda objs: {
            "held_on": today(),
            "place": "罗城街道广场",
            "form": "stall",
            "people_reached": "120",
            "materials_handed_out": "80",
        },
        25,
    ),
    Page(
        "monthly_sheet",
        (Role.REVIEWER, "luoding"),
        lambda objs: f"/reports/{timezone.localdate().year}/{timezone.localdate().month}/submit/",
        lambda objs: {"progress": "本月设立镇级受理点5个。", "funding": "经费已落实。", "problems": "无。"},
        25,
    ),
    Page(
        "notice",
        (Role.CLERK, "luoding"),
        lambda objs: "/staff/cases/notices/new/",
        lambda objs: _notice(),
        25,
    ),
    Page(
        "counting",
        "city",
        lambda objs: "/reports/counting/",
        lambda objs: {
            "form": apps.get_model("reporting", "AidForm").objects.get(code="notice").pk,
            "counts": "0",
            "starting": timezone.localdate().strftime("%Y-%m"),
            "reason": "",
        },
        25,
    ),
    Page(
        "consultation",
        (Role.CLERK, "luoding"),
        lambda objs: "/staff/consultations/new/",
        lambda objs: {
            "channel": "phone",
            "consulted_on": today(),
            "category": "civil",
            "people": "3",
            "summary": "离婚财产分割。",
            "name": "",
            "phone": "0766-3812345",
        },
        25,
    ),
    Page(
        "drafted_document",
        (Role.CLERK, "luoding"),
        lambda objs: "/staff/documents/new/",
        lambda objs: {
            "drafted_on": today(),
            "document_type": apps.get_model("consultations", "DocumentType").objects.get(name="起诉状").pk,
            "category": "civil",
            "copies": "2",
            "note": "",
        },
        25,
    ),
    Page(
        "duty_day",
        (Role.HANDLER, "luoding"),
        lambda objs: "/staff/duty/record/",
        lambda objs: _duty_day(objs["shift"]),
        25,
        lambda personas: {"shift": _on_duty(personas)},
    ),
    Page(
        "targets",
        "city",
        lambda objs: f"/reports/targets/{timezone.localdate().year}/",
        lambda objs: _targets(),
        25,
    ),
]


def _pdf() -> list:
    return [SimpleUploadedFile("身份证.pdf", PDF_BYTES, content_type="application/pdf")]


def _newcomer():
    from accounts.models import User

    user = User.objects.create_user(username="lawyer-new", password="x", office=Office.objects.get(slug="luoding"))
    user.groups.set([apps.get_model("auth", "Group").objects.get(name=Role.HANDLER.label)])
    return user


def _notice() -> dict:
    """登记通知辩护: a court's notice for a 16-year-old, with its scan."""
    from datetime import timedelta

    from applications.models import KnownAuthority
    from cases.models import NoticeGround

    today = timezone.localdate()
    return {
        "organ": KnownAuthority.objects.get(name="罗定市人民法院").pk,
        "other_organ_name": "",
        "notice_number": "罗法援通〔2026〕15号",
        "notice_date": (today - timedelta(days=1)).isoformat(),
        "received_on": today.isoformat(),
        "person_name": "小明",
        "person_id_number": "",
        "person_birth_date": date(today.year - 16, 3, 1).isoformat(),
        "charge": "盗窃罪",
        "stage": "trial",
        "ground": NoticeGround.objects.get(article="第二十五条第一款第一项").pk,
        "scan": _pdf(),
    }


def _on_duty(personas):
    from tests.duty.factories import on_duty

    return on_duty(personas, on=timezone.localdate())


def _duty_day(shift) -> dict:
    """记录法律帮助: two people helped at the shift's workstation (a formset of rows)."""
    from duty.models import HelpKind

    consultation = HelpKind.objects.get(name="法律咨询").pk
    data = {
        "helped_on": shift.day.date.isoformat(),
        "workstation": shift.workstation.pk,
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "60",
    }
    for index, name in enumerate(["陈大文", "李小明"]):
        data |= {
            f"people-{index}-person_name": name,
            f"people-{index}-id_number": "",
            f"people-{index}-stage": "investigation",
            f"people-{index}-kinds": str(consultation),
            f"people-{index}-note": "",
        }
    return data


def _targets() -> dict:
    data = {"city_target": "3000", "form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "6"}
    for index, (office, value) in enumerate(zip(Office.objects.all(), [300, 450, 300, 1000, 500, 450], strict=True)):
        data[f"form-{index}-office"] = str(office.pk)
        data[f"form-{index}-target"] = str(value)
    return data


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_hostile_input_is_refused_in_chinese_without_a_trace(page, client, personas):
    objects = page.setup(personas)
    if page.user is not None:
        client.force_login(personas[page.user])
    base = page.data(objects)
    with transaction.atomic():
        response = client.post(page.url(objects), base)
        assert response.status_code == 302, form_messages(response)  # the base is valid: spoiling it tests something
        transaction.set_rollback(True)

    @settings(
        max_examples=max(1, int(page.examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=spoiled(base))
    def post(data):
        with transaction.atomic():
            before = row_counts()
            files = {
                key: [SimpleUploadedFile(f.name, PDF_BYTES) for f in value]
                for key, value in data.items()
                if isinstance(value, list)
            }
            response = client.post(page.url(objects), {**data, **files})
            assert response.status_code < 500
            if response.status_code != 302:
                assert row_counts() == before, "a refused form wrote rows"
                messages = form_messages(response) + [m.message for m in get_messages(response.wsgi_request)]
                assert not_chinese(messages) == [], messages
            transaction.set_rollback(True)

    post()


# --- every form class, bound directly ----------------------------------------------------------------
def _portal_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class of the portal's apps, by `app.ClassName` (two apps have a PayForm)."""
    import importlib

    # accounts' sign-in form takes the request first and counts failures (axes, the audit): the
    # lockout tests cover it.
    from accounts.forms import TokenForm

    found: dict[str, type[forms.BaseForm]] = {"accounts.TokenForm": TokenForm}
    for label in ("applications", "consultations", "cases", "quality", "duty", "reporting"):
        module = importlib.import_module(f"{label}.forms")
        for cls in vars(module).values():
            if (
                isinstance(cls, type)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
                and not cls.__name__.startswith("Base")  # formset bases: their pages are posted above
            ):
                found[f"{label}.{cls.__name__}"] = cls
    return found


FORM_CLASSES = _portal_forms()


def _constructor_needs(name: str, personas) -> dict:
    """What a form's constructor needs besides its data (a case, an office, a user …)."""
    from accounts.models import User
    from duty.models import HelpKind, Workstation
    from quality.models import ScoreSheet

    luoding = Office.objects.get(slug="luoding")
    if name in {"cases.AssignForm", "cases.ClosureForm", "cases.SealForm", "cases.ProvisionalAssignForm"}:
        return {"case": make_case(personas, state=CaseState.IN_PROGRESS)}
    sheet = ScoreSheet.objects.first()
    return {
        "applications.WalkInApplicationForm": {"receiving_office": luoding},
        "applications.SupplementRequestForm": {"suggested": ["身份证明", "经济困难状况说明或承诺"]},
        "cases.HandlerForm": {"office": luoding},
        "quality.AssignReviewerForm": {"reviewers": User.objects.filter(username__startswith="peer_reviewer-")},
        "quality.ScoreForm": {"items": list(sheet.items.all()) if sheet else []},
        "quality.FollowUpForm": {"user": personas[(Role.CLERK, "luoding")]},
        "quality.CoefficientForm": {"current": {}},
        "quality.SubsidyFilterForm": {"offices": [(luoding.pk, luoding.name)]},
        "reporting.CountingRuleForm": {"today": timezone.localdate()},
        "duty.ShiftForm": {"office": luoding},
        "duty.DayForm": {"office_id": luoding.pk},
        "duty.PersonForm": {"kind_choices": [(kind.pk, kind.name) for kind in HelpKind.objects.all()]},
        "duty.RecordFilterForm": {"workstations": list(Workstation.objects.filter(office=luoding))},
    }.get(name, {})


def _field_values(form: forms.BaseForm):
    """For each field: a hostile value, a valid choice (so later checks are reached too), or nothing."""
    strategies = {}
    for name, form_field in form.fields.items():
        options = [HOSTILE, st.just(MISSING)]
        choices = [str(value) for value, _ in getattr(form_field, "choices", []) if value not in ("", None)]
        if choices:
            options.append(st.sampled_from(choices[:50]))
        if isinstance(form_field, forms.DateField):
            options.append(st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat))
        options.append(st.integers(-(10**12), 10**12).map(str))
        strategies[name] = st.one_of(*options)
    return st.fixed_dictionaries(strategies).map(lambda data: {k: v for k, v in data.items() if v is not MISSING})


def test_every_portal_form_is_fuzzed():
    assert len(FORM_CLASSES) >= 30, sorted(FORM_CLASSES)


@pytest.mark.parametrize("name", sorted(FORM_CLASSES))
def test_each_form_class_refuses_hostile_values_in_chinese(name, personas):
    needs = _constructor_needs(name, personas)

    def build(data, files):
        return FORM_CLASSES[name](data, files, **needs)

    @settings(
        max_examples=max(1, int(FORM_EXAMPLES * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=_field_values(build(None, None)))
    def check(data):
        with transaction.atomic():
            form = build(data, {})
            form.is_valid()  # must not raise
            messages = [m for errors in form.errors.values() for m in errors]
            assert not_chinese(messages) == [], messages
            transaction.set_rollback(True)

    check()
