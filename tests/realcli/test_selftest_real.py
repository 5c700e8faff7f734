"""`gizin guard selftest --real` with the real agent CLIs: each CLI, started as its agent is, asks the
stand-in model's canary call of its guard. The pass is cached; a removed hook fails on the synthetic
call, and a hook switched off where only the CLI knows it (Claude's `--bare`, Codex's `--disable hooks`,
Gemini's `hooksConfig.enabled = false`) fails on the real run."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.realcli.harness import RealCliOffice

pytestmark = pytest.mark.realcli

HOOK_FILES = {"claude": ".claude/settings.json", "codex": ".codex/hooks.json", "gemini": ".gemini/settings.json"}


def selftest(office: RealCliOffice, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = office.gizin("guard", "selftest", "--json", *args, timeout=400)
    return done, time.monotonic() - started


def only_row(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    rows = json.loads(done.stdout)
    assert len(rows) == 1, rows
    return rows[0]  # type: ignore[no-any-return]


def ready(office: RealCliOffice, args: tuple[str, ...] = ()) -> None:
    office.seed()
    office.write_office(args)
    office.install_guard()


def test_real_selftest_passes_then_comes_from_the_cache(office: RealCliOffice) -> None:
    ready(office)
    cold, cold_seconds = selftest(office, "--real")
    assert cold.returncode == 0, cold.stderr
    row = only_row(cold)
    assert row["ok"] == "ok" and "its real CLI stopped the canary call (" in row["detail"], row
    audit = office.gizin("blocklist", "audit", "--json", "--agent", "agent", "--decision", "deny")
    assert "guard: selftest canary" in audit.stdout, audit.stdout
    warm, warm_seconds = selftest(office, "--real")
    assert warm.returncode == 0, warm.stderr
    assert only_row(warm)["detail"].endswith("its real CLI stopped the canary call (cached)")
    assert (office.folder / ".gizin" / "guard-selftest.json").exists()
    print(f"\n{office.kind}: selftest --real cold {cold_seconds:.1f} s, cached {warm_seconds:.1f} s")


def test_real_selftest_fails_without_the_hook(office: RealCliOffice) -> None:
    ready(office)
    settings = office.project / HOOK_FILES[office.kind]
    data = json.loads(settings.read_text(encoding="utf-8"))
    data.pop("hooks", None)
    settings.write_text(json.dumps(data), encoding="utf-8")
    done, _ = selftest(office, "--real")
    assert done.returncode == 2, done.stderr
    assert "the guard would not block for: agent" in done.stderr
    assert only_row(done)["detail"] == "gizin guard is not among the hooks"


def _switch_off(office: RealCliOffice) -> tuple[str, ...]:
    """Switch the hook off where only the CLI itself knows it; the flags to add to its command."""
    if office.kind == "claude":
        return ("--bare",)
    if office.kind == "codex":
        return ("--disable", "hooks")
    settings = office.home / ".gemini" / "settings.json"
    data = json.loads(settings.read_text(encoding="utf-8"))
    data["hooksConfig"] = {"enabled": False}
    settings.write_text(json.dumps(data), encoding="utf-8")
    return ()


def test_real_selftest_fails_when_the_cli_switches_its_hooks_off(office: RealCliOffice) -> None:
    ready(office)
    assert selftest(office, "--real")[0].returncode == 0
    office.write_office(_switch_off(office))  # a new command or settings file: the cached pass no longer applies
    done, _ = selftest(office)
    assert done.returncode == 2, done.stderr
    row = only_row(done)
    assert row["ok"] == "BROKEN" and row["detail"].startswith(f"real {office.kind} CLI: "), row
    quick, _ = selftest(office, "--quick")
    assert quick.returncode == 0, "the synthetic call alone cannot see this: the hook itself still blocks"
    assert "agent" not in json.loads((office.folder / ".gizin" / "guard-selftest.json").read_text(encoding="utf-8"))


def test_a_command_that_is_not_the_cli_keeps_the_synthetic_check(tmp_path: Path, claude_office: RealCliOffice) -> None:
    ready(claude_office)
    toml = claude_office.folder / "agents.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace(f"exec {claude_office.binary}", "exec sh"), encoding="utf-8")
    done, _ = selftest(claude_office)
    assert done.returncode == 0, done.stderr
    assert "real CLI not run: its command starts 'sh', not the claude CLI" in only_row(done)["detail"]
    forced, _ = selftest(claude_office, "--real")
    assert forced.returncode == 2 and "cannot run its real CLI" in only_row(forced)["detail"]
