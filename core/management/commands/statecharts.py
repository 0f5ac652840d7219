"""`python manage.py statecharts` writes every workflow table as a Mermaid diagram to docs/states.md
(a test fails when the file is stale: run this after changing a table)."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.transitions import Workflow, autodiscover

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "states.md"


def render_statecharts() -> str:
    workflows = autodiscover()
    lines = [
        "# State machines",
        "",
        "Written by `python manage.py statecharts` from the workflow tables (`<app>/workflows.py`); do not edit",
        "by hand. Each table is the one place that says which moves a record allows, from which states, and",
        "who may make them: the services make the moves through it, the pages offer its buttons.",
    ]
    order = [config.label for config in apps.get_app_configs()]
    for workflow in sorted(workflows.values(), key=lambda flow: (order.index(flow.model._meta.app_label), flow.name)):
        lines += ["", *_section(workflow)]
    return "\n".join(lines) + "\n"


def _section(workflow: Workflow[Any]) -> list[str]:
    meta = workflow.model._meta
    lines = [
        f"## {meta.verbose_name} (`{meta.label}.{workflow.field}`)",
        "",
        "```mermaid",
        workflow.mermaid(),
        "```",
        "",
        "| move | button | from | to | who may |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, move in workflow.moves.items():
        sources = "、".join(workflow.state_label(s) for s in workflow.states.values if s in move.sources)
        targets = "、".join(workflow.state_label(t) for t in move.targets) or "（不变）"
        who = f"`{move.who.__name__}`"
        lines.append(f"| `{name}` | {move.label} | {sources} | {targets} | {who} |")
    return lines


class Command(BaseCommand):
    help = "Write the workflow tables as Mermaid state diagrams to docs/states.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=DEFAULT_PATH)

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render_statecharts(), encoding="utf-8")
        self.stdout.write(f"已写入 {output}（{len(Workflow.registry)} 个状态机）")
