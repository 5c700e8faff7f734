"""Generated agents.toml and layout files: every one is read, or refused in one line naming the file,
with exit 2; never a traceback, never exit 1. Thousands go through the readers and the seating plan
directly (only a GizinError may come out); a few hundred through the real `gizin` entry point, run in
this process (the same code a subprocess runs, minus the interpreter start)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gizinterm.cli.entry import main
from gizinterm.ground.errors import GizinError
from gizinterm.office.layout import load_layout, make_plan
from gizinterm.office.roster import load_roster

KEYS = [
    "name",
    "id",
    "role",
    "department",
    "command",
    "cwd",
    "kind",
    "env",
    "autostart",
    "outbound",
    "session",
    "layout",
    "day_starts",
    "timezone",
    "db",
    "columns",
    "rows",
    "order",
    "window_name",
    "x",
]
SCALARS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["[/]", "[link=http://x]a[/link]", "#(touch /tmp/gizin-fuzz)", "{n}", "a1", "sh", "05:00"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=8,
)
TABLE = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (\\uXXXX escapes included)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_table(header: str, table: dict[str, Any]) -> str:
    return f"{header}\n" + "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in table.items())


def run(folder: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> None:
    code = main(["--office", str(folder), *argv])
    err = capsys.readouterr().err
    assert code in (0, 2, 3, 5), (code, err)
    assert "internal error" not in err and "Traceback" not in err
    if code:
        assert len(err.splitlines()) == 1 and err.startswith("gizin: "), err


def write(
    folder: Path, office: dict[str, Any], defaults: dict[str, Any], agents: list[dict[str, Any]], layout: dict[str, Any]
) -> None:
    (folder / "layouts").mkdir()
    (folder / "layouts" / "fuzz.toml").write_text(toml_table("[layout]", layout), encoding="utf-8")
    office.setdefault("layout", "fuzz")
    text = toml_table("[office]", office) + toml_table("[defaults]", defaults)
    text += "".join(toml_table("[[agent]]", agent) for agent in agents)
    (folder / "agents.toml").write_text(text, encoding="utf-8")


OFFICES = {"office": TABLE, "defaults": TABLE, "agents": st.lists(TABLE, max_size=3), "layout": TABLE}


@settings(max_examples=400, deadline=None)
@given(**OFFICES)
def test_generated_offices_are_read_and_seated_or_refused_as_config_errors(
    tmp_path_factory: pytest.TempPathFactory,
    office: dict[str, Any],
    defaults: dict[str, Any],
    agents: list[dict[str, Any]],
    layout: dict[str, Any],
) -> None:
    folder = tmp_path_factory.mktemp("cfg")
    write(folder, office, defaults, agents, layout)
    try:
        roster = load_roster(folder / "agents.toml")
        chosen = load_layout(roster.office.layout, roster.dir, str(roster.path), roster.office.layout_line)
        make_plan(roster, chosen, db_path=folder / "gizin.db")
    except GizinError as exc:
        assert str(exc).startswith(str(folder)) or "layout" in str(exc), exc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**OFFICES)
def test_generated_offices_through_gizin_never_exit_1(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    office: dict[str, Any],
    defaults: dict[str, Any],
    agents: list[dict[str, Any]],
    layout: dict[str, Any],
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    write(folder, office, defaults, agents, layout)
    run(folder, capsys, "config", "validate")
    run(folder, capsys, "agents")
    assert not Path("/tmp/gizin-fuzz").exists()


@settings(max_examples=800, deadline=None)
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_arbitrary_bytes_as_agents_toml_are_read_or_refused_as_config_errors(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    folder = tmp_path_factory.getbasetemp() / "raw"  # one folder, rewritten: the file is what varies
    folder.mkdir(exist_ok=True)
    (folder / "agents.toml").write_bytes(raw)
    try:
        load_roster(folder / "agents.toml")
    except GizinError as exc:
        assert str(exc).startswith(str(folder / "agents.toml")), exc
