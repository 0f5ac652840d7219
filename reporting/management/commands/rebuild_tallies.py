from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.services import rebuild_tallies, tally_differences


class Command(BaseCommand):
    help = "按业务记录重新统计民生实事月度计数（导入、恢复备份或批量生成数据之后运行）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from-year", type=int, default=2000, help="自该年度起（默认2000）")
        parser.add_argument("--to-year", type=int, help="至该年度止（默认今年）")
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对：列出与业务记录不一致的月度计数，不作修改（有不一致时退出码为1）",
        )

    def handle(
        self, *args, from_year: int, to_year: int | None, check: bool = False, verbosity: int = 1, **options
    ) -> None:
        to_year = to_year or timezone.localdate().year
        if not 2000 <= from_year <= to_year <= 2100:
            raise CommandError("年度应为2000至2100，且起始年度不晚于终止年度。")
        if check:
            differences = tally_differences(years=range(from_year, to_year + 1))
            for difference in differences:
                self.stdout.write(str(difference))
            if differences:
                raise CommandError(
                    f"{from_year}—{to_year} 年的月度计数有 {len(differences)} 处与业务记录不一致；运行 rebuild_tallies 重新统计。"
                )
            self.stdout.write(f"{from_year}—{to_year} 年的月度计数与业务记录一致。")
            return
        written = rebuild_tallies(years=range(from_year, to_year + 1))
        if verbosity:
            self.stdout.write(f"已重新统计 {from_year}—{to_year} 年的月度计数：{written} 行。")
