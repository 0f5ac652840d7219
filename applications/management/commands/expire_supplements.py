from django.core.management.base import BaseCommand

from applications.services import expire_supplements


class Command(BaseCommand):
    help = "将补正期限届满仍未补正的申请视为撤回（每日运行一次；重复运行无副作用）。"

    def handle(self, *args, **options) -> None:
        expired = expire_supplements()
        for application in expired:
            self.stdout.write(f"{application.number} 视为撤回")
        self.stdout.write(self.style.SUCCESS(f"共 {len(expired)} 件申请视为撤回。"))
