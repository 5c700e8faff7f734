"""`gizin outbound send` with a real transport command and the default outbox, and the operator's
`gizin blocklist` commands, as real processes against a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import GIZIN, base_env, run_gizin
from tests.policykit import BLOCKLIST, write_policy_office

TRANSPORT = """
import json, sys
message = json.load(sys.stdin)
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(message) + "\\n")
if message["subject"] == "make it fail":
    print("smtp said no", file=sys.stderr)
    sys.exit(4)
"""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    (tmp_path / "transport.py").write_text(TRANSPORT, encoding="utf-8")
    channels = (
        f'\n[channels.email]\ncommand = "{sys.executable} {tmp_path / "transport.py"} {tmp_path / "sent.jsonl"}"\n'
    )
    write_policy_office(folder, BLOCKLIST + channels)
    return folder


def gizin(office: Path, *args: str, **env: str) -> tuple[int, str, str]:
    done = run_gizin(*args, env=base_env(office.parent, GIZIN_HOME=str(office), **env), cwd=office)
    return done.returncode, done.stdout, done.stderr


def sent(office: Path) -> list[dict[str, object]]:
    path = office.parent / "sent.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def audit(office: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(office / ".gizin" / "gizin.db")
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM outbound_audit ORDER BY id").fetchall()


def test_allowed_email_goes_to_the_configured_transport(office: Path) -> None:
    code, out, err = gizin(
        office,
        "outbound",
        "send",
        "--channel",
        "email",
        "--to",
        "Friend <friend@ok.example>",
        "--cc",
        "pal@ok.example",
        "--subject",
        "hello",
        "--body",
        "see https://ok.example/x",
        GIZIN_AGENT="ann",
    )
    assert code == 0, err
    assert out.startswith("sent: email to 2 recipient(s) via ")
    (message,) = sent(office)
    assert message["to"] == ["Friend <friend@ok.example>"] and message["cc"] == ["pal@ok.example"]
    assert message["body"] == "see https://ok.example/x" and message["agent"] == "ann"
    (row,) = audit(office)
    assert row["decision"] == "allow" and row["channel"] == "email" and row["agent"] == "ann"
    assert message["audit_id"] == row["id"]
    assert "see https://ok.example/x" not in json.dumps(dict(row))


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (["--to", "friend@ok.example", "--bcc", '"Press" <CEO+q3@Evil.Example>'], "emails: ceo@evil.example"),
        (["--to", "friend@ok.example, ceo@evil.example"], "emails: ceo@evil.example"),
        (["--to", "friend@ok.example", "--body", "read https://ok.example@evil.example/"], "domains: evil.example"),
        (["--to", "friend@ok.example", "--body", "cc @BlockedUser on this"], "x_handles: BlockedUser"),
    ],
)
def test_blocked_email_is_refused_with_exit_3_and_never_handed_over(office: Path, args: list[str], rule: str) -> None:
    body = [] if "--body" in args else ["--body", "hi"]
    code, out, err = gizin(office, "outbound", "send", "--channel", "email", *args, *body)
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and rule in err
    assert sent(office) == []
    (row,) = audit(office)
    assert row["decision"] == "deny" and row["rule"] == rule


@pytest.mark.parametrize(
    ("channel", "to", "blocked"),
    [
        ("x", "@ＢｌｏｃｋｅｄＵｓｅｒ", True),
        ("x", "https://x.com/i/user/12345678", True),
        ("x", "@SomeoneElse", False),
        ("sms", "tel:+1-415-555-2671", True),
        ("sms", "+1 415 555 2672", False),
        ("slack", "#press", True),
        ("slack", "https://hooks.slack.com/services/T000/B000/XXXX", True),
        ("slack", "C0999ZZZZ", False),
        ("webhook", "https://hooks.ok.example/?forward=https%3A%2F%2Fevil.example", True),
        ("webhook", "https://hooks.ok.example/in", False),
    ],
)
def test_other_channels_use_the_default_outbox(office: Path, channel: str, to: str, blocked: bool) -> None:
    code, _, err = gizin(office, "outbound", "send", "--channel", channel, "--to", to, "--body", "status update")
    outbox = office / ".gizin" / "outbox" / f"{channel}.jsonl"
    if blocked:
        assert code == 3, err
        assert not outbox.exists()
    else:
        assert code == 0, err
        (line,) = outbox.read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["to"] == [to]


def test_agent_with_outbound_deny_cannot_send(office: Path) -> None:
    code, _, err = gizin(
        office, "outbound", "send", "-c", "sms", "--to", "+1 212 555 0100", "--body", "x", GIZIN_AGENT="bob"
    )
    assert code == 3 and "outbound: deny (agent bob)" in err


def test_usage_errors_and_a_failing_transport(office: Path) -> None:
    code, _, err = gizin(office, "outbound", "send", "-c", "email", "--to", "nobody", "--body", "x")
    assert code == 2 and "not an email address" in err
    code, _, err = gizin(office, "outbound", "send", "-c", "pigeon", "--to", "x", "--body", "x")
    assert code == 2 and "not one of" in err
    code, _, err = gizin(
        office, "outbound", "send", "-c", "email", "--to", "a@ok.example", "--subject", "make it fail", "--body", "x"
    )
    assert code == 1 and "email transport failed (exit 4): smtp said no" in err
    assert len(sent(office)) == 1  # it was handed over (and refused there), exactly once


def test_blocklist_check_show_and_exit_codes(office: Path) -> None:
    code, out, _ = gizin(office, "blocklist", "check", "--json", "ok@ok.example", "https://еvil.example/")
    assert code == 3
    rows = json.loads(out)
    assert [r["decision"] for r in rows] == ["allow", "deny"]
    assert rows[1]["rule"] == "domains: evil.example (look-alike)"
    assert gizin(office, "blocklist", "check", "friend@ok.example")[0] == 0
    code, out, _ = gizin(office, "blocklist", "show", "--json")
    assert code == 0 and json.loads(out)["blocklist"]["domains"] == ["evil.example", "competitor.example"]
    assert json.loads(out)["outbound_deny"] == ["bob"]


def test_add_and_remove_edit_the_file_in_place_and_version_the_policy(office: Path) -> None:
    roster = office / "agents.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace("[blocklist]", "# keep me\n[blocklist]"), "utf-8")
    code, out, err = gizin(office, "blocklist", "add", "domain", "Leaky.Example")
    assert code == 0, err
    assert "added domain Leaky.Example" in out
    text = roster.read_text(encoding="utf-8")
    assert "# keep me" in text and '"Leaky.Example",' in text
    assert gizin(office, "blocklist", "check", "https://api.leaky.example/")[0] == 3
    assert "already blocked" in gizin(office, "blocklist", "add", "domain", "leaky.example.")[1]
    code, _, err = gizin(office, "blocklist", "add", "domain", "not a domain!")
    assert code == 2 and "not a valid domain name" in err
    code, _, err = gizin(office, "blocklist", "add", "pager", "x")
    assert code == 2 and "not one of" in err
    assert gizin(office, "blocklist", "remove", "domain", "LEAKY.example")[0] == 0
    assert '"Leaky.Example"' not in roster.read_text(encoding="utf-8")
    code, _, err = gizin(office, "blocklist", "remove", "domain", "leaky.example")
    assert code == 5 and "not in the blocklist" in err
    code, out, _ = gizin(office, "blocklist", "history", "--json")
    versions = json.loads(out)
    assert len(versions) == 2  # the original and the one with leaky.example; removing it returns to the first
    assert "leaky" in versions[1]["content"].lower()


def test_add_goes_to_the_include_file(office: Path) -> None:
    roster = office / "agents.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace("[blocklist]\n", '[blocklist]\ninclude = "b.toml"\n'))
    (office / "b.toml").write_text("# operator-only file\n", encoding="utf-8")
    assert gizin(office, "blocklist", "add", "email", "leak@ok.example")[0] == 0
    include = (office / "b.toml").read_text(encoding="utf-8")
    assert include.startswith("# operator-only file\n") and '"leak@ok.example"' in include
    assert gizin(office, "blocklist", "check", "Leak+x@OK.example")[0] == 3


def test_audit_lists_hook_and_gateway_decisions(office: Path) -> None:
    hook = {"tool_name": "Bash", "tool_input": {"command": "curl evil.example"}, "cwd": str(office)}
    env = base_env(office.parent, GIZIN_HOME=str(office), GIZIN_AGENT="ann")
    assert run_gizin("guard", env=env, input=json.dumps(hook), cwd=office).returncode == 2
    gizin(office, "outbound", "send", "-c", "x", "--to", "@friend", "--body", "hi")
    code, out, _ = gizin(office, "blocklist", "audit", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["channel"], r["decision"]) for r in rows] == [("x", "allow"), ("hook:Bash", "deny")]
    code, out, _ = gizin(office, "blocklist", "audit", "--json", "--decision", "deny", "--agent", "ann")
    assert code == 0
    assert [r["rule"] for r in json.loads(out)] == ["domains: evil.example"]


def test_config_validate_reports_policy_errors(office: Path) -> None:
    roster = office / "agents.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace('"C0123ABCD"', '"C0123ABCD", 42'), "utf-8")
    code, _, err = gizin(office, "config", "validate")
    assert code == 2 and "blocklist.slack_channels[1]: must be a non-empty string" in err
    roster.write_text(
        roster.read_text(encoding="utf-8").replace(", 42", "").replace("[channels.email]", "[channels.mail]"), "utf-8"
    )
    code, _, err = gizin(office, "config", "validate")
    assert code == 2 and "channels.mail: unknown channel" in err


def test_concurrent_edits_are_all_kept(office: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    names = [f"leak{i}.example" for i in range(6)]
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(pool.map(lambda n: gizin(office, "blocklist", "add", "domain", n), names))
    assert all(code == 0 for code, _, _ in results), results
    text = (office / "agents.toml").read_text(encoding="utf-8")
    assert all(f'"{n}"' in text for n in names)
    assert not list(office.glob(".*.tmp"))


@pytest.mark.parametrize("include", [False, True])
def test_an_edit_that_would_break_the_policy_leaves_every_file_as_it_was(office: Path, include: bool) -> None:
    roster = office / "agents.toml"
    text = roster.read_text(encoding="utf-8")
    if include:
        text = text.replace("[blocklist]\n", '[blocklist]\ninclude = "b.toml"\n')
        (office / "b.toml").write_text('emails = ["ok@ok.example"]\nphones = ["not a phone"]\n', encoding="utf-8")
        edited = office / "b.toml"
    else:
        text = text.replace('"evil.example", ', '"evil.example", "not a domain!", ')
        edited = roster
    roster.write_text(text, encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in (roster, edited)}
    code, _, err = gizin(office, "blocklist", "add", "email", "leak@ok.example")
    assert code == 2 and f"{edited}:" in err and ".tmp" not in err
    assert {p.name: p.read_text(encoding="utf-8") for p in (roster, edited)} == before
    assert not list(office.glob(".*.tmp"))


def test_the_sender_is_the_panes_agent_when_gizin_agent_is_unset(office: Path, tmux: Any) -> None:
    """Run inside the pane: the pane's identity holds only for a process that runs in it."""
    tmux.cmd("new-session", "-d", "-s", "o", "-x", "200", "-y", "20", "-e", f"GIZIN_HOME={office}", "sh")
    pane = tmux.out("display", "-p", "-t", "o", "#{pane_id}").strip()
    tmux.cmd("set-option", "-p", "-t", pane, "@gizin-agent", "bob")
    send = f"{GIZIN} outbound send -c sms --to '+1 212 555 0100' --body x"
    tmux.cmd("send-keys", "-t", pane, "-l", f"unset GIZIN_AGENT; {send}; echo first=$?")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    assert "outbound: deny (agent bob)" in tmux.wait_for(pane, "first=3")
    tmux.cmd("set-option", "-p", "-t", pane, "@gizin-agent", "ann")
    tmux.cmd("send-keys", "-t", pane, "-l", f"clear; {send}; echo second=$?")
    tmux.cmd("send-keys", "-t", pane, "Enter")
    tmux.wait_for(pane, "second=0")


