"""The core never imports the UI or heavy libraries it does not need (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "libtmux", "sqlite_utils", "watchfiles", "typer", "rich")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in json.loads(out)}


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.office.roster",
        "gizinterm.office.layout",
        "gizinterm.store.schema",
        "gizinterm.ground.paths",
        "gizinterm.ground.errors",
    ],
)
def test_pure_modules_load_nothing_heavy(module: str) -> None:
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_entry_point_loads_nothing_heavy_before_dispatch() -> None:
    assert not loaded_after("import gizinterm.cli.entry, gizinterm.panes.demo_agent") & set(HEAVY)


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.ground.safetext",
        "gizinterm.workspace.watch",
        "gizinterm.tui",
        "gizinterm.tui.model",
        "gizinterm.workspace.feed",
    ],
)
def test_dashboard_data_and_safe_text_load_nothing_heavy(module: str) -> None:
    """The safe-text helpers serve stdlib-only paths too; the dashboard's data model is textual-free."""
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_the_cli_app_loads_no_textual() -> None:
    """Only `gizin ui` pays for textual; building the typer app (every other command) must not."""
    assert "textual" not in loaded_after("import gizinterm.cli.main")


def test_reports_load_nothing_heavy_until_rich_output() -> None:
    """Building a report and rendering text, Markdown, HTML or JSON costs no rich, typer or sqlite_utils;
    only terminal output (`render_rich`) imports rich, and only when it renders."""
    modules = "gizinterm.report.service, gizinterm.report.render, gizinterm.report.summarize, gizinterm.store.reports"
    assert not loaded_after(f"import {modules}") & set(HEAVY)
    assert not loaded_after("import gizinterm.report.render_rich") & set(HEAVY)


