"""The dashboard stays a front end: tui/ reaches data only through the workspace façade, and the service
that feeds it (workspace/feed.py) is UI-free. Checked on the source, so an import inside a function counts
as much as one at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import gizinterm

PACKAGE = Path(gizinterm.__file__).parent
BELOW_THE_FACADE = ("gizinterm.store", "gizinterm.panes.tmux")


def imported(source: str, package: str) -> set[str]:
    """Every module `source` imports when it runs. Imports under `if TYPE_CHECKING:` are left out: they
    never execute, and name the types Workspace methods return (a Task from `Workspace.tasks`)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from gizinterm import store`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def reaches(modules: set[str], prefixes: tuple[str, ...]) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)}


def test_the_checker_sees_deferred_and_package_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from gizinterm.store.tasks import Task\n"
        "def f():\n    from gizinterm import store\n    import gizinterm.panes.tmux\n"
    )
    assert reaches(imported(source, "gizinterm.tui"), BELOW_THE_FACADE) == {"gizinterm.store", "gizinterm.panes.tmux"}
    assert not reaches(
        imported("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import gizinterm.panes.tmux\n", ""),
        BELOW_THE_FACADE,
    )


def test_the_dashboard_reaches_no_store_and_no_tmux() -> None:
    """tui/ (app wiring included) gets every row and every pane through Workspace."""
    files = sorted((PACKAGE / "tui").rglob("*.py"))
    assert len(files) > 10  # the whole dashboard, not an empty glob
    offenders = {}
    for path in files:
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        bad = reaches(imported(path.read_text(encoding="utf-8"), package), BELOW_THE_FACADE)
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}


def test_the_dashboard_feed_imports_no_ui() -> None:
    source = (PACKAGE / "workspace" / "feed.py").read_text(encoding="utf-8")
    assert not reaches(imported(source, "gizinterm"), ("textual", "gizinterm.tui", "gizinterm.cli", "typer"))
