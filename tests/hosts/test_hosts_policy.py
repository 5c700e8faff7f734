"""The office's outbound policy on its hosts, over real OpenSSH: pushed at `up` and on a blocklist edit,
enforced there by the host's own guard (as the host's user), stale when the host cannot be reached,
and the host's agents seated in the host's own sandbox."""

from __future__ import annotations

import json
import time
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, base_env, run_gizin, wait_until, write_office
from tests.hosts.conftest import Hosts

AGENTS = """
[blocklist]
include = "policy/blocklist.toml"

[[agent]]
id = "r1"
name = "Remote One"
host = "gizhost1"

[[agent]]
id = "r2"
name = "Remote Two"
host = "gizhost2"
"""


BLOCKLIST = 'domains = ["blocked.example"]\n'


def office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer, extra: str | None = None) -> Workspace:
    path = write_office(tmp_path / "office", 0, extra=extra or hosts.toml("gizhost1", "gizhost2") + AGENTS)
    (path.parent / "policy").mkdir()
    (path.parent / "policy" / "blocklist.toml").write_text(BLOCKLIST)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)


def remote_guard(hosts: Hosts, user: str, url: str) -> tuple[int, str]:
    """The host's guard, run as its user in its office (what its agents' hooks run)."""
    folder = hosts.offices[user]
    event = json.dumps({"tool_name": "WebFetch", "tool_input": {"url": url}, "cwd": str(folder)})
    done = hosts.run_as(
        user,
        "sh",
        "-c",
        f'cd "$1" && printf %s "$2" | {GIZIN} guard --format claude --agent r1',
        "guard",
        str(folder),
        event,
        env={"GIZIN_HOME": str(folder), "GIZIN_GUARD_DEADLINE": "5"},
    )
    return done.returncode, done.stdout + done.stderr


