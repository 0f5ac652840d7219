"""The 司法局审核人 role (法律援助法 第四十九条): the bureau's staff who decide objections."""

from django.db import migrations

GROUP = "司法局审核人"


def seed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_password_age_and_history")]
    operations = [migrations.RunPython(seed, unseed)]
