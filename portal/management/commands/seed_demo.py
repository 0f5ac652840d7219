import random

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.demo import create_demo_users

# Each app's demo data, in dependency order. Every step takes (rng, today, log) keyword arguments,
# is deterministic for the same rng and today, and leaves data already seeded alone.
DEMO_STEPS: list[str] = [
    "applications.demo.seed",
    "cases.demo.seed",
    "quality.demo.seed",
    "consultations.demo.seed",
    "duty.demo.seed",
    "reporting.demo.seed",
]


class Command(BaseCommand):
    help = "创建演示账户和演示数据（可重复运行；同一 --seed 得到同样的数据）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default="demo-pass-2026", help="所有演示账户的密码")
        parser.add_argument("--seed", type=int, default=2026, help="随机数种子")

    def handle(self, *args, password: str, seed: int, **options) -> None:
        accounts = create_demo_users(password=password)
        rng = random.Random(seed)
        today = timezone.localdate()
        for step in DEMO_STEPS:
            import_string(step)(rng=rng, today=today, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"演示账户（密码：{password}）："))
        for account in accounts:
            self.stdout.write(f"  {account.username:<18} {account.role:<8} {account.office}")