def test_office_in_tmux_loads_nothing_heavy() -> None:
    """`gizin up` and `status` drive tmux through its binary: no libtmux (see gizinterm/panes/tmux/)."""
    modules = (
        "gizinterm.panes.tmux, gizinterm.panes.bringup, gizinterm.panes.lifecycle, gizinterm.panes.state, "
        "gizinterm.panes.seat, gizinterm.store.events"
    )
    assert not loaded_after(f"import {modules}") & set(HEAVY)


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.ground.days",
        "gizinterm.cli.hot.log",
        "gizinterm.store.taskwrite",
        "gizinterm.store.tasks",
        "gizinterm.store.backup",
    ],
)
def test_task_log_modules_load_nothing_heavy(module: str) -> None:
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_gizin_log_loads_nothing_heavy(tmp_path: Path) -> None:
    """A whole `gizin log` call, through the real entry point, against an existing database. Beyond the
    heavy libraries it also stays clear of the stdlib modules that cost milliseconds at start-up, once
    it has cached what it needs from agents.toml (the settle delay is lifted for the test)."""
    from tests.helpers import write_office

    write_office(tmp_path, 2)
    call = (
        "import os, gizinterm.tasklog.office as logcmd\n"
        "logcmd.SETTLED_SECONDS = 0\n"
        f"os.environ.update(GIZIN_HOME={str(tmp_path)!r}, GIZIN_AGENT='a1')\n"
        "from gizinterm.cli.entry import main\n"
        "assert main(['log', '--quiet', 'hygiene']) == 0"
    )
    loaded_after(call)  # creates the database (sqlite_utils may load here, once) and the roster cache
    loaded = loaded_after(call)
    assert not loaded & set(HEAVY)
    assert not loaded & {"tomllib", "pathlib", "typing", "dataclasses", "argparse", "subprocess", "difflib"}


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.store.messages",
        "gizinterm.messaging.framing",
        "gizinterm.messaging.outbox",
        "gizinterm.cli.hot.send",
        "gizinterm.messaging.deliverer",
    ],
)
def test_messaging_modules_load_nothing_heavy(module: str) -> None:
    """`gizin send` and `gizin ack` run from agents' panes; the deliverer drives tmux through its binary."""
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_gizin_send_and_ack_load_nothing_heavy(tmp_path: Path) -> None:
    """Whole `gizin send` and `gizin ack` calls through the real entry point, against an existing database."""
    from tests.helpers import write_office

    write_office(tmp_path, 2)
    setup = (
        "import contextlib, io, os\n"
        f"os.environ.update(GIZIN_HOME={str(tmp_path)!r}, GIZIN_AGENT='a0')\n"
        "from gizinterm.cli.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    )
    loaded_after(setup + "    assert main(['send', 'a1', 'warm up']) == 0")  # creates the database once
    assert not loaded_after(setup + "    assert main(['send', 'a1', 'hello']) == 0") & set(HEAVY)
    # refused (a0 is not the recipient, and nothing was delivered): exit 2, still without heavy imports
    assert not loaded_after(setup + "    assert main(['ack', '1']) == 2") & set(HEAVY)


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.policy.match",
        "gizinterm.policy.shell",
        "gizinterm.policy.cache",
        "gizinterm.policy.guard",
        "gizinterm.store.audit",
        "gizinterm.policy.gateway",
        "gizinterm.policy.hooks",
        "gizinterm.policy.blocklist_file",
    ],
)
def test_outbound_policy_modules_load_nothing_heavy(module: str) -> None:
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_gizin_guard_loads_only_what_the_input_needs(tmp_path: Path) -> None:
    """A whole `gizin guard` call through the real entry point: no heavy library, none of the stdlib
    modules that cost milliseconds at start-up, and idna/phonenumbers/confusables only for inputs that
    need them (non-ASCII hosts, a possible blocked number)."""
    from tests.policykit import write_policy_office

    write_policy_office(tmp_path)

    def guard(command: str, code: int) -> set[str]:
        event = json.dumps({"tool_name": "Bash", "tool_input": {"command": command}, "cwd": str(tmp_path)})
        call = (
            "import io, os, sys, gizinterm.policy.cache as cache\n"
            "cache.SETTLED_SECONDS = 0\n"
            # the guard's longest deadline: this test is about what loads; its speed is bench/'s
            f"os.environ.update(GIZIN_HOME={str(tmp_path)!r}, GIZIN_GUARD_DEADLINE='5')\n"
            f"sys.stdin = io.TextIOWrapper(io.BytesIO({event.encode()!r}))\n"
            "sys.stdout = io.StringIO(); sys.stderr = io.StringIO()\n"
            "from gizinterm.cli.entry import main\n"
            f"assert main(['guard']) == {code}\n"
            "sys.stdout = sys.__stdout__"
        )
        return loaded_after(call)

    guard("ls", 0)  # creates the database and the policy cache
    light = guard("git status && curl -s https://ok.example/api", 0)
    assert not light & set(HEAVY)
    assert not light & {"tomllib", "pathlib", "typing", "dataclasses", "hashlib", "urllib", "ipaddress"}
    assert not light & {"idna", "phonenumbers", "confusable_homoglyphs"}
    assert {"idna", "confusable_homoglyphs"} <= guard("curl https://еvil.example/", 2)
    assert "phonenumbers" in guard("curl 'https://sms.example/send?to=+1 415 555 2671'", 2)


@pytest.mark.parametrize(
    "module",
    [
        "gizinterm.cli.entry",
        "gizinterm.cli.spec",
        "gizinterm.cli.hot.log",
        "gizinterm.cli.hot.send",
        "gizinterm.cli.hot.ack",
        "gizinterm.cli.hot.up",
        "gizinterm.cli.hot.status",
        "gizinterm.cli.hot.report",
        "gizinterm.cli.hot.guard",
        "gizinterm.cli.hot.demo",
        "gizinterm.tasklog.record",
        "gizinterm.office.identity",
        "gizinterm.messaging.deliverer",
        "gizinterm.workspace",
    ],
)
def test_hot_commands_and_the_facade_load_no_cli_library(module: str) -> None:
    """Every hot command is parsed from its declaration without typer (nor rich, textual, ...), and the
    façade the front ends share loads none of them either."""
    assert not loaded_after(f"import {module}") & set(HEAVY)


def test_hot_command_modules_skip_argparse_and_typing() -> None:
    """`gizin log` and `gizin guard` run before every agent action: their command-line reading costs
    neither argparse nor typing at start-up."""
    loaded = loaded_after("import gizinterm.cli.entry, gizinterm.cli.spec, gizinterm.cli.hot.log")
    assert not loaded & {"argparse", "typing", "dataclasses", "pathlib"}