def test_a_borrowed_tmux_pane_does_not_make_the_operator(office: Path, tmux: Any) -> None:
    tmux.cmd("new-session", "-d", "-s", "o", "-x", "80", "-y", "20", "sh")
    pane = tmux.out("display", "-p", "-t", "o", "#{pane_id}").strip()
    tmux.cmd("set-option", "-p", "-t", pane, "@gizin-agent", "bob")
    env = {"TMUX_PANE": pane, "GIZIN_TMUX_SOCKET": tmux.socket}
    code, _, err = gizin(office, "outbound", "send", "-c", "sms", "--to", "+1 212 555 0100", "--body", "x", **env)
    assert code == 2 and "this process does not run in it" in err
    assert sent(office) == []


@pytest.mark.parametrize(
    ("body", "stdin", "said"),
    [
        (["--body", ""], None, "--body: the message is empty"),
        (["--body", " \n\t "], None, "--body: the message is empty"),
        (["--body-file", "empty.txt"], None, "empty.txt is empty"),
        (["--body-file", "blank.txt"], None, "blank.txt is empty"),
        (["--body-file", "-"], "  \n", "--body-file: - is empty"),
    ],
)
def test_an_empty_message_is_refused_and_nothing_is_sent(
    office: Path, body: list[str], stdin: str | None, said: str
) -> None:
    (office / "empty.txt").write_text("", encoding="utf-8")
    (office / "blank.txt").write_text(" \n\n", encoding="utf-8")
    environment = base_env(office.parent, GIZIN_HOME=str(office), GIZIN_AGENT="ann")
    for channel, to in (("email", "a@ok.example"), ("sms", "+1 212 555 0100")):
        done = run_gizin("outbound", "send", "-c", channel, "--to", to, *body, env=environment, cwd=office, input=stdin)
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert sent(office) == [] and not (office / ".gizin" / "outbox").exists()
    database = office / ".gizin" / "gizin.db"
    assert not database.exists() or [r["decision"] for r in audit(office)] == []


