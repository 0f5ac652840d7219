"""责令改正 puts a case back where it stood (the state before 终止 is stored) and restarts the 3-day
assignment clock from the correction (a date of its own, so `opened_on` stays the decision date the
reports count). Lawyers' 执业证号 are 17 digits and unique."""

import django.core.validators
from django.db import migrations, models
from django.db.models import F, Q


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.update(assignment_clock_from=F("opened_on"))
    # Terminated before this field existed: the record still tells where the case stood, since
    # 提交结案 sets closure_submitted_on (退回 clears it) and only an assigned case has a handler.
    terminated = Case.objects.filter(state="terminated")
    terminated.filter(closure_submitted_on__isnull=False).update(state_before_termination="closure_review")
    terminated.filter(closure_submitted_on__isnull=True, handler__isnull=False).update(
        state_before_termination="in_progress"
    )
    terminated.filter(handler__isnull=True).update(state_before_termination="awaiting_assignment")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_objection_shares_base")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="assignment_clock_from",
            field=models.DateField(null=True, verbose_name="指派期限起算日"),
        ),
        migrations.AddField(
            model_name="case",
            name="state_before_termination",
            field=models.CharField(
                blank=True,
                choices=[
                    ("awaiting_assignment", "待指派"),
                    ("in_progress", "承办中"),
                    ("closure_review", "待结案审查"),
                ],
                help_text="责令改正后案件恢复到此状态。",
                max_length=20,
                verbose_name="终止前状态",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="assignment_clock_from",
            field=models.DateField(
                help_text="准予决定日期；终止后经责令改正恢复的，自改正决定之日起重新起算3日。",
                verbose_name="指派期限起算日",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="opened_on",
            field=models.DateField(help_text="即准予法律援助的决定日期（统计以此为准）。", verbose_name="立案日期"),
        ),
        migrations.AlterField(
            model_name="handler",
            name="license_number",
            field=models.CharField(
                blank=True,
                max_length=17,
                validators=[django.core.validators.RegexValidator("^[0-9]{17}$", "执业证号应为17位数字。")],
                verbose_name="执业证号",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=Q(state_before_termination="")
                | Q(state_before_termination__in=["awaiting_assignment", "in_progress", "closure_review"]),
                name="case_state_before_termination_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=~Q(state="terminated") | ~Q(state_before_termination=""),
                name="case_terminated_knows_prior_state",
            ),
        ),
        migrations.AddConstraint(
            model_name="handler",
            constraint=models.UniqueConstraint(
                condition=~Q(license_number=""),
                fields=("license_number",),
                name="handler_license_number_unique",
                violation_error_message="该执业证号已登记为其他承办人。",
            ),
        ),
    ]
