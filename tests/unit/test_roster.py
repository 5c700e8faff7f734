"""Roster validation: every error names the file, the line where possible, and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, ExitCode, NotFoundError
from gizinterm.office.roster import guess_kind, load_roster
from tests.helpers import REPO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
[office]
name = "Acme"
session = "acme"

[defaults]
command = "sh"
department = "Ops"

[[agent]]
id = "one"
name = "One"

[[agent]]
id = "two"
name = "Two"
command = "claude --model opus"
department = "Tech"
env = { FOO = "bar" }
"""


def test_example_office_loads() -> None:
    roster = load_roster(REPO / "agents.toml")
    assert roster.office.name == "Gizin"
    assert [a.name for a in roster.agents][:4] == ["Riku", "Masahiro", "Ren", "Ryo"]
    assert len(roster.agents) == 17
    assert roster.agent("ren").role == "CFO"
    assert all(a.kind == "demo" for a in roster.agents)


def test_defaults_apply_and_agent_values_win(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, GOOD))
    one, two = roster.agents
    assert one.command == "sh" and one.department == "Ops" and one.kind == "shell"
    assert two.command == "claude --model opus" and two.kind == "claude" and two.department == "Tech"
    assert two.env == {"FOO": "bar"}
    assert roster.office.layout == "grid3" and roster.office.day_starts == "00:00"
    assert one.index == 0 and two.index == 1


def test_unknown_agent_key_names_line_field_and_suggestion(tmp_path: Path) -> None:
    text = GOOD.replace('name = "Two"', 'name = "Two"\ncomand = "sh"')
    with pytest.raises(ConfigError) as err:
        load_roster(write(tmp_path, text))
    message = str(err.value)
    assert message == f"{tmp_path / 'agents.toml'}:16: agent[two].comand: unknown key (did you mean 'command'?)"
    assert err.value.exit_code == ExitCode.USAGE


def test_unknown_top_level_and_office_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r":1: ofice: unknown key \(did you mean 'office'\?\)"):
        load_roster(write(tmp_path, "[ofice]\nname = 'x'\n"))
    with pytest.raises(ConfigError, match=r":3: office.layuot: unknown key \(did you mean 'layout'\?\)"):
        load_roster(write(tmp_path, "[office]\nname = 'x'\nlayuot = 'grid3'\n"))


def test_duplicate_ids_point_at_the_second(tmp_path: Path) -> None:
    text = GOOD.replace('id = "two"', 'id = "one"')
    with pytest.raises(ConfigError) as err:
        load_roster(write(tmp_path, text))
    assert err.value.line == 14
    assert "agent[one].id: duplicate id 'one' (first used by agent #1)" in str(err.value)


@pytest.mark.parametrize(
    ("snippet", "field", "problem"),
    [
        ('id = "one"\nname = 7', "agent[one].name", "must be a string, not a number"),
        ('id = "one"\nname = "One"\nautostart = "yes"', "agent[one].autostart", "must be true or false"),
        ('id = "one"\nname = "One"\nkind = "claud"', "agent[one].kind", "did you mean 'claude'"),
        ('id = "One!"\nname = "One"', "agent[One!].id", "'One!' is not valid"),
        ('id = "one"\nname = "One"\nenv = { GIZIN_AGENT = "x" }', "agent[one].env.GIZIN_AGENT", "cannot be overridden"),
        ('id = "one"\nname = "One"\nenv = { A = 1 }', "agent[one].env.A", "must be a string"),
        ('id = "one"\nname = "One"\noutbound = "block"', "agent[one].outbound", "is not one of allow, deny"),
    ],
)
def test_bad_types_and_values(tmp_path: Path, snippet: str, field: str, problem: str) -> None:
    text = f'[defaults]\ncommand = "sh"\n\n[[agent]]\n{snippet}\n'
    with pytest.raises(ConfigError) as err:
        load_roster(write(tmp_path, text))
    assert f": {field}: " in str(err.value)
    assert problem in str(err.value)
    assert err.value.line is not None and err.value.line >= 5


def test_missing_required_fields(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r":1: agent\[a\]\.command: is required"):
        load_roster(write(tmp_path, '[[agent]]\nid = "a"\nname = "A"\n'))
    with pytest.raises(ConfigError, match=r":1: agent\[a\]\.name: is required"):
        load_roster(write(tmp_path, '[[agent]]\nid = "a"\ncommand = "sh"\n'))
    with pytest.raises(ConfigError, match=r":1: agent\[#1\]\.id: is required"):
        load_roster(write(tmp_path, '[[agent]]\nname = "A"\ncommand = "sh"\n'))


def test_syntax_error_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_roster(write(tmp_path, '[office]\nname = "x"\nsession = \n'))
    assert err.value.line == 3
    assert err.value.field == "syntax"


def test_bad_day_start_and_session(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"office.day_starts: '25:00' is not valid"):
        load_roster(write(tmp_path, '[office]\nday_starts = "25:00"\n'))
    with pytest.raises(ConfigError, match=r"office.session: 'a:b' is not valid"):
        load_roster(write(tmp_path, '[office]\nsession = "a:b"\n'))


def test_missing_file_and_bad_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_roster(tmp_path / "nope.toml")
    path = tmp_path / "agents.toml"
    path.write_bytes(b'[office]\nname = "\xff"\n')
    with pytest.raises(ConfigError, match=":2: not valid UTF-8"):
        load_roster(path)


def test_unknown_agent_lookup_suggests(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, GOOD))
    with pytest.raises(NotFoundError, match="unknown agent 'tow' \\(did you mean 'two'\\?\\)"):
        roster.agent("tow")


def test_guess_kind() -> None:
    assert guess_kind("/usr/local/bin/codex --yolo") == "codex"
    assert guess_kind("gizin demo-agent") == "demo"
    assert guess_kind("bash -l") == "shell"
    assert guess_kind("'unbalanced") == "shell"


def test_office_timezone(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, '[office]\ntimezone = "Asia/Tokyo"\n'))
    assert roster.office.timezone == "Asia/Tokyo"
    assert str(roster.office.tzinfo) == "Asia/Tokyo"
    assert load_roster(write(tmp_path, "[office]\n")).office.tzinfo is None
    with pytest.raises(ConfigError, match=r":2: office.timezone: unknown time zone 'Tokio/Japan'"):
        load_roster(write(tmp_path, '[office]\ntimezone = "Tokio/Japan"\n'))
