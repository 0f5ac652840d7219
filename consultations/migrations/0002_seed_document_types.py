"""Reference data: the types of document an office drafts for people (代拟法律文书)."""

from django.db import migrations

TYPES = ["起诉状", "答辩状", "上诉状", "申诉状", "仲裁申请书", "劳动仲裁申请书", "其他"]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("consultations", "DocumentType")
    for order, name in enumerate(TYPES, start=1):
        DocumentType.objects.get_or_create(name=name, defaults={"sort_order": order})


def unseed(apps, schema_editor):
    apps.get_model("consultations", "DocumentType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_consultations_and_drafted_documents")]

    operations = [migrations.RunPython(seed, unseed)]
