"""docs/states.md is the workflow tables as they are: regenerate it (`python manage.py statecharts`)
whenever a table changes, or this fails."""

from pathlib import Path

from django.conf import settings

from core.management.commands.statecharts import render_statecharts
from core.transitions import autodiscover


def test_docs_states_md_shows_every_workflow_as_it_is():
    written = (Path(settings.BASE_DIR) / "docs" / "states.md").read_text(encoding="utf-8")
    assert written == render_statecharts(), "docs/states.md is stale: run `python manage.py statecharts`"


def test_every_state_machine_is_drawn():
    written = (Path(settings.BASE_DIR) / "docs" / "states.md").read_text(encoding="utf-8")
    workflows = autodiscover()
    assert len(workflows) >= 10
    for workflow in workflows.values():
        assert f"`{workflow.model._meta.label}.{workflow.field}`" in written