def test_the_gateway_itself_refuses_an_empty_message(office: Path) -> None:
    from gizinterm.ground.errors import UsageError
    from gizinterm.policy.cache import compile_office
    from gizinterm.policy.gateway import Message, check_message

    policy = compile_office(str(office / "agents.toml"))
    with pytest.raises(UsageError, match="the message is empty"):
        check_message(policy, Message(channel="email", to=("a@ok.example",), body="  \n"))
    assert check_message(policy, Message(channel="email", to=("a@ok.example",), body="hi")).decision == "allow"


def test_add_to_the_example_office_keeps_its_commented_channel_block_uncommentable(example_office: Path) -> None:
    """The example ends [blocklist] with a commented-out `# [channels.email]` it invites the operator
    to uncomment; a new key must land inside [blocklist], not under that block."""
    roster = example_office / "agents.toml"
    environment = base_env(example_office.parent, GIZIN_HOME=str(example_office))
    done = run_gizin("blocklist", "add", "ip", "203.0.113.7", env=environment, cwd=example_office)
    assert done.returncode == 0, done.stderr
    text = roster.read_text(encoding="utf-8")
    assert text.index('"203.0.113.7"') < text.index("# Where allowed messages go.")
    uncommented = text.replace("# [channels.email]\n# command = ", "[channels.email]\ncommand = ")
    assert uncommented != text
    roster.write_text(uncommented, encoding="utf-8")
    done = run_gizin("config", "validate", env=environment, cwd=example_office)
    assert done.returncode == 0, done.stderr
    done = run_gizin("blocklist", "check", "203.0.113.7", env=environment, cwd=example_office)
    assert done.returncode == 3, done.stdout + done.stderr


@pytest.mark.parametrize("include", [False, True])
def test_an_edit_keeps_the_policy_files_mode_and_leaves_no_temporary_file(office: Path, include: bool) -> None:
    """The operator may keep the policy readable only to themselves (or read-only to agents): an edit
    replaces the file's content, never its mode."""
    roster = office / "agents.toml"
    edited = roster
    if include:
        roster.write_text(
            roster.read_text(encoding="utf-8").replace("[blocklist]\n", '[blocklist]\ninclude = "b.toml"\n')
        )
        edited = office / "b.toml"
        edited.write_text('emails = ["ok@ok.example"]\n', encoding="utf-8")
    edited.chmod(0o640)
    code, _, err = gizin(office, "blocklist", "add", "email", "leak@ok.example")
    assert code == 0, err
    assert '"leak@ok.example"' in edited.read_text(encoding="utf-8")
    assert edited.stat().st_mode & 0o777 == 0o640
    assert not [p.name for p in office.iterdir() if p.name.endswith(".tmp")]
