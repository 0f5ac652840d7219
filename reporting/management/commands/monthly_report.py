from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Office
from reporting.services import EXPORT_NOTE_COMMAND, export_monthly_report


class Command(BaseCommand):
    help = "生成民生实事月报（.xlsx），与“下载月报”相同；导出记入审计日志。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--output", required=True, help="输出文件，如 report.xlsx")
        parser.add_argument("--office", help="只生成一个机构的月报（行政区划代码，如 445381）")
        parser.add_argument("--user", help="记入审计日志的导出人（管理员用户名）；不填则不记导出人")

    def handle(
        self, *args, year: int, month: int, output: str, office: str | None, user: str | None, **options
    ) -> None:
        if not 1 <= month <= 12:
            raise CommandError("月份应为1至12。")
        if not 2000 <= year <= 2100:
            raise CommandError("年度应为2000至2100。")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True, is_superuser=True).first()
            if actor is None:
                raise CommandError(f"没有用户名为 {user} 的有效管理员。")
        offices = Office.objects.all()
        if office:
            offices = offices.filter(code=office)
            if not offices.exists():
                raise CommandError(f"没有代码为 {office} 的法律援助机构。")
        export = export_monthly_report(offices=offices, year=year, month=month, by=actor, via=EXPORT_NOTE_COMMAND)
        Path(output).write_bytes(export.content)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {output}：{export.report.period.label}，累计办理 {export.report.total.matters_ytd} 件。"
            )
        )
