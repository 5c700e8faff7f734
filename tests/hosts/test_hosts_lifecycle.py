"""stop/restart of agents on other hosts, a missing remote cwd, a remote CODEX_HOME, over real OpenSSH."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import base_env, run_gizin, wait_until, write_office
from tests.hosts.conftest import BASE, Hosts


def office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer, agents: str, local: int = 1) -> Workspace:
    path = write_office(tmp_path / "office", local, extra=hosts.toml("gizhost1"))
    path.write_text(path.read_text() + agents)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)


def remote_panes(hosts: Hosts, user: str) -> dict[str, tuple[bool, int, bool]]:
    """agent -> (dead, pane pid, stopped mark) on that host's own tmux server."""
    fmt = "#{@gizin-agent} #{pane_dead} #{pane_pid} #{@gizin-stopped}"
    out = hosts.run_as(user, "tmux", "-L", hosts.socket, "list-panes", "-a", "-F", fmt).stdout
    found = {}
    for line in out.splitlines():
        agent, dead, pid, *stopped = line.split()
        found[agent] = (dead == "1", int(pid), stopped == ["1"])
    return found


def daemons(user: str, marker: str) -> list[str]:
    """The daemon's pids (anchored: the tmux server's own command line holds the marker too)."""
    proc = subprocess.run(["pgrep", "-u", user, "-f", f"^{marker}"], capture_output=True, text=True, check=False)
    return proc.stdout.split()


def test_stop_and_restart_a_remote_agent_and_its_detached_daemon(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    marker = f"sleep {4_000_000 + secrets.randbelow(999_999)}"  # this test's daemon, and nobody else's
    ws = office(
        tmp_path,
        hosts,
        tmux,
        f'\n[[agent]]\nid = "r1"\nname = "R1"\nhost = "gizhost1"\ncommand = "sh -c \'setsid {marker} & exec sh\'"\n',
    )
    try:
        assert ws.up().started == ["a0", "r1"]
        wait_until(lambda: bool(daemons("gizhost1", marker)), timeout=10, what="r1's daemon")
        _, first_pid, _ = remote_panes(hosts, "gizhost1")["r1"]

        report = ws.stop(["a0", "r1"])  # one local, one remote: both handled in one command
        assert set(report.done) == {"a0", "r1"} and report.done["r1"].startswith("gizhost1:%")
        assert not report.unreachable and not report.warnings, report.warnings
        dead, _, stopped = remote_panes(hosts, "gizhost1")["r1"]
        assert dead and stopped  # the pane stays as a placeholder, marked stopped (not a crash)
        assert not daemons("gizhost1", marker)  # the setsid daemon tmux alone would have left running
        assert report.processes["r1"].pids  # and the report says what it ended, as for a local agent
        assert ws.stop(["r1"]).skipped == {"r1": "already stopped"}

        cli = run_gizin(
            "--office", str(ws.office_dir), "--db", str(ws.db_path), "restart", "a0", "r1",
            env=base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket),
        )  # fmt: skip
        assert cli.returncode == 0, cli.stderr
        assert cli.stdout.splitlines()[1].startswith("restarted r1 (gizhost1:%"), cli.stdout
        dead, pid, stopped = remote_panes(hosts, "gizhost1")["r1"]
        assert not dead and not stopped and pid != first_pid
        wait_until(lambda: bool(daemons("gizhost1", marker)), timeout=10, what="r1's new daemon")
        events = [(e.agent, e.event) for e in ws.agent_events("r1")]
        assert ("r1", "stop") in events and ("r1", "restart") in events

        # the host cannot be reached: one line naming it, exit 4, the local agent still stopped
        hosts.sshd.stop()
        ws.close_links()
        cli = run_gizin(
            "--office", str(ws.office_dir), "--db", str(ws.db_path), "stop", "a0", "r1",
            env=base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket),
        )  # fmt: skip
        assert cli.returncode == 4, cli.stderr
        lines = [line for line in cli.stderr.splitlines() if "gizhost1" in line]
        assert len(lines) == 1 and "(r1 not stopped)" in lines[0], cli.stderr
        assert "stopped a0" in cli.stdout
    finally:
        ws.close_links()


def test_a_missing_remote_cwd_is_skipped_and_a_remote_codex_home_is_made(
    tmp_path: Path, hosts: Hosts, tmux: TmuxServer
) -> None:
    settings = BASE / "home" / "gizhost1" / ".codex"
    hosts.run_as("gizhost1", "mkdir", "-p", str(settings))
    hosts.run_as("gizhost1", "sh", "-c", f"echo 'model = \"seed\"' > {settings}/config.toml")
    agents = (
        '\n[[agent]]\nid = "r1"\nname = "R1"\nhost = "gizhost1"\ncwd = "/nonexistent/gizin-test"\n'
        '\n[[agent]]\nid = "c1"\nname = "C1"\nhost = "gizhost1"\nkind = "codex"\ncommand = "sh"\n'
    )
    ws = office(tmp_path, hosts, tmux, agents, local=0)
    try:
        report = ws.up()
        assert report.skipped == {"r1": "cwd /nonexistent/gizin-test does not exist"}
        assert report.started == ["c1"], report.warnings
        home = hosts.offices["gizhost1"] / ".gizin" / "agents" / "c1" / "codex-home"
        mode = hosts.run_as("gizhost1", "stat", "-c", "%a %U", str(home))
        assert mode.stdout.split() == ["700", "gizhost1"], mode
        seeded = hosts.run_as("gizhost1", "cat", str(home / "config.toml"))
        assert seeded.stdout.strip() == 'model = "seed"'
        env = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "show-environment", "-t", "=office")
        assert "r1" not in remote_panes(hosts, "gizhost1")
        assert env.returncode == 0
    finally:
        hosts.run_as("gizhost1", "rm", "-rf", str(settings))
        ws.close_links()
