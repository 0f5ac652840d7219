from django.core.management.base import BaseCommand

from notifications.services import enqueue_due


class Command(BaseCommand):
    help = "将所有到期待发送的短信重新交给后台任务（补漏：队列或工作进程重启后；重复运行无副作用）。"

    def handle(self, *args, **options) -> None:
        count = enqueue_due()
        self.stdout.write(self.style.SUCCESS(f"已排队 {count} 条待发送短信。"))
