"""Bad SSH configuration: one clear line per host, its agents unreachable, the rest of the office up.
Needs no sshd: one host's ssh_config does not exist, the other's points at a port nobody listens on."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import base_env, run_gizin, write_office
from tests.hosts.conftest import free_port

HOSTS = """
[[host]]
name = "nofile"
ssh = "ops@127.0.0.1"
ssh_config = "missing/ssh_config"

[[host]]
name = "closed"
ssh = "ssh://ops@127.0.0.1"
ssh_config = "closed_config"

[[agent]]
id = "r1"
name = "R1"
host = "nofile"

[[agent]]
id = "r2"
name = "R2"
host = "closed"
"""


def test_bad_ssh_configuration_is_one_line_per_host(tmp_path: Path, tmux: TmuxServer) -> None:
    path = write_office(tmp_path / "office", 1, extra="")
    path.write_text(path.read_text() + HOSTS)
    (path.parent / "closed_config").write_text(f"Host *\n  Port {free_port()}\n")
    env = base_env(tmp_path, GIZIN_TMUX_SOCKET=tmux.socket)
    cli = ["--office", str(path.parent), "--db", str(path.parent / "gizin.db")]
    up = run_gizin(*cli, "up", env=env)
    assert up.returncode == 0, up.stderr
    warnings = [line for line in up.stderr.splitlines() if line.startswith("gizin: warning:")]
    assert len(warnings) == 2, up.stderr
    assert "host nofile" in warnings[0] and "ssh_config" in warnings[0] and "is not a file" in warnings[0]
    assert "host closed" in warnings[1] and "Connection refused" in warnings[1]
    assert "1 started" in up.stdout and "2 unreachable" in up.stdout
    status = run_gizin(*cli, "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    rows = {r["agent"]: r for r in json.loads(status.stdout)}
    assert (rows["r1"]["state"], rows["r1"]["host"]) == ("unreachable", "nofile")
    assert rows["r2"]["state"] == "unreachable" and "Connection refused" in rows["r2"]["detail"]
    assert rows["a0"]["state"] not in ("absent", "unreachable")
    hosts = run_gizin(*cli, "hosts", env=env)
    assert hosts.returncode == 4
    assert len([line for line in hosts.stderr.splitlines() if line.startswith("gizin: host ")]) == 2
    restart = run_gizin(*cli, "restart", "a0", "r1", env=env)  # r1's host cannot be reached: one line, exit 4
    assert restart.returncode == 4, restart.stderr
    (line,) = [line for line in restart.stderr.splitlines() if "nofile" in line]
    assert "is not a file" in line and line.endswith("(r1 not restarted)")
    assert "restarted a0" in restart.stdout  # the local agent in the same command still was
    down = run_gizin(*cli, "down", env=env)  # this machine's session closes; each host that could not: one line
    assert down.returncode == 0, down.stderr
    assert len([line for line in down.stderr.splitlines() if line.startswith("gizin: warning: host ")]) == 2


def test_a_message_to_a_remote_agent_waits_and_says_why(tmp_path: Path, tmux: TmuxServer) -> None:
    """A host that cannot be reached: the message stays queued with the reason naming the host."""
    from dataclasses import replace

    from gizinterm.office.roster import load_roster
    from tests.integration.messaging import make_office

    office = make_office(tmp_path, tmux, count=2)
    office.roster.path.write_text(office.roster.path.read_text().replace(HOSTS.split("[[agent]]")[0], "") + HOSTS)
    office = replace(office, roster=load_roster(office.roster.path))
    office.seat("a0", "cat")  # the office runs; r1 has no pane here, by design
    (mid,) = office.send("r1", "hello over there")
    office.deliver_once()
    msg = office.message(mid)
    assert msg.state == "queued" and "host nofile" in (msg.error or ""), msg.error
