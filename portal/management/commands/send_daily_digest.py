from datetime import date

from django.core.management.base import BaseCommand

from portal.digest import send_daily_digests


class Command(BaseCommand):
    help = "生成审查员、承办人的每日待办提醒（今日到期和已逾期事项；配置邮件服务器时同时发送邮件）。每日运行一次，重复运行无副作用。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="提醒日期（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options) -> None:
        messages = send_daily_digests(today=date)
        for message in messages:
            self.stdout.write(f"{message.recipient.username}：{message.title}")
        self.stdout.write(self.style.SUCCESS(f"共生成 {len(messages)} 条待办提醒。"))
