"""`gizin guard install` merges the hook into each agent CLI's settings, `gizin guard selftest` proves it
blocks by running it, and `gizin up` refuses to start an agent whose guard would not block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import base_env, run_gizin
from tests.policykit import write_policy_office

ROSTER = """
[office]
name = "Hooked"
session = "hooked"

[defaults]
command = "sh"

[[agent]]
id = "ann"
name = "Ann"
kind = "claude"
cwd = "ann"

[[agent]]
id = "cody"
name = "Cody"
kind = "codex"
cwd = "cody"

[[agent]]
id = "gem"
name = "Gem"
kind = "gemini"
cwd = "gem"

[[agent]]
id = "sam"
name = "Sam"
kind = "shell"
"""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    write_policy_office(folder, roster=ROSTER)
    for name in ("ann", "cody", "gem"):
        (folder / name).mkdir()
    existing = {
        "model": "opus",
        "hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "fmt"}]}]},
    }
    (folder / "ann" / ".claude").mkdir()
    (folder / "ann" / ".claude" / "settings.json").write_text(json.dumps(existing), encoding="utf-8")
    return folder


def gizin(office: Path, *args: str) -> tuple[int, str, str]:
    env = base_env(office.parent, GIZIN_HOME=str(office), GIZIN_TMUX_SOCKET="gizin-test-never-started")
    done = run_gizin(*args, env=env, cwd=office)
    return done.returncode, done.stdout, done.stderr


def test_install_merges_then_selftest_passes(office: Path) -> None:
    code, out, err = gizin(office, "guard", "install", "--json")
    assert code == 0, err
    rows = {r["agent"]: r for r in json.loads(out)}
    assert set(rows) == {"ann", "cody", "gem"}  # the shell agent has no hooks to install
    claude = json.loads((office / "ann" / ".claude" / "settings.json").read_text(encoding="utf-8"))
    assert claude["model"] == "opus" and claude["hooks"]["PostToolUse"][0]["hooks"][0]["command"] == "fmt"
    (entry,) = claude["hooks"]["PreToolUse"]
    assert entry["matcher"] == "*" and " guard --format claude --office " in entry["hooks"][0]["command"]
    codex = json.loads((office / "cody" / ".codex" / "hooks.json").read_text(encoding="utf-8"))
    assert " guard --format codex " in codex["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    gemini = json.loads((office / "gem" / ".gemini" / "settings.json").read_text(encoding="utf-8"))
    assert gemini["hooks"]["BeforeTool"][0]["matcher"] == ".*"
    code, out, _ = gizin(office, "guard", "install", "--json")
    assert {r["detail"] for r in json.loads(out)} == {"already installed"}
    assert json.loads((office / "ann" / ".claude" / "settings.json").read_text(encoding="utf-8")) == claude
    code, out, err = gizin(office, "guard", "selftest", "--json")
    assert code == 0, err
    assert {r["agent"]: r["ok"] for r in json.loads(out)} == {"ann": "ok", "cody": "ok", "gem": "ok"}
    details = {r["agent"]: r["detail"] for r in json.loads(out)}
    # Their command is `sh`, not the CLI, so no real CLI can be run: the result says so.
    for agent, kind in (("ann", "claude"), ("cody", "codex"), ("gem", "gemini")):
        real = f"real CLI not run: its command starts 'sh', not the {kind} CLI"
        assert details[agent] == f"blocks a known-bad call; {real}"


def test_codex_trusts_the_project_and_the_guard_by_hash_in_the_agents_own_codex_home(office: Path) -> None:
    """Codex skips a project hook unless both trusts are in the CODEX_HOME it runs with: install writes
    them there (for gizin's hook only), and selftest fails as soon as either is missing."""
    import tomllib

    assert gizin(office, "guard", "install")[0] == 0
    config = office / ".gizin" / "agents" / "cody" / "codex-home" / "config.toml"
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    assert data["projects"][str((office / "cody").resolve())]["trust_level"] == "trusted"
    hooks_json = (office / "cody" / ".codex" / "hooks.json").resolve()
    (entry,) = data["hooks"]["state"].items()
    assert entry[0] == f"{hooks_json}:pre_tool_use:0:0" and entry[1]["trusted_hash"].startswith("sha256:")
    assert config.parent.stat().st_mode & 0o777 == 0o700
    before = config.read_text(encoding="utf-8")
    assert gizin(office, "guard", "install")[0] == 0
    assert config.read_text(encoding="utf-8") == before  # idempotent: nothing repeated

    config.write_text(before.replace(entry[1]["trusted_hash"], "sha256:" + "0" * 64), encoding="utf-8")
    code, out, err = gizin(office, "guard", "selftest", "cody", "--json")
    assert code == 2 and "does not trust the hook by its hash" in json.loads(out)[0]["detail"] and "cody" in err
    config.write_text(before.replace('trust_level = "trusted"', 'trust_level = "untrusted"'), encoding="utf-8")
    code, out, _ = gizin(office, "guard", "selftest", "cody", "--json")
    assert code == 2 and "does not trust the project" in json.loads(out)[0]["detail"]


def test_selftest_fails_loudly_for_a_hook_that_would_not_block(office: Path) -> None:
    assert gizin(office, "guard", "install")[0] == 0
    path = office / "cody" / ".codex" / "hooks.json"
    settings = json.loads(path.read_text(encoding="utf-8"))
    settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"] = "true # guard --format codex"
    path.write_text(json.dumps(settings), encoding="utf-8")
    (office / "gem" / ".gemini" / "settings.json").unlink()
    code, out, err = gizin(office, "guard", "selftest")
    assert code == 2
    assert "the guard would not block for: cody, gem" in err
    assert "BROKEN" in out


def test_up_refuses_only_the_agents_whose_guard_is_broken(office: Path, tmux: TmuxServer) -> None:
    assert gizin(office, "guard", "install")[0] == 0
    (office / "gem" / ".gemini" / "settings.json").unlink()
    env = base_env(office.parent, GIZIN_HOME=str(office), GIZIN_TMUX_SOCKET=tmux.socket)
    done = run_gizin("up", env=env, cwd=office)
    assert done.returncode == 3, done.stderr  # refused by policy, after everyone else came up
    assert "refused to start gem: outbound guard broken" in done.stderr
    assert "gizin guard install gem" in done.stderr
    seated = set(tmux.out("list-panes", "-s", "-t", "=hooked:", "-F", "#{@gizin-agent}").split())
    assert seated == {"ann", "cody", "sam"}
    done = run_gizin("restart", "gem", env=env, cwd=office)
    assert done.returncode == 3 and "refusing to start gem" in done.stderr
    assert set(tmux.out("list-panes", "-s", "-t", "=hooked:", "-F", "#{@gizin-agent}").split()) == seated
    assert gizin(office, "guard", "install", "gem")[0] == 0
    done = run_gizin("up", env=env, cwd=office)
    assert done.returncode == 0, done.stderr
    assert "gem" in tmux.out("list-panes", "-s", "-t", "=hooked:", "-F", "#{@gizin-agent}").split()


def test_install_never_clobbers_settings_it_cannot_read(office: Path) -> None:
    path = office / "ann" / ".claude" / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    code, _, err = gizin(office, "guard", "install", "ann")
    assert code == 2 and "not valid JSON, left untouched" in err
    assert path.read_text(encoding="utf-8") == "{ not json"


def test_install_rewrites_settings_atomically_keeping_their_mode(office: Path) -> None:
    settings = office / "ann" / ".claude" / "settings.json"
    settings.chmod(0o600)  # the operator's private settings stay private once the hook is merged in
    code, _, err = gizin(office, "guard", "install", "ann")
    assert code == 0, err
    assert json.loads(settings.read_text(encoding="utf-8"))["model"] == "opus"
    assert settings.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in settings.parent.iterdir()] == ["settings.json"]  # no temporary file left


