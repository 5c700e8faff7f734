"""The dashboard in a real terminal (a pane of a second tmux server): `gizin` alone opens it, hostile
agent output never reaches that terminal, and attach hands the terminal to the office and back."""

from __future__ import annotations

import shlex

from gizinterm.workspace import Workspace
from tests.conftest import TmuxServer
from tests.helpers import GIZIN, wait_until
from tests.tui.test_live_office import HOSTILE

TITLE = "operator-terminal"


def office_pane(office: TmuxServer, ws: Workspace, agent: str) -> str:
    out = office.out("list-panes", "-s", "-t", f"={ws.roster.office.session}", "-F", "#{@gizin-agent} #{pane_id}")
    return dict(line.split() for line in out.splitlines())[agent]


def type_line(server: TmuxServer, target: str, line: str) -> None:
    server.cmd("send-keys", "-t", target, "-l", line)
    server.cmd("send-keys", "-t", target, "Enter")


def test_bare_gizin_opens_the_dashboard_and_keeps_the_terminal_safe(
    sh_office: Workspace, tmux: TmuxServer, terminal: TmuxServer
) -> None:
    ws = sh_office
    ws.up()
    env = {"GIZIN_HOME": str(ws.office_dir), "GIZIN_DB": str(ws.db_path), "GIZIN_TMUX_SOCKET": tmux.socket}
    command = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + f" exec {shlex.quote(str(GIZIN))}"
    terminal.cmd("new-session", "-d", "-s", "op", "-x", "140", "-y", "45", "sh", "-c", command)
    terminal.cmd("set-option", "-s", "set-clipboard", "on")
    terminal.cmd("select-pane", "-t", "op", "-T", TITLE)
    terminal.wait_for("op", "AI employees", timeout=20)
    terminal.wait_for("op", "idle", timeout=20)

    a0 = office_pane(tmux, ws, "a0")
    type_line(tmux, a0, HOSTILE)
    type_line(tmux, a0, "echo END-OF-HOSTILE")
    screen = terminal.wait_for("op", "END-OF-HOSTILE", timeout=20)
    assert "[/] [@click=app.quit]" in screen
    assert terminal.out("list-buffers") == ""  # no OSC 52 reached the terminal
    assert terminal.out("display-message", "-p", "-t", "op", "#{pane_title}").strip() == TITLE  # nor OSC 2

    # attach: the dashboard suspends and the terminal shows the office, on the selected agent's pane
    terminal.cmd("send-keys", "-t", "op", "Right")
    terminal.wait_for("op", "Agent1 · a1")
    terminal.cmd("send-keys", "-t", "op", "Enter")
    wait_until(lambda: tmux.out("list-clients", "-F", "#{client_name}").strip(), what="a client on the office")
    panes = tmux.out(
        "list-panes", "-s", "-t", f"={ws.roster.office.session}", "-F", "#{window_active}#{pane_active} #{pane_id}"
    )
    assert f"11 {office_pane(tmux, ws, 'a1')}" in panes.splitlines()  # the active pane of the active window
    tmux.cmd("detach-client", "-s", f"={ws.roster.office.session}")
    terminal.wait_for("op", "AI employees", timeout=10)  # back in the dashboard

    terminal.cmd("send-keys", "-t", "op", "q")
    wait_until(lambda: not terminal.alive(), timeout=15, what="the dashboard to quit")
    assert tmux.alive()  # quitting the dashboard leaves the office running
