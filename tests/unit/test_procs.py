"""The pure parts of finding an agent's processes: /proc parsing, identity matching, the tree and groups,
and `find` over a fake /proc folder (so every case is exact and no real process is touched)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gizinterm.panes import procs
from gizinterm.panes.procs import Ended, Identity, Proc


def stat_line(
    pid: int, ppid: int, pgid: int | None = None, sid: int | None = None, state: str = "S", comm: str = "x"
) -> str:
    """A /proc/<pid>/stat line with the fields `parse_stat` reads (start time = 1000 + pid)."""
    tail = [state, ppid, pgid or pid, sid or pid, 0, -1, 4194560, *([0] * 12), 1000 + pid, 0, 0]
    return f"{pid} ({comm}) " + " ".join(map(str, tail)) + "\n"


def test_parse_stat_reads_past_a_command_name_with_spaces_and_parentheses() -> None:
    info = procs.parse_stat(stat_line(4242, 17, 4000, 3999, "R", comm="we) ird (name"))
    assert info == Proc(pid=4242, ppid=17, pgid=4000, sid=3999, state="R", start=5242, comm="we) ird (name")
    assert info.alive
    assert procs.parse_stat(stat_line(5, 1, state="Z")).alive is False  # type: ignore[union-attr]
    assert procs.parse_stat("") is None
    assert procs.parse_stat("12 (cut short) S 1") is None
    assert procs.parse_stat("x (y) S 1 2 3") is None


def test_parse_stat_of_this_very_process() -> None:
    if not procs.supported():
        pytest.skip("no /proc here")
    me = procs.read_proc(os.getpid())
    assert me is not None and me.pid == os.getpid() and me.ppid == os.getppid() and me.alive
    assert me.pgid == os.getpgid(0) and me.sid == os.getsid(0)


def test_parse_environ() -> None:
    data = b"GIZIN_AGENT=a0\0GIZIN_HOME=/srv/office\0EMPTY=\0NOEQUALS\0X=a=b\0BAD=\xff\xfe\0\0"
    env = procs.parse_environ(data)
    assert env == {"GIZIN_AGENT": "a0", "GIZIN_HOME": "/srv/office", "EMPTY": "", "X": "a=b", "BAD": "\udcff\udcfe"}
    assert procs.parse_environ(data, [b"GIZIN_AGENT", b"GIZIN_TMUX_SOCKET"]) == {"GIZIN_AGENT": "a0"}
    assert procs.parse_environ(b"") == {}


def test_identity_needs_office_agent_and_server(tmp_path: Path) -> None:
    me = Identity(home=str(tmp_path), agent="a0", socket="s1")
    env = {"GIZIN_HOME": str(tmp_path), "GIZIN_AGENT": "a0", "GIZIN_TMUX_SOCKET": "s1"}
    assert me.matches(env)
    assert not me.matches({**env, "GIZIN_AGENT": "a1"})
    assert not me.matches({**env, "GIZIN_HOME": str(tmp_path / "other")})  # another office, same id
    assert not me.matches({**env, "GIZIN_TMUX_SOCKET": "s2"})
    assert not me.matches({k: v for k, v in env.items() if k != "GIZIN_TMUX_SOCKET"})
    assert not me.matches({k: v for k, v in env.items() if k != "GIZIN_HOME"})
    default = Identity(home=str(tmp_path), agent="a0")  # the default tmux server
    assert default.matches({**env, "GIZIN_TMUX_SOCKET": ""}) and not default.matches(env)
    (tmp_path / "link").symlink_to(tmp_path)
    assert me.matches({**env, "GIZIN_HOME": str(tmp_path / "link")})  # the same folder, spelt another way


def table(*rows: tuple[int, int, int, int]) -> dict[int, Proc]:
    return {pid: Proc(pid, ppid, pgid, sid, "S", 0) for pid, ppid, pgid, sid in rows}


def test_closure_walks_children_and_the_groups_they_created() -> None:
    world = table(
        (1, 0, 1, 1),
        (50, 1, 50, 50),  # the tmux server
        (100, 50, 100, 100),  # the pane's process, a session leader
        (101, 100, 101, 100),  # a job in its own group
        (102, 101, 102, 102),  # its child in its own session
        (103, 1, 100, 100),  # orphaned, still in the pane's session
        (104, 1, 101, 100),  # orphaned, still in the job's group
        (200, 50, 200, 200),  # another pane
        (201, 1, 1, 1),  # unrelated
    )
    assert procs.closure([100], world) == {100, 101, 102, 103, 104}
    assert procs.closure([1], world) == set()  # init is never a root
    assert procs.ancestors(102, world) == {102, 101, 100, 50, 1}


def fake_proc(root: Path, rows: list[tuple[int, int, int, int, dict[str, str] | None]]) -> str:
    """A /proc folder: `(pid, ppid, pgid, sid, env)` per process; env None = unreadable environ."""
    (root / "self").mkdir(parents=True)
    (root / "self" / "stat").write_text(stat_line(999999, 1))
    for pid, ppid, pgid, sid, env in rows:
        folder = root / str(pid)
        folder.mkdir()
        (folder / "stat").write_text(stat_line(pid, ppid, pgid, sid))
        if env is not None:
            (folder / "environ").write_bytes(b"".join(f"{k}={v}".encode() + b"\0" for k, v in env.items()))
    return str(root)


def test_find_gathers_tree_groups_and_identity_and_nothing_else(tmp_path: Path) -> None:
    office, other = "/srv/office", "/srv/other"

    def who(home: str, agent: str) -> dict[str, str]:
        return {"GIZIN_HOME": home, "GIZIN_AGENT": agent, "GIZIN_TMUX_SOCKET": "s"}

    proc = fake_proc(
        tmp_path / "proc",
        [
            (1, 0, 1, 1, {}),
            (50, 1, 50, 50, who(office, "a0")),  # the tmux server, started from a0's pane: never touched
            (100, 50, 100, 100, who(office, "a0")),  # a0's pane
            (101, 100, 101, 101, {"PATH": "/bin"}),  # a tool that cleared its env: found as a child
            (102, 1, 100, 100, None),  # unreadable, but still in the pane's session
            (103, 1, 103, 103, who(office, "a0")),  # a daemon: setsid, re-parented to init
            (110, 50, 110, 110, who(office, "a1")),  # a1's pane
            (111, 1, 111, 111, who(office, "a1")),  # a1's daemon
            (120, 1, 120, 120, who(other, "a0")),  # the same id in another office
            (121, 1, 121, 121, {**who(office, "a0"), "GIZIN_TMUX_SOCKET": "t"}),  # another server
        ],
    )
    me = {"a0": Identity(office, "a0", "s")}
    found = procs.find(me, {"a0": [100]}, parent=50, proc=proc)
    assert [p.pid for p in found["a0"]] == [100, 101, 102, 103]
    both = procs.find({**me, "a1": Identity(office, "a1", "s")}, {"a0": [100], "a1": [110]}, parent=50, proc=proc)
    assert [p.pid for p in both["a1"]] == [110, 111] and [p.pid for p in both["a0"]] == [100, 101, 102, 103]
    reused = procs.find(me, {"a0": [120]}, parent=50, proc=proc)  # not the server's child: a pid reused since
    assert [p.pid for p in reused["a0"]] == [100, 103]  # what carries the identity still is found
    assert procs.find({}, proc=proc) == {}
    assert procs.find(me, proc=str(tmp_path / "nowhere")) == {}  # no /proc: today's behaviour


def test_ended_summary() -> None:
    assert Ended().summary("a0") == "a0: no processes left"
    assert Ended(pids=(7,)).summary("a0") == "a0: ended 1 process (7)"
    line = Ended(pids=(7, 8, 9), killed=(8, 9), survivors=(9,)).summary("a0")
    assert line == "a0: ended 3 processes (7 8 9), SIGKILL needed by 8 9, STILL ALIVE: 9"


# --- one CODEX_HOME per codex agent, so no app-server daemon is shared (issue 12) ---------------------
# (here rather than in test_layout.py: they belong to the same fix as the process sweep)

CODEX_OFFICE = """[office]
name = "T"
session = "t"

