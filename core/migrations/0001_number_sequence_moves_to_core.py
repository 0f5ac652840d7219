"""NumberSequence moves from `applications` to the shared kernel: the table is kept (state only here),
then renamed to this app's name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0004_application_closed_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NumberSequence",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20)),
                        ("scope", models.CharField(blank=True, help_text="空 = 全市统一编号；否则为机构代码等。", max_length=20)),
                        ("year", models.PositiveSmallIntegerField()),
                        ("last_value", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "编号计数器",
                        "verbose_name_plural": "编号计数器",
                        "db_table": "applications_numbersequence",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "scope", "year"), name="number_sequence_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="numbersequence", table=None),
    ]
