from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Office
from reporting.selectors import build_monthly_report
from reporting.xlsx import CITY_UNIT, write_monthly_report


class Command(BaseCommand):
    help = "生成民生实事月报（.xlsx），与“下载月报”相同。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--output", required=True, help="输出文件，如 report.xlsx")
        parser.add_argument("--office", help="只生成一个机构的月报（行政区划代码，如 445381）")

    def handle(self, *args, year: int, month: int, output: str, office: str | None, **options) -> None:
        if not 1 <= month <= 12:
            raise CommandError("月份应为1至12。")
        offices = Office.objects.all()
        if office:
            offices = offices.filter(code=office)
            if not offices.exists():
                raise CommandError(f"没有代码为 {office} 的法律援助机构。")
        office_list = list(offices)
        report = build_monthly_report(offices=office_list, year=year, month=month)
        unit = CITY_UNIT if report.covers_all_offices else office_list[0].justice_bureau
        Path(output).write_bytes(write_monthly_report(report, unit=unit, generated_on=timezone.localdate()))
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {output}：{report.period.label}，累计办理 {report.total.matters_ytd} 件。")
        )
