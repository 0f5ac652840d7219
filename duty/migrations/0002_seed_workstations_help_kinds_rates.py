"""Reference data: the workstation kinds (看守所 / 人民法院 / 人民检察院), each office's stations,
the forms of 法律帮助 worded as DOMAIN.md (法律援助法 第三十条; 刑事诉讼法 第一百七十四条), and the
first duty subsidy rate (per half-day; the figure is to confirm with the city bureau and is edited by
city staff on the rates page)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

KINDS = ["看守所", "人民法院", "人民检察院"]
# Per office (by division code): the stations where its duty lawyers sit.
STATIONS = {
    "445300": [("看守所", "云浮市看守所"), ("人民法院", "云浮市中级人民法院"), ("人民检察院", "云浮市人民检察院")],
    "445302": [
        ("看守所", "云浮市云城区看守所"),
        ("人民法院", "云浮市云城区人民法院"),
        ("人民检察院", "云浮市云城区人民检察院"),
    ],
    "445303": [
        ("看守所", "云浮市云安区看守所"),
        ("人民法院", "云浮市云安区人民法院"),
        ("人民检察院", "云浮市云安区人民检察院"),
    ],
    "445381": [("看守所", "罗定市看守所"), ("人民法院", "罗定市人民法院"), ("人民检察院", "罗定市人民检察院")],
    "445321": [("看守所", "新兴县看守所"), ("人民法院", "新兴县人民法院"), ("人民检察院", "新兴县人民检察院")],
    "445322": [("看守所", "郁南县看守所"), ("人民法院", "郁南县人民法院"), ("人民检察院", "郁南县人民检察院")],
}
HELP_KINDS = ["法律咨询", "程序选择建议", "申请变更强制措施", "对案件处理提出意见", "认罪认罚具结在场"]
FIRST_RATE = ("half_day", Decimal("200.00"), date(2022, 1, 1))  # (confirm) 每半天


def seed(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    WorkstationKind = apps.get_model("duty", "WorkstationKind")
    Workstation = apps.get_model("duty", "Workstation")
    HelpKind = apps.get_model("duty", "HelpKind")
    DutyRate = apps.get_model("duty", "DutyRate")
    kinds = {
        name: WorkstationKind.objects.get_or_create(name=name, defaults={"sort_order": order})[0]
        for order, name in enumerate(KINDS, start=1)
    }
    for office in Office.objects.filter(code__in=STATIONS):
        for kind, name in STATIONS[office.code]:
            Workstation.objects.get_or_create(name=name, defaults={"office": office, "kind": kinds[kind]})
    for order, name in enumerate(HELP_KINDS, start=1):
        HelpKind.objects.get_or_create(name=name, defaults={"sort_order": order})
    unit, amount, start = FIRST_RATE
    DutyRate.objects.get_or_create(unit=unit, effective_from=start, defaults={"amount": amount})


def unseed(apps, schema_editor):
    for model in ("DutyRate", "HelpKind", "Workstation", "WorkstationKind"):
        apps.get_model("duty", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_workstations_roster_help_records_subsidies")]

    operations = [migrations.RunPython(seed, unseed)]
