from django.core.management.base import BaseCommand

from portal.benchdata import SCALES, build


class Command(BaseCommand):
    help = "为性能测试生成历史数据（city-year / city-decade / province）；已生成则直接复用。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="city-year")

    def handle(self, *args, scale: str, **options) -> None:
        build(scale, report=self.stdout.write)