def host_version(hosts: Hosts, user: str) -> str:
    folder = hosts.offices[user]
    done = hosts.run_as(user, str(GIZIN), "--office", str(folder / "agents.toml"), "blocklist", "show", "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["hash"])


def test_policy_pushed_at_up_and_on_edit_enforced_by_the_host(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    ws = office(tmp_path, hosts, tmux)
    cli_env = base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket)
    gizin = ("--office", str(ws.office_dir), "--db", str(ws.db_path))
    try:
        before = ws.office_policy_hash()
        report = ws.up()
        assert report.started == ["r1", "r2"], (report.refused, report.warnings)
        # the include went along, at the same place in the host's office folder
        assert (hosts.offices["gizhost1"] / "policy" / "blocklist.toml").read_text() == BLOCKLIST
        code, said = remote_guard(hosts, "gizhost1", "https://blocked.example/x")
        assert code == 2 and "blocked.example" in said, said
        assert remote_guard(hosts, "gizhost1", "https://fine.example/")[0] == 0
        assert host_version(hosts, "gizhost1") == before
        # doctor and guard selftest there name the version that host's guard enforces
        there = ("--office", str(hosts.offices["gizhost1"] / "agents.toml"))
        doctor = hosts.run_as("gizhost1", str(GIZIN), *there, "doctor", "--json")
        assert {r["what"]: r["detail"] for r in json.loads(doctor.stdout)}["policy"] == f"version {before[:12]}"
        selftest = hosts.run_as("gizhost1", str(GIZIN), *there, "guard", "selftest")
        assert f"policy {before[:12]}" in selftest.stdout, (selftest.stdout, selftest.stderr)

        # the agent's pane really runs in bubblewrap on the host (its own network namespace)
        def sandboxed() -> bool:
            listed = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "list-panes", "-a", "-F", "#{pane_pid}")
            pid = listed.stdout.split()[0] if listed.stdout.split() else ""
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if pid else []
            return bool(cmdline) and cmdline[0].endswith(b"bwrap") and b"--unshare-net" in cmdline

        wait_until(sandboxed, timeout=10, what="r1's pane running bwrap on gizhost1")
        # ...and its only way out is the host's egress proxy, which applies the office's policy
        pane = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "list-panes", "-a", "-F", "#{pane_id}")
        out = hosts.offices["gizhost1"] / "curl.out"
        ask = "curl -s -m 5 -o /dev/null -w %{http_code} http://blocked.example/"
        typed = (
            f'for i in 1 2 3 4 5 6 7 8 9 10; do c=$({ask}); [ "$c" = 403 ] && break; sleep 1; done; echo "$c" >curl.out'
        )
        keys = ["send-keys", "-t", pane.stdout.split()[0], "-l", typed]
        assert hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, *keys).returncode == 0
        hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "send-keys", "-t", pane.stdout.split()[0], "Enter")
        wait_until(out.exists, timeout=30, what="curl's answer in r1's sandbox on gizhost1")
        assert out.read_text().strip() == "403"

        # gizin hosts: each host's version, current
        shown = run_gizin(*gizin, "hosts", "--json", env=cli_env)
        assert shown.returncode == 0, shown.stderr
        rows = {r["host"]: r for r in json.loads(shown.stdout)}
        assert rows["gizhost1"]["policy"] == before[:12] and rows["gizhost1"]["policy_state"] == "current"

        # an edit while the office runs: pushed to every host, which enforces the new version at once
        started = time.perf_counter()
        edit = run_gizin(*gizin, "blocklist", "add", "domain", "newly.example", env=cli_env)
        took = time.perf_counter() - started
        assert edit.returncode == 0, edit.stderr
        after = ws.reload().office_policy_hash()
        assert after != before
        assert f"gizhost1: policy {after[:12]} (current)" in edit.stdout, edit.stdout
        assert f"gizhost2: policy {after[:12]} (current)" in edit.stdout, edit.stdout
        for user in ("gizhost1", "gizhost2"):
            assert host_version(hosts, user) == after
        assert remote_guard(hosts, "gizhost2", "https://newly.example/")[0] == 2
        print(f"blocklist add with a push to 2 hosts: {took:.2f} s")

        # the link drops: the next edit cannot reach them; they are stale, with the version they have
        hosts.sshd.stop()
        edit = run_gizin(*gizin, "blocklist", "add", "domain", "later.example", env=cli_env)
        assert edit.returncode == 4, (edit.stdout, edit.stderr)
        assert f"gizhost1: policy {after[:12]} (stale)" in edit.stdout, edit.stdout
        shown = run_gizin(*gizin, "hosts", "--json", env=cli_env)
        assert shown.returncode == 4
        rows = {r["host"]: r for r in json.loads(shown.stdout)}
        assert rows["gizhost1"]["policy"] == after[:12] and rows["gizhost1"]["policy_state"] == "stale"
        assert remote_guard(hosts, "gizhost1", "https://later.example/")[0] == 0  # the host's version: older

        # back: `gizin hosts` says stale (exit 3) until `gizin up` pushes the office's version again
        hosts.sshd.start()
        shown = run_gizin(*gizin, "hosts", env=cli_env)
        assert shown.returncode == 3, (shown.stdout, shown.stderr)
        assert "stale" in shown.stdout.lower()
        report = ws.reload().up()
        assert not report.refused, report.refused
        assert remote_guard(hosts, "gizhost1", "https://later.example/")[0] == 2
        assert run_gizin(*gizin, "hosts", env=cli_env).returncode == 0

        # down ends the host's egress proxy too, as it ends the one here
        # (this office's proxy only: other tests on this machine may run gizhost1 proxies of their own)
        serve = f"gizinterm.boundary.serve {hosts.offices['gizhost1']}"

        def proxies() -> str:
            return hosts.run_as("gizhost1", "pgrep", "-u", "gizhost1", "-f", serve).stdout

        log = hosts.offices["gizhost1"] / ".gizin" / "egress.log"
        wait_until(lambda: bool(proxies().strip()), timeout=10,
                   what=f"gizhost1's egress proxy ({log.read_text() if log.exists() else 'no log'})")  # fmt: skip
        # it watches the office's session on the office's tmux socket there (else it quits when idle)
        environ = Path(f"/proc/{proxies().split()[0]}/environ").read_bytes().split(b"\0")
        assert f"GIZIN_TMUX_SOCKET={hosts.socket}".encode() in environ
        assert ws.reload().down_hosts() == []  # (no local session: `down` here would say so, exit 4)
        wait_until(lambda: not proxies().strip(), timeout=15, what="gizhost1's egress proxy to exit after down")
    finally:
        ws.close_links()


def test_a_host_without_bubblewrap_refuses_its_sandboxed_agent(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    no_bwrap = hosts.toml("gizhost3").replace(f'gizin = "{GIZIN}"', f'gizin = "env GIZIN_BWRAP=/nonexistent {GIZIN}"')
    agents = AGENTS.replace("gizhost1", "gizhost3").replace("gizhost2", "gizhost3")
    ws = office(tmp_path, hosts, tmux, no_bwrap + agents.replace('id = "r2"', 'id = "r2"\nsandbox = false'))
    try:
        report = ws.up()
        assert report.started == ["r2"], report  # opted out: runs without the sandbox, as it would here
        assert list(report.refused) == ["r1"]
        assert report.refused["r1"].startswith("host gizhost3: bubblewrap (bwrap) is not installed"), report.refused
    finally:
        ws.close_links()
