"""An office across hosts over real OpenSSH: up, status, an outage and its recovery."""

from __future__ import annotations

import json
from pathlib import Path

from gizinterm.office.roster import load_roster
from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import base_env, run_gizin, write_office
from tests.hosts.conftest import Hosts

AGENTS = """
[[agent]]
id = "r1"
name = "Remote One"
host = "gizhost1"

[[agent]]
id = "r2"
name = "Remote Two"
host = "gizhost2"
"""


def office(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> Workspace:
    path = write_office(tmp_path / "office", 2, extra=hosts.toml("gizhost1", "gizhost2"))
    path.write_text(path.read_text() + AGENTS)
    return Workspace(roster=load_roster(path), db_path=tmp_path / "office" / "gizin.db", socket=tmux.socket)


def test_up_and_status_across_hosts_and_an_outage(tmp_path: Path, hosts: Hosts, tmux: TmuxServer) -> None:
    ws = office(tmp_path, hosts, tmux)
    try:
        report = ws.up()
        assert report.started == ["a0", "a1", "r1", "r2"], report.warnings
        assert not report.warnings
        rows = {r.agent: r for r in ws.status()}
        assert {a: r.host for a, r in rows.items()} == {"a0": "", "a1": "", "r1": "gizhost1", "r2": "gizhost2"}
        assert all(r.state not in ("absent", "unreachable") for r in rows.values()), rows
        # the remote panes really are on that user's own tmux server, with the host's office identity
        env = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "show-environment", "-t", "=office", "-g")
        listed = hosts.run_as("gizhost1", "tmux", "-L", hosts.socket, "list-panes", "-a", "-F", "#{@gizin-agent}")
        assert listed.stdout.split() == ["r1"], (listed, env)
        assert (hosts.offices["gizhost1"] / "agents.toml").read_text() == ws.roster.path.read_text()

        # the CLI, as a separate process: --json carries the host
        cli_env = base_env(tmp_path, GIZIN_TMUX_SOCKET=hosts.socket)
        out = run_gizin("--office", str(ws.office_dir), "--db", str(ws.db_path), "status", "--json", env=cli_env)
        assert out.returncode == 0, out.stderr
        assert {r["agent"]: r["host"] for r in json.loads(out.stdout)}["r2"] == "gizhost2"

        # the link drops: that host's agents read unreachable, the local ones keep working
        hosts.sshd.stop()
        rows = {r.agent: r for r in ws.status()}
        assert rows["r1"].state == rows["r2"].state == "unreachable"
        assert "gizhost1" in rows["r1"].detail
        assert rows["a0"].state != "unreachable" and rows["a0"].pane_id
        table = run_gizin("--office", str(ws.office_dir), "--db", str(ws.db_path), "status", env=cli_env)
        assert table.returncode == 0
        assert "unreachable" in table.stdout

        # sshd comes back on the same port: so does the host
        hosts.sshd.start()
        back = ws.reload()
        rows = {r.agent: r for r in back.status()}
        assert rows["r1"].state not in ("absent", "unreachable"), rows["r1"]

        # attach goes through `ssh -t` to the host's own tmux; down closes every host's session
        argv = back.attach("r2").argv or []
        assert argv[0] == "ssh" and "-t" in argv and argv[argv.index("--") + 1] == "gizhost2@127.0.0.1"
        assert "attach-session" in argv[-1] and hosts.socket in argv[-1]
        assert sorted(back.down()) == ["a0", "a1"]  # this machine's panes; the hosts' sessions end too
        for user in ("gizhost1", "gizhost2"):
            assert hosts.run_as(user, "tmux", "-L", hosts.socket, "has-session", "-t", "=office").returncode != 0
    finally:
        ws.close_links()
