"""The house's shape (issue 9 §2): apps depend downwards only, and no files import each other in a
circle. Read from the source with `ast`, so a new upward import fails here before review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom first. An app may import the apps listed before it, never one after it. The project package
# (settings, the root URLconf) stands above them all.
LAYERS = [
    "audit",
    "core",
    "accounts",
    "tallies",
    "notifications",
    "deadlines",
    "applications",
    "consultations",
    "cases",
    "quality",
    "duty",
    "reporting",
    "portal",
]
PROJECT = "yunfu_legalaid"


def _modules() -> dict[str, Path]:
    found = {}
    for package in [*LAYERS, PROJECT]:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # history: a migration names the state of its day, not the code's shape
            relative = path.relative_to(ROOT).with_suffix("")
            name = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Project modules that `path` imports, wherever the import stands (function bodies included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in MODULES}


GRAPH = {module: _imports(path) for module, path in MODULES.items()}


def _layer(module: str) -> int:
    top = module.split(".")[0]
    return len(LAYERS) if top == PROJECT else LAYERS.index(top)


def test_every_app_is_in_the_layer_list():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_downwards(module):
    upward = sorted(target for target in GRAPH[module] if _layer(target) > _layer(module))
    assert not upward, f"{module} imports {upward}, which stand above it ({' < '.join(LAYERS)})"


def test_no_files_import_each_other_in_a_circle():
    """Tarjan's strongly connected components over the file graph: every component is one file."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []
