"""Who made a request (from what `gizin up` gives each agent), and what it cost (prices as data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError
from gizinterm.office.layout import codex_home
from gizinterm.office.roster import load_roster
from gizinterm.usage.attribution import attribution
from gizinterm.usage.prices import price_book


def roster_of(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "office" / "agents.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[office]\nname = "T"\n' + body, encoding="utf-8")
    return path


def agent(ident: str, command: str, extra: str = "") -> str:
    return f'\n[[agent]]\nid = "{ident}"\nname = "{ident}"\ncommand = "{command}"\n{extra}\n'


def test_a_shared_claude_folder_attributes_by_working_folder_only_when_one_agent_works_there(tmp_path: Path) -> None:
    operator = tmp_path / "operator"
    body = (
        agent("ann", "claude", 'cwd = "/work/a"')
        + agent("bob", "claude", 'cwd = "/work/b"')
        + agent("cat", "claude", 'cwd = "/work/b"')
    )
    who = attribution(load_roster(roster_of(tmp_path, body)), str(operator))
    shared = str(operator / ".claude")
    assert who.agent("claude", shared, "/work/a") == "ann"
    assert who.agent("claude", shared, "/work/b") is None, "two agents work there: not a guess"
    assert who.agent("claude", shared, "/elsewhere") is None, "the operator's own session elsewhere"
    assert [(s.kind, s.home) for s in who.sources] == [("claude", shared)]


def test_a_codex_agent_owns_every_session_in_its_own_codex_home(tmp_path: Path) -> None:
    path = roster_of(tmp_path, agent("cody", "codex") + agent("dan", "codex", 'env = { CODEX_HOME = "/shared" }'))
    roster = load_roster(path)
    who = attribution(roster, str(tmp_path / "operator"))
    own = str(codex_home(roster.dir, "cody"))
    assert who.agent("codex", own, "/anywhere/at/all") == "cody"
    assert who.agent("codex", "/shared", "/anywhere") == "dan", "a HOME only one agent names is its own"
    assert who.agent("codex", str(tmp_path / "operator" / ".codex"), str(roster.dir)) is None


def test_an_agent_with_its_own_home_owns_its_gemini_sessions_but_the_operators_does_not(tmp_path: Path) -> None:
    operator = tmp_path / "operator"
    body = agent("gem", "gemini", 'env = { HOME = "/homes/gem" }') + agent("pat", "gemini", 'cwd = "/p"')
    who = attribution(load_roster(roster_of(tmp_path, body)), str(operator))
    assert who.agent("gemini", "/homes/gem/.gemini", "/x") == "gem"
    assert who.agent("gemini", str(operator / ".gemini"), "/p") == "pat"
    assert who.agent("gemini", str(operator / ".gemini"), "/q") is None


def test_prices_match_exactly_then_by_snapshot_then_by_family_else_none(tmp_path: Path) -> None:
    book = price_book(load_roster(roster_of(tmp_path, agent("a", "claude"))))
    exact = book.lookup("gemini-2.5-flash")
    assert exact is not None and exact.name == "gemini-2.5-flash"
    dated = book.lookup("claude-haiku-4-5-20251001")
    assert dated is not None and dated.name == "claude-haiku-4-5"
    family = book.lookup("claude-opus-4-8")
    assert family is not None and family.name == "claude-opus-*"
    assert book.lookup("gpt-5-mini-2025-08-07") is not None
    assert book.lookup("fake-model") is None
    assert family.cost(1_000_000, 0, 0, 0) == family.input


def test_agents_toml_prices_override_and_add_models(tmp_path: Path) -> None:
    body = agent("a", "claude") + (
        '\n[prices."fake-model"]\ninput = 2\noutput = 8.5\ncurrency = "USD"\nchecked = "2026-01-02"\n'
        '\n[prices."gemini-2.5-flash"]\ninput = 0\noutput = 0\n'
    )
    book = price_book(load_roster(roster_of(tmp_path, body)))
    fake = book.lookup("fake-model")
    assert fake is not None
    assert (fake.input, fake.output, fake.cache_read, fake.source) == (2.0, 8.5, 2.0, "agents.toml")
    flash = book.lookup("gemini-2.5-flash")
    assert flash is not None and flash.cost(10, 10, 10, 10) == 0.0


@pytest.mark.parametrize(
    ("table", "where", "field"),
    [
        ('input = "cheap"\noutput = 1\n', "input =", 'prices."m".input'),
        ("output = 1\n", '[prices."m"]', 'prices."m".input'),  # missing: the table's line
        ("input = 1\noutput = 1\nbogus = 3\n", "bogus =", 'prices."m".bogus'),
        ('input = 1\noutput = 1\nchecked = "last week"\n', "checked =", 'prices."m".checked'),
    ],
)
def test_a_wrong_price_names_file_line_and_field(tmp_path: Path, table: str, where: str, field: str) -> None:
    path = roster_of(tmp_path, agent("a", "claude") + '[prices."m"]\n' + table)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(where))
    with pytest.raises(ConfigError) as error:
        price_book(load_roster(path))
    assert (error.value.field, error.value.line) == (field, line)
    assert str(error.value).startswith(f"{path}:{line}: {field}: ")


def test_right_sizing_flags_top_tier_models_on_small_requests_only(tmp_path: Path) -> None:
    from gizinterm.store.usage import Group
    from gizinterm.usage.rightsizing import ROUTINE_OUTPUT, candidates

    body = agent("small", "claude", 'cwd = "/s"') + agent("big", "claude", 'cwd = "/b"')
    body += agent("mid", "claude", 'cwd = "/m"')
    roster = load_roster(roster_of(tmp_path, body))
    home = str(tmp_path / "operator" / ".claude")
    who, book = attribution(roster, str(tmp_path / "operator")), price_book(roster)

    def group(cwd: str, model: str, requests: int, output: int) -> Group:
        return Group("claude", "anthropic", model, home, cwd, requests, (10_000, output, 50_000, 2_000, 0))

    found = [
        group("/s", "claude-opus-4-5", 10, 10 * ROUTINE_OUTPUT),  # exactly at the line: routine
        group("/b", "claude-opus-4-5", 10, 10 * ROUTINE_OUTPUT + 1),  # just past it: real generation
        group("/m", "claude-sonnet-4-5", 10, 100),  # not top-tier
    ]
    (only,) = candidates(found, who, book)
    assert (only.agent, only.model, only.smaller) == ("small", "claude-opus-4-5", "claude-sonnet-4-5")
    opus, sonnet = book.lookup("claude-opus-4-5"), book.lookup("claude-sonnet-4-5")
    assert opus is not None and sonnet is not None
    tokens = (10_000, 10 * ROUTINE_OUTPUT, 50_000, 2_000)
    assert (only.cost, only.cost_smaller) == (opus.cost(*tokens), sonnet.cost(*tokens))
    assert only.saving > 0
