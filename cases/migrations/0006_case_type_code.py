"""Case types get a code of their own, so that a type need not be a 事项类别 (强制医疗 is criminal, with
its own number series): the existing rows take their category as their code."""

from django.db import migrations, models


def codes_from_categories(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    for case_type in CaseType.objects.all():
        case_type.code = case_type.category
        case_type.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_prior_state_and_assignment_clock")]

    operations = [
        migrations.AddField(
            model_name="casetype", name="code", field=models.CharField(max_length=20, null=True, verbose_name="代码")
        ),
        migrations.AddField(
            model_name="casetype",
            name="name",
            field=models.CharField(
                blank=True, help_text="如“强制医疗”；空则为事项类别名称。", max_length=20, verbose_name="名称"
            ),
        ),
        migrations.RunPython(codes_from_categories, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casetype",
            name="code",
            field=models.CharField(max_length=20, unique=True, verbose_name="代码"),
        ),
        migrations.AlterField(
            model_name="casetype",
            name="category",
            field=models.CharField(
                choices=[
                    ("criminal", "刑事"),
                    ("civil", "民事"),
                    ("administrative", "行政"),
                    ("labour", "劳动争议"),
                    ("state_compensation", "国家赔偿"),
                ],
                max_length=20,
                verbose_name="事项类别",
            ),
        ),
        migrations.AlterModelOptions(
            name="casetype", options={"ordering": ["sort_order"], "verbose_name": "案件类型", "verbose_name_plural": "案件类型"}
        ),
    ]
