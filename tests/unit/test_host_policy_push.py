"""The policy push's pure parts: which files go, the one shell script that writes them there (run here
with /bin/sh, as the host runs it), the host's answer, the refusal rule and the per-host records."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from gizinterm.ground.errors import ExitCode
from gizinterm.hosts import policy_push
from gizinterm.hosts.link import HostUnreachable, Link
from gizinterm.office.hosts import Host
from gizinterm.office.layout import Plan
from gizinterm.workspace.hostpolicy import HostPolicyPart


def office(tmp_path: Path, include: str = "policy/blocklist.toml") -> Path:
    roster = tmp_path / "office" / "agents.toml"
    (roster.parent / "policy").mkdir(parents=True)
    roster.write_text(f'[blocklist]\ninclude = "{include}"\n')
    (roster.parent / "policy" / "blocklist.toml").write_text('domains = ["x.example"]\n')
    return roster


def test_files_are_the_include_first_and_the_roster_last(tmp_path: Path) -> None:
    roster = office(tmp_path)
    files = policy_push.policy_files(roster, [str(roster), str(roster.parent / "policy" / "blocklist.toml")])
    assert [rel for rel, _ in files] == ["policy/blocklist.toml", "agents.toml"]
    assert files[0][1] == b'domains = ["x.example"]\n'


def test_an_include_outside_the_office_cannot_be_pushed(tmp_path: Path) -> None:
    roster = office(tmp_path)
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("domains = []\n")
    with pytest.raises(policy_push.PolicyNotPushable) as caught:
        policy_push.policy_files(roster, [str(roster), str(outside)])
    assert caught.value.exit_code == ExitCode.USAGE
    assert str(roster) in str(caught.value) and "blocklist.include" in str(caught.value)
    assert "\n" not in str(caught.value)


def run_script(host_office: Path, files: list[tuple[str, bytes]], data: bytes | None = None) -> int:
    host = Host("h1", "ops@h1", office=str(host_office))
    command, stdin = policy_push.push_script(host, files, ["echo", "confirmed"])
    done = subprocess.run(["/bin/sh", "-c", command], input=stdin if data is None else data, capture_output=True)
    return done.returncode


def test_the_script_writes_every_file_then_renames_them(tmp_path: Path) -> None:
    there = tmp_path / "host office"  # a space: every path is quoted
    files = [("policy/blocklist.toml", b"domains = []\n"), ("agents.toml", b"[office]\nname = 'x'\n")]
    assert run_script(there, files) == 0
    assert (there / "policy" / "blocklist.toml").read_bytes() == b"domains = []\n"
    assert (there / "agents.toml").read_bytes() == b"[office]\nname = 'x'\n"
    assert sorted(p.name for p in there.iterdir()) == ["agents.toml", "policy"]  # no folder of the push left


def test_a_link_planted_at_a_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    there, elsewhere = tmp_path / "office", tmp_path / "elsewhere.toml"
    there.mkdir()
    elsewhere.write_text("the agent's own file\n")
    (there / "agents.toml").symlink_to(elsewhere)
    assert run_script(there, [("agents.toml", b"[office]\n")]) == 0
    assert not (there / "agents.toml").is_symlink() and (there / "agents.toml").read_bytes() == b"[office]\n"
    assert elsewhere.read_text() == "the agent's own file\n"


def test_a_short_stdin_changes_no_file(tmp_path: Path) -> None:
    there = tmp_path / "office"
    there.mkdir()
    (there / "agents.toml").write_bytes(b"old")
    files = [("blocklist.toml", b"new include\n"), ("agents.toml", b"new roster\n")]
    assert run_script(there, files, data=b"new include\n" + b"new") != 0  # the link dropped mid-push
    assert (there / "agents.toml").read_bytes() == b"old"
    assert not (there / "blocklist.toml").exists()
    assert sorted(p.name for p in there.iterdir()) == ["agents.toml"]  # the push's folder is gone too


def test_the_answer_is_the_hosts_json_or_unreachable() -> None:
    host = Host("h1", "ops@h1", office="/srv/o")
    out = json.dumps({"gizin": "0.1.0", "hash": "ab" * 32, "commands": {"r1": "exec bwrap"}, "refused": {}})
    answer = policy_push.parse_answer(host, out.encode())
    assert (answer.hash, answer.gizin, answer.commands) == ("ab" * 32, "0.1.0", {"r1": "exec bwrap"})
    for bad in (b"", b"not json", b"[]", b'{"gizin": "0.1.0"}'):
        with pytest.raises(HostUnreachable, match="host h1"):
            policy_push.parse_answer(host, bad)


def test_another_version_refuses_the_hosts_agents() -> None:
    same = policy_push.HostPolicy("h1", "a" * 64, "0.1.0")
    assert policy_push.mismatch(same, "a" * 64) is None
    why = policy_push.mismatch(policy_push.HostPolicy("h1", "b" * 64, "0.0.9"), "a" * 64)
    assert why is not None and "host h1" in why and "b" * 12 in why and "a" * 12 in why and "0.0.9" in why


def test_records_per_host(tmp_path: Path) -> None:
    assert policy_push.remembered(tmp_path, "h1") == {}
    policy_push.remember(tmp_path, policy_push.HostPolicy("h1", "c" * 64, "0.1.0"))
    assert policy_push.remembered(tmp_path, "h1")["hash"] == "c" * 64
    assert policy_push.remembered(tmp_path, "h2") == {}
    policy_push.record_path(tmp_path, "h2").write_text("{broken")
    assert policy_push.remembered(tmp_path, "h2") == {}


@pytest.mark.parametrize(
    ("answered", "recorded", "state"),
    [
        ("office", None, "current"),
        ("older", None, "stale"),
        (None, "office", "unconfirmed"),  # unreachable: never "current" without asking
        (None, "older", "stale"),
        (None, None, "unknown"),
    ],
)
def test_a_hosts_state(tmp_path: Path, answered: str | None, recorded: str | None, state: str) -> None:
    hashes = {"office": "o" * 64, "older": "p" * 64}
    if recorded:
        policy_push.remember(tmp_path, policy_push.HostPolicy("h1", hashes[recorded]))
    result: object = policy_push.HostPolicy("h1", hashes[answered]) if answered else HostUnreachable("host h1: refused")
    part = cast(HostPolicyPart, SimpleNamespace(state_dir=tmp_path))  # _state reads only state_dir
    shown = HostPolicyPart._state(part, "h1", result, hashes["office"])
    assert shown.state == state
    assert shown.hash == hashes.get(answered or recorded or "", "")


class FakeLink:
    """A Link that answers every command with `out` (what `gizin host-policy` printed there)."""

    def __init__(self, out: dict[str, object]) -> None:
        self.out = json.dumps(out).encode()
        self.commands: list[str] = []

    def run_shell(self, command: str, *, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        self.commands.append(command)
        return subprocess.CompletedProcess(["ssh"], 0, self.out, b"")

    def where(self) -> str:
        return "host h1 (ops@h1)"


def seated(
    tmp_path: Path, answer: Mapping[str, object], include: str = "policy/blocklist.toml"
) -> tuple[Plan, dict[str, str], FakeLink, str]:
    from gizinterm.hosts.seats import host_plan
    from gizinterm.office.layout import Layout
    from gizinterm.office.roster import load_roster
    from gizinterm.policy.cache import compile_office

    roster_path = office(tmp_path, include)
    text = roster_path.read_text()
    roster_path.write_text(
        '[office]\nname = "x"\nsession = "x"\n\n[defaults]\ncommand = "sh"\n\n'
        + text
        + '\n[[host]]\nname = "h1"\nssh = "ops@h1"\noffice = "/srv/o"\n'
        + '\n[[agent]]\nid = "r1"\nname = "R1"\nhost = "h1"\n\n[[agent]]\nid = "r2"\nname = "R2"\nhost = "h1"\n'
    )
    roster = load_roster(roster_path)
    office_hash = str(compile_office(str(roster_path))["hash"])
    answer = {"gizin": "0.1.0", **{k: (office_hash if v == "OFFICE" else v) for k, v in answer.items()}}
    link = FakeLink(answer)
    host = roster.hosts[0]
    plan = host_plan(roster, host, Layout("t"), None)
    new_plan, refused = policy_push.seat_remote(cast(Link, link), host, roster, tmp_path / "state", plan)
    return new_plan, refused, link, office_hash


def test_up_wraps_what_the_host_seated_and_refuses_what_it_could_not(tmp_path: Path) -> None:
    answer = {"hash": "OFFICE", "commands": {"r1": "exec bwrap -- sh"}, "refused": {"r2": "bubblewrap is missing"}}
    plan, refused, link, office_hash = seated(tmp_path, answer)
    assert {s.agent.id: s.command for s in plan.panes} == {"r1": "exec bwrap -- sh", "r2": "sh"}
    assert refused == {"r2": "host h1: bubblewrap is missing"}
    assert len(link.commands) == 1 and "host-policy --seat h1" in link.commands[0]
    assert policy_push.remembered(tmp_path / "state", "h1")["hash"] == office_hash


def test_up_refuses_every_agent_of_a_host_with_another_version(tmp_path: Path) -> None:
    plan, refused, _, office_hash = seated(tmp_path, {"hash": "f" * 64, "commands": {"r1": "exec bwrap -- sh"}})
    assert set(refused) == {"r1", "r2"}
    assert "enforces policy ffffffffffff, not the office's " + office_hash[:12] in refused["r1"]
    assert {s.command for s in plan.panes} == {"sh"}
    assert policy_push.remembered(tmp_path / "state", "h1")["hash"] == "f" * 64  # shown as stale later


def test_up_refuses_a_host_whose_include_cannot_be_pushed(tmp_path: Path) -> None:
    (tmp_path / "outside.toml").write_text("domains = []\n")
    _, refused, link, _ = seated(tmp_path, {"hash": "OFFICE"}, include=str(tmp_path / "outside.toml"))
    assert set(refused) == {"r1", "r2"} and "blocklist.include" in refused["r1"]
    assert link.commands == []  # nothing was sent


def test_host_policy_runs_with_the_offices_tmux_socket(tmp_path: Path) -> None:
    """The egress proxy host-policy seats there stays up while the office's session runs on this socket;
    without it, it looked on the host's default tmux server, found none and quit after 30 idle seconds."""
    from gizinterm.office.roster import load_roster

    roster_path = tmp_path / "agents.toml"
    roster_path.write_text('[[host]]\nname = "gpu"\nssh = "ops@gpu-1"\noffice = "/srv/o"\n')
    roster = load_roster(roster_path)
    host = roster.host("gpu")
    words = policy_push.host_policy_words(host, roster, seat=True, socket="gizin-x")
    assert "GIZIN_TMUX_SOCKET=gizin-x" in words[: words.index("gizin")]
    assert not any(w.startswith("GIZIN_TMUX_SOCKET=") for w in policy_push.host_policy_words(host, roster, seat=True))
