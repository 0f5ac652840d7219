from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_monthlysubmission_first_submitted_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="monthlysubmission",
            name="first_submitted_at",
            field=models.DateTimeField(editable=False, verbose_name="首次报送时间"),
        ),
    ]
