"""`python manage.py restore --input DIR`: checks the backup's manifest, then restores the database
into the EMPTY database named by DATABASE_URL and the materials into an empty MEDIA_ROOT
(core.backup). Nothing is touched when a check fails."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "校验备份清单后，将备份恢复到新建的空数据库与空的材料目录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="backup 命令生成的备份目录")

    def handle(self, *args: Any, input: str, **options: Any) -> None:
        try:
            manifest = restore(Path(input))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {manifest.created_at} 的备份：校验通过，材料 {len(manifest.media_files)} 个文件。"
                f"如代码版本更新，请再运行 python manage.py migrate。"
            )
        )
