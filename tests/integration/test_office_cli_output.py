"""What the office commands print, as real `gizin` subprocesses on a private tmux server: where the
`up` summary goes, what --quiet silences, attach without a terminal, and roster order in every list."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import run_gizin, write_office


def office_env(folder: Path, tmux: TmuxServer) -> dict[str, str]:
    return {**tmux.env, "GIZIN_HOME": str(folder)}


def test_up_summary_is_stdout_data_and_json_mode_never_doubles_the_prefix(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 2, command="cat -v", session="gizin")  # a session named like the program
    env = office_env(tmp_path, tmux)
    plain = run_gizin("up", env=env)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == "gizin: 2 started, 0 running\n"
    assert "gizin: 2 started" not in plain.stderr  # said once, on stdout
    as_json = run_gizin("up", "--json", env=env)
    assert json.loads(as_json.stdout)["running"] == ["a0", "a1"]
    assert "gizin: gizin:" not in as_json.stderr
    assert as_json.stderr.splitlines()[-1] == "gizin: 0 started, 2 running"


def test_up_quiet_prints_only_problems(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 3, command="cat -v")
    env = office_env(tmp_path, tmux)
    assert run_gizin("up", env=env).returncode == 0
    pane_a1 = tmux.out("list-panes", "-a", "-F", "#{pane_id} #{@gizin-agent}").split("\n")
    a1 = next(line.split()[0] for line in pane_a1 if line.endswith(" a1"))
    tmux.cmd("respawn-pane", "-k", "-t", a1, "exit 4")  # an exited agent: a note without --quiet
    text = (tmp_path / "agents.toml").read_text()
    cut = text.index('[[agent]]\nid = "a2"')
    lost = '[[agent]]\nid = "lost"\nname = "Lost"\ncwd = "gone"\n'
    (tmp_path / "agents.toml").write_text(text[:cut] + lost)  # a2 leaves the roster, lost cannot start

    loud = run_gizin("up", env=env)
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout == "office: 0 started, 1 running, 1 exited, 1 skipped, 1 not in roster\n"
    assert "gizin: exited (--restart-dead or gizin restart ID): a1" in loud.stderr
    assert "gizin: not in agents.toml any more (kept; --prune closes them): a2" in loud.stderr

    quiet = run_gizin("up", "--quiet", env=env)
    assert quiet.returncode == 0
    assert quiet.stdout == ""
    assert quiet.stderr == f"gizin: skipped lost: cwd {tmp_path / 'gone'} does not exist\n"


def test_attach_without_a_terminal_is_one_line_and_exit_2(tmp_path: Path, tmux: TmuxServer) -> None:
    write_office(tmp_path, 2, command="cat -v")
    env = office_env(tmp_path, tmux)
    assert run_gizin("up", env=env).returncode == 0
    result = run_gizin("attach", "a1", env=env, input="")  # stdin is a pipe, as under cron or a script
    assert result.returncode == 2
    assert result.stderr == (
        "gizin: attach needs a terminal: stdin is not one (run it in a terminal, or inside the office's tmux)\n"
    )
    assert "open terminal failed" not in result.stderr and result.stdout == ""
    assert run_gizin("attach", "nobody", env=env, input="").returncode == 5  # the id is still checked first


def test_attach_inside_the_office_tmux_switches_client_without_a_terminal(tmp_path: Path, tmux: TmuxServer) -> None:
    """From a pane of the office's own server, attach is switch-client: no terminal of its own needed."""
    write_office(tmp_path, 2, command="cat -v")
    env = office_env(tmp_path, tmux)
    assert run_gizin("up", env=env).returncode == 0
    socket_path = tmux.out("display-message", "-p", "#{socket_path}").strip()
    inside = {**env, "TMUX": f"{socket_path},1,0"}
    result = run_gizin("attach", "a1", env=inside, input="")
    assert "attach needs a terminal" not in result.stderr
    # No client is attached in a test, so tmux itself refuses the switch (exit 4), after selecting a1's pane.
    assert result.returncode == 4 and "no current client" in result.stderr
    active = tmux.out("display-message", "-p", "-t", "=office:", "#{@gizin-agent}").strip()
    assert active == "a1"


def test_every_list_of_agents_is_in_roster_order(tmp_path: Path, tmux: TmuxServer) -> None:
    """plan, up --json (started, running, panes) and status all list a0..a11 as in agents.toml, although
    tmux lists panes column by column (a0, a3, a6, a1, …) and the plan is built column by column too."""
    write_office(tmp_path, 12, command="cat -v")  # grid3: floor-1 holds a0..a8, floor-2 a9..a11
    env = office_env(tmp_path, tmux)
    roster = [f"a{i}" for i in range(12)]
    plan = json.loads(run_gizin("plan", "--json", env=env).stdout)
    assert [p["agent"] for p in plan["panes"]] == roster
    assert [(p["column"], p["row"]) for p in plan["panes"][:4]] == [(1, 1), (2, 1), (3, 1), (1, 2)]
    table = run_gizin("plan", env={**env, "COLUMNS": "200"}).stdout
    rows = [line.split("│") for line in table.splitlines() if line.startswith("floor-")]
    assert [cells[3].strip() for cells in rows] == roster  # window │ column │ row │ agent │ …

    first = json.loads(run_gizin("up", "--json", env=env).stdout)
    assert first["started"] == roster and list(first["panes"]) == roster
    panes_in_tmux_order = tmux.out("list-panes", "-s", "-t", "=office:", "-F", "#{@gizin-agent}").split()
    assert panes_in_tmux_order != roster  # the order this test guards against really is different
    again = json.loads(run_gizin("up", "--json", env=env).stdout)
    assert again["running"] == roster and list(again["panes"]) == roster

    status = json.loads(run_gizin("status", "--json", env=env).stdout)
    assert [r["agent"] for r in status] == roster
    lines = run_gizin("status", env=env).stdout.splitlines()[1:]
    assert [line.split()[0] for line in lines] == roster
