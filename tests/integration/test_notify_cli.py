"""`[notify]` is validated like the rest of the roster, and the notification commands keep the CLI's
contracts: one line naming file, line and key, exit 2 (README "Exit codes"). `--limit`'s range is checked
with every other option's by tests/fuzz/test_option_ranges.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, UsageError
from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.helpers import base_env, run_gizin
from tests.integration.notifykit import write_notify_office

AGENT = '\n[[agent]]\nid = "a0"\nname = "A0"\ncommand = "cat"\n'


BAD = [
    ("waitng_after = 5", "notify.waitng_after: unknown key (did you mean 'waiting_after'?)"),
    ("waiting_after = -1", "notify.waiting_after: must be between 0 and 604800, not -1"),
    ('webhook = "ftp://example.com/x"', "notify.webhook: 'ftp://example.com/x' is not an http(s) URL"),
    ('ntfy = "https://"', "notify.ntfy: 'https://' is not an http(s) URL"),
    ('quiet_hours = "22-07"', "notify.quiet_hours: '22-07' is not valid: use \"HH:MM-HH:MM\""),
    ('quiet_hours = "07:00-07:00"', "notify.quiet_hours: '07:00-07:00' starts and ends at the same time"),
    ('terminal = "yes"', "notify.terminal: must be true or false, not a string"),
]


def test_a_bad_notify_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    notify, problem = BAD[0]
    folder = write_notify_office(tmp_path / "office", AGENT, notify)
    env = base_env(tmp_path, GIZIN_HOME=str(folder))
    result = run_gizin("config", "validate", env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gizin: {folder / 'agents.toml'}:7: {problem}"), lines


@pytest.mark.parametrize(("notify", "problem"), BAD)
def test_every_bad_notify_value_names_file_line_and_key(tmp_path: Path, notify: str, problem: str) -> None:
    """The same roster load every command makes (the test above runs it as `gizin`, whole process)."""
    folder = write_notify_office(tmp_path / "office", AGENT, notify)
    with pytest.raises(ConfigError) as caught:
        load_roster(folder / "agents.toml")
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"{folder / 'agents.toml'}:7: {problem}")


def test_the_history_commands_keep_their_contracts(tmp_path: Path) -> None:
    folder = write_notify_office(tmp_path / "office", AGENT, "terminal = false\ndesktop = false")
    env = base_env(tmp_path, GIZIN_HOME=str(folder))
    empty = run_gizin("notifications", "--json", env=env)
    assert (empty.returncode, json.loads(empty.stdout)) == (0, [])
    assert not (folder / ".gizin" / "gizin.db").exists()  # reading never creates the database
    ws = Workspace(roster=load_roster(folder / "agents.toml"), db_path=folder / ".gizin" / "gizin.db")
    with pytest.raises(UsageError, match=r"^notify test: every channel is off in \[notify\] of "):
        ws.notify_test()
