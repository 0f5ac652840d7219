"""`python manage.py backup --output DIR`: the database (pg_dump custom format) and the uploaded
materials, with a manifest of SHA-256 sums (core.backup). Run it daily from cron; keep the folders
off this server."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 自定义格式）与申请材料目录，附 SHA-256 校验清单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="备份目录（新建或空目录），如 /backup/2026-05-31")

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        try:
            manifest = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(entry["bytes"] for entry in manifest.files.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {output}：数据库 1 个文件，材料 {len(manifest.media_files)} 个文件，共 {size} 字节；"
                f"校验清单 manifest.json。"
            )
        )
