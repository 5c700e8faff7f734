"""The direction of imports, package by package: front ends -> workspace -> services -> ground, never back.

Read from the source (an import inside a function counts as much as one at the top of a module); imports
under `if TYPE_CHECKING:` are left out, since they never run. A newcomer can trust the folder names: a
package only reaches the ones below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gizinterm
from tests.unit.test_dashboard_layers import imported

PACKAGE = Path(gizinterm.__file__).parent
# Rank of each package: it may import its own modules and those of lower ranks, nothing else.
RANKS = {
    "ground": 0,  # paths, errors, atomic files, TOML, safe text, days, field validation
    "store": 1,  # the database: connections, schema, the SQL of every table
    "office": 1,  # the roster, layouts, the seating plan, who is calling
    "tasklog": 2,
    "policy": 2,
    "panes": 2,
    "report": 2,
    "usage": 2,  # the usage ledger: session files of the agent CLIs, prices
    "hosts": 3,  # other machines over SSH: connections, their tmux, pulling what their agents wrote
    "messaging": 4,  # pastes into panes, here and (through hosts) on other machines
    "boundary": 4,  # the sandbox and egress proxy agents sit behind
    "notify": 4,  # calls the operator: tmux, notify-send, webhooks through the outbound gateway
    "workspace": 5,  # the façade over every capability
    "tui": 6,
    "cli": 7,  # `gizin ui` opens the dashboard; the dashboard never runs the CLI
}
TOP_LEVEL = {"__init__.py", "__main__.py"}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append((".".join(("gizinterm", *parts)), path))
    return found


def test_gizinterm_holds_about_ten_entries() -> None:
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__" and p.name != "layouts"}
    packages = {name for name in entries if (PACKAGE / name).is_dir()}
    assert entries - packages == TOP_LEVEL
    assert packages == set(RANKS), "a new package needs a rank here (and a line in the README's map)"


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_down(module: str, path: Path) -> None:
    parts = module.split(".")
    if len(parts) < 3:  # gizinterm/__init__.py, __main__.py
        return
    own = parts[1]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    targets = {
        name.split(".")[1]
        for name in imported(path.read_text(encoding="utf-8"), package)
        if name.startswith("gizinterm.") and name.split(".")[1] in RANKS
    }
    upward = sorted(t for t in targets if t != own and RANKS[t] >= RANKS[own])
    assert not upward, f"{module} ({own}, rank {RANKS[own]}) imports {upward}"


def test_no_module_says_more_than_one_thing() -> None:
    """~300 lines is plenty; past 400 a module is holding two things."""
    long = {m: n for m, p in modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_the_parsing_library_is_the_declaration() -> None:
    """Every hot command has exactly one declaration, and nothing else in the package parses arguments
    with argparse (which would be a second one)."""
    from gizinterm.cli.entry import HOT_COMMANDS

    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "argparse" not in names, path
    import importlib

    for name, module in HOT_COMMANDS.items():
        command = importlib.import_module(module).COMMAND
        assert command.path == name