def test_selftest_fails_where_the_cli_would_run_no_hook(office: Path) -> None:
    """A hook that blocks proves nothing if the CLI never calls it: disableAllHooks in any Claude settings
    layer, --setting-sources without project, Gemini's --skip-trust or an untrusted folder."""
    assert gizin(office, "guard", "install")[0] == 0
    home = office.parent  # the HOME of gizin(): base_env(office.parent)
    assert gizin(office, "guard", "selftest")[0] == 0

    def broken() -> dict[str, str]:
        code, out, _ = gizin(office, "guard", "selftest", "--json")
        return {r["agent"]: r["detail"] for r in json.loads(out) if r["ok"] != "ok"} if code else {}

    local = office / "ann" / ".claude" / "settings.local.json"
    local.write_text(json.dumps({"disableAllHooks": True}), encoding="utf-8")
    assert "disableAllHooks" in broken()["ann"]
    local.unlink()
    trusted = home / ".gemini" / "trustedFolders.json"
    assert json.loads(trusted.read_text(encoding="utf-8")) == {str((office / "gem").resolve()): "TRUST_FOLDER"}
    trusted.write_text("{}", encoding="utf-8")
    assert "not a trusted folder" in broken()["gem"]
    assert gizin(office, "guard", "install")[0] == 0 and not broken()  # install trusts it again
    roster = office / "agents.toml"
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text.replace('cwd = "gem"', 'cwd = "gem"\ncommand = "gemini --skip-trust"'), encoding="utf-8")
    assert "--skip-trust" in broken()["gem"]
