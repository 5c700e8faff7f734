"""The tmux layer itself against a real server: chaining, escaping, big chains, bulk capture."""

from __future__ import annotations

from gizinterm.panes.tmux import ARGV_LIMIT, TmuxServer, capture_many, list_panes
from tests.conftest import TmuxServer as Fixture


def test_semicolon_arguments_stay_literal_and_stdin_reaches_load_buffer(tmux: Fixture) -> None:
    server = TmuxServer(tmux.socket)
    server.cmd("new-session", "-d", "-s", "t", "cat -v")
    out = server.run([["display-message", "-p", "a;"], ["display-message", "-p", "kill-server;"]])
    assert out.splitlines() == ["a;", "kill-server;"]
    assert tmux.alive()
    server.cmd("load-buffer", "-b", "probe", "-", input="from stdin; yes")
    assert server.cmd("show-buffer", "-b", "probe") == "from stdin; yes"


def test_a_chain_past_the_argv_limit_runs_through_a_command_file(tmux: Fixture) -> None:
    server = TmuxServer(tmux.socket)
    server.cmd("new-session", "-d", "-s", "t", "cat -v")
    odd = 'it\'s $HOME "quoted" #{pane_id} ;\ttab é'
    commands = [["set-option", "-s", f"@big{i}", odd + "x" * 200] for i in range(80)]
    assert sum(len(a) for c in commands for a in c) > ARGV_LIMIT
    before = server.invocations
    server.run([*commands, ["show-options", "-s", "-v", "@big79"]])
    assert server.invocations == before + 1
    assert server.cmd("show-options", "-s", "-v", "@big0").rstrip("\n") == odd + "x" * 200


def test_capture_many_skips_a_vanished_pane_and_keeps_the_rest(tmux: Fixture) -> None:
    server = TmuxServer(tmux.socket)
    server.run([["new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sh"], ["split-window", "sh"]])
    ids = [p.pane_id for p in list_panes(server, "t")]
    for pane_id in ids:
        tmux.cmd("send-keys", "-t", pane_id, "-l", f"echo marker-{pane_id[1:]}")
        tmux.cmd("send-keys", "-t", pane_id, "Enter")
    for pane_id in ids:
        tmux.wait_for(pane_id, f"\nmarker-{pane_id[1:]}")
    screens = capture_many(server, [ids[0], "%999", ids[1]])
    assert set(screens) == set(ids)
    assert all(f"\nmarker-{p[1:]}" in screens[p] for p in ids)


def test_list_panes_of_a_missing_session_is_empty(tmux: Fixture) -> None:
    server = TmuxServer(tmux.socket)
    assert list_panes(server, "nothing") == []
    server.cmd("new-session", "-d", "-s", "office2", "cat -v")
    assert list_panes(server, "office") == []  # exact match: "office" is not a prefix of "office2"