[defaults]
command = "codex"
{defaults_env}

[[agent]]
id = "cx"
name = "Cx"

[[agent]]
id = "own"
name = "Own"
env = {{ CODEX_HOME = "/srv/codex-own" }}

[[agent]]
id = "sh"
name = "Sh"
command = "sh"
"""


def codex_plan(tmp_path: Path, defaults_env: str = ""):  # type: ignore[no-untyped-def]
    from gizinterm.office.layout import load_layout, make_plan
    from gizinterm.office.roster import load_roster

    (tmp_path / "agents.toml").write_text(CODEX_OFFICE.format(defaults_env=defaults_env))
    roster = load_roster(tmp_path / "agents.toml")
    return make_plan(roster, load_layout("grid3", roster.dir), db_path=tmp_path / "x.db")


def test_each_codex_agent_gets_its_own_codex_home(tmp_path: Path) -> None:
    plan = codex_plan(tmp_path)
    env = {p.agent.id: p.env for p in plan.panes}
    assert env["cx"]["CODEX_HOME"] == str(tmp_path / ".gizin" / "agents" / "cx" / "codex-home")
    assert env["own"]["CODEX_HOME"] == "/srv/codex-own"  # the agent's explicit env wins
    assert "CODEX_HOME" not in env["sh"]  # only codex agents
    assert env["cx"]["GIZIN_AGENT"] == "cx" and env["cx"]["GIZIN_HOME"] == str(tmp_path)
    shared = codex_plan(tmp_path, 'env = { CODEX_HOME = "/srv/shared" }')  # [defaults] env: the operator's choice
    assert {p.env["CODEX_HOME"] for p in shared.panes if p.agent.kind == "codex"} == {"/srv/shared", "/srv/codex-own"}


def test_up_creates_only_the_codex_homes_gizin_chose_private(tmp_path: Path) -> None:
    from gizinterm.workspace.panes import prepare_agent_dirs

    plan = codex_plan(tmp_path)
    old = os.umask(0o022)
    try:
        prepare_agent_dirs(plan, tmp_path)
        home = tmp_path / ".gizin" / "agents" / "cx" / "codex-home"
        assert home.is_dir() and (home.stat().st_mode & 0o777) == 0o700
        home.chmod(0o755)
        prepare_agent_dirs(plan, tmp_path)  # again: idempotent, and the mode is put back
        assert (home.stat().st_mode & 0o777) == 0o700
    finally:
        os.umask(old)
    assert sorted(p.name for p in (tmp_path / ".gizin" / "agents").iterdir()) == ["cx"]
    assert not Path("/srv/codex-own").exists()
