"""Known authorities say what kind of organ they are, so the notice form (通知辩护) can offer the police,
procuratorates and courts."""

from django.db import migrations, models

KIND_BY_NAME = [("公安", "police"), ("检察院", "procuratorate"), ("法院", "court"), ("仲裁", "arbitration")]


def set_kinds(apps, schema_editor):
    KnownAuthority = apps.get_model("applications", "KnownAuthority")
    for authority in KnownAuthority.objects.all():
        kind = next((kind for word, kind in KIND_BY_NAME if word in authority.name), "other")
        if authority.kind != kind:
            authority.kind = kind
            authority.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_number_sequence_moves_to_core")]

    operations = [
        migrations.AddField(
            model_name="knownauthority",
            name="kind",
            field=models.CharField(
                choices=[
                    ("police", "公安机关"),
                    ("procuratorate", "人民检察院"),
                    ("court", "人民法院"),
                    ("arbitration", "劳动人事争议仲裁委员会"),
                    ("other", "其他机关"),
                ],
                default="other",
                max_length=20,
                verbose_name="机关类别",
            ),
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
