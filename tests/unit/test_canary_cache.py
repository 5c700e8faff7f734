"""The real-CLI self-test's cache key changes with everything the result depends on, and only that; the
agent's command becomes a headless run without losing the flags that decide whether hooks run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from gizinterm.policy.canary import cachekey
from gizinterm.policy.canary.run import gemini_home, headless_argv, split_command


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    binary = tmp_path / "bin" / "claude"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n", encoding="utf-8")
    home, cwd = tmp_path / "home", tmp_path / "project"
    (home / ".claude").mkdir(parents=True)
    (cwd / ".claude").mkdir(parents=True)
    (cwd / ".claude" / "settings.json").write_text('{"hooks": {}}', encoding="utf-8")
    return dict(
        agent_id="ann",
        kind="claude",
        binary=str(binary),
        command=f"exec {binary}",
        env={"HOME": str(home)},
        cwd=str(cwd),
        policy="p1",
    )


def test_the_key_is_stable_for_the_same_inputs(world: dict[str, Any]) -> None:
    assert cachekey.cache_key(**world) == cachekey.cache_key(**world)


@pytest.mark.parametrize(
    "change",
    [
        {"agent_id": "bob"},
        {"command": "exec claude --setting-sources user"},
        {"env": {"HOME": "/elsewhere"}},
        {"policy": "p2"},
    ],
)
def test_the_key_changes_with_each_input(world: dict[str, Any], change: dict[str, Any]) -> None:
    assert cachekey.cache_key(**{**world, **change}) != cachekey.cache_key(**world)


def test_the_key_changes_with_the_binary_and_the_settings_files(world: dict[str, Any]) -> None:
    before = cachekey.cache_key(**world)
    Path(world["binary"]).write_text("#!/bin/sh\n# a new version\n", encoding="utf-8")
    after_binary = cachekey.cache_key(**world)
    assert after_binary != before
    user = Path(world["env"]["HOME"]) / ".claude" / "settings.json"
    user.write_text('{"disableAllHooks": true}', encoding="utf-8")
    assert cachekey.cache_key(**world) != after_binary


def test_the_key_ignores_files_the_cli_does_not_read_hooks_from(world: dict[str, Any]) -> None:
    before = cachekey.cache_key(**world)
    (Path(world["cwd"]) / "notes.md").write_text("hello", encoding="utf-8")
    assert cachekey.cache_key(**world) == before


def test_codex_keys_on_its_codex_home_config(world: dict[str, Any], tmp_path: Path) -> None:
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    args = {**world, "kind": "codex", "env": {"CODEX_HOME": str(codex_home)}}
    before = cachekey.cache_key(**args)
    (codex_home / "config.toml").write_text('[projects."/x"]\ntrust_level = "trusted"\n', encoding="utf-8")
    assert cachekey.cache_key(**args) != before


def test_only_a_pass_under_the_same_key_is_served(tmp_path: Path) -> None:
    state = str(tmp_path / ".gizin")
    assert not cachekey.cached_pass(state, "ann", "k1")
    cachekey.remember_pass(state, "ann", "k1", 3.2)
    assert cachekey.cached_pass(state, "ann", "k1")
    assert not cachekey.cached_pass(state, "ann", "k2") and not cachekey.cached_pass(state, "bob", "k1")
    cachekey.forget(state, "ann")
    assert not cachekey.cached_pass(state, "ann", "k1")
    Path(cachekey.cache_path(state)).write_text("not json", encoding="utf-8")
    assert not cachekey.cached_pass(state, "ann", "k1")
    assert os.path.exists(cachekey.cache_path(state))


def test_the_command_keeps_its_flags_in_the_headless_run() -> None:
    assigned, argv = split_command("FOO=1 exec claude --setting-sources user,project --model opus")
    assert assigned == {"FOO": "1"}
    assert headless_argv("claude", argv, "http://127.0.0.1:1")[:5] == [
        "claude",
        "--setting-sources",
        "user,project",
        "--model",
        "opus",
    ]
    codex = headless_argv("codex", ["codex", "--disable", "hooks"], "http://127.0.0.1:1")
    assert codex[:3] == ["codex", "--disable", "hooks"] and codex.index("exec") > codex.index("-c")
    gemini = headless_argv("gemini", ["gemini", "--skip-trust", "--approval-mode", "default", "-y"], "u")
    assert gemini[:2] == ["gemini", "--skip-trust"] and gemini.count("--approval-mode") == 1 and "-y" not in gemini


def test_gemini_gets_api_key_auth_in_a_home_that_is_otherwise_its_own(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".gemini").mkdir(parents=True)
    settings = {"security": {"auth": {"selectedType": "oauth-personal"}}, "hooksConfig": {"enabled": False}}
    (home / ".gemini" / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    (home / ".gemini" / "trustedFolders.json").write_text("{}", encoding="utf-8")
    folder = tmp_path / "scratch"
    folder.mkdir()
    assert gemini_home({"HOME": str(home)}, str(folder)) == str(folder)
    copied = json.loads((folder / ".gemini" / "settings.json").read_text(encoding="utf-8"))
    assert copied == {"security": {"auth": {"selectedType": "gemini-api-key"}}, "hooksConfig": {"enabled": False}}
    assert (folder / ".gemini" / "trustedFolders.json").resolve() == home / ".gemini" / "trustedFolders.json"
    (home / ".gemini" / "settings.json").write_text(json.dumps(copied), encoding="utf-8")
    assert gemini_home({"HOME": str(home)}, str(tmp_path / "again")) is None
