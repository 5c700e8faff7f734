"""Generated command lines for the commands an agent or a script runs, through the real `gizin` entry
point in this process: whatever the words, the exit code is a documented one and never 1, and stderr
is at most one line. Options and their names come from the declarations themselves, so a new option
is fuzzed without touching this file."""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from gizinterm.cli import app
from gizinterm.cli.entry import HOT_COMMANDS, main
from gizinterm.cli.spec import Command
from tests.helpers import write_office

# Quick, and harmless whatever their options say: no waiting, no tmux, no files written outside the office.
SAFE = {
    "log", "send", "ack", "report next-move", "report week", "report agent", "report providers", "status",
    "tasks", "tasks done", "tasks edit", "tasks rm", "tasks history", "messages", "messages cancel",
    "events", "agents", "config validate", "blocklist audit", "blocklist check", "blocklist history",
}  # fmt: skip
NEVER = {"--wait", "--summarize-with", "--out", "-o", "--office", "--db", "--help", "-h", "--file", "-f"}


def declared() -> dict[str, list[str]]:
    """Command path -> its option names, from cli.spec and the typer app."""
    found: dict[str, list[str]] = {}

    def hot(command: Command) -> Iterator[tuple[str, list[str]]]:
        for sub in command.subcommands:
            yield from hot(sub)
        if not command.subcommands:
            yield command.path, [o.names[-1] for o in command.options]

    for module in HOT_COMMANDS.values():
        found.update(hot(importlib.import_module(module).COMMAND))

    def walk(command: object, path: str) -> None:
        params = getattr(command, "params", [])
        names = [p.opts[-1] for p in params if p.opts and p.opts[-1].startswith("-")]
        found.setdefault(path, names)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return {path: [n for n in names if n not in NEVER] for path, names in found.items() if path in SAFE}


COMMANDS = declared()
WORD = st.one_of(
    st.sampled_from(["a1", "a9", "1", "0", "-1", "99999999999999999999", "nan", "inf", "1e309", "today",
                     "0001-01-01", "9999-12-31", "json", "all", "@Beta", "[/]", "#(x)", "", "-", "--"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)  # fmt: skip


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    words = path.split()
    for _ in range(draw(st.integers(0, 4))):
        if COMMANDS[path] and draw(st.booleans()):
            words.append(draw(st.sampled_from(COMMANDS[path])))
        words.append(draw(WORD))
    return words


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("argv") / "office"
    write_office(folder, 3)
    saved = dict(os.environ)
    os.environ.update(GIZIN_HOME=str(folder), GIZIN_TMUX_SOCKET=f"gizin-none-{secrets.token_hex(4)}")
    for name in ("GIZIN_AGENT", "TMUX", "TMUX_PANE", "GIZIN_DB"):
        os.environ.pop(name, None)
    yield folder
    os.environ.clear()
    os.environ.update(saved)


def test_every_safe_command_is_found() -> None:
    assert set(COMMANDS) == SAFE


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command_lines())
def test_generated_command_lines_never_exit_1(
    office: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 2, 3, 4, 5), (argv, code, err)
    assert "internal error" not in err and "Traceback" not in err, (argv, err)
    assert len(err.splitlines()) <= 1 or err.startswith("Usage:") or "no deliverer is running" in err, (argv, err)
