"""The keys gizin may press besides Enter: C-u and BSpace, and only in the agent's own live pane, never in
copy mode; anything else is refused before tmux is touched."""

from __future__ import annotations

import pytest

from gizinterm.panes.tmux import TmuxServer as Server
from gizinterm.panes.tmux import paste
from tests.conftest import TmuxServer
from tests.helpers import wait_until


class NoTmux(Server):
    """A server that fails the test if anything is run."""

    def call(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        raise AssertionError("tmux was called")


@pytest.mark.parametrize("key", ["Enter", "y", "C-c", "Escape", "1", "", "C-u C-m", "C-u;Enter"])
def test_only_the_edit_keys_are_pressed(key: str) -> None:
    with pytest.raises(ValueError, match="not an edit key"):
        paste.press_edit_key(NoTmux("unused"), "%0", "a0", key)


def pane(tmux: TmuxServer, agent: str) -> str:
    exists = tmux.cmd("has-session", "-t", "=keys", check=False).returncode == 0
    place = ["new-window", "-t", "=keys:"] if exists else ["new-session", "-d", "-s", "keys", "-x", "80", "-y", "10"]
    pane_id = tmux.cmd(*place, "-P", "-F", "#{pane_id}", "cat").stdout.strip()
    tmux.cmd("set-option", "-p", "-t", pane_id, "@gizin-agent", agent)
    return pane_id


def screen(tmux: TmuxServer, pane_id: str) -> str:
    return tmux.cmd("capture-pane", "-p", "-t", pane_id).stdout.rstrip("\n")


def test_an_edit_key_lands_only_in_the_agents_own_pane_out_of_copy_mode(tmux: TmuxServer) -> None:
    server = Server(tmux.socket)
    mine, other = pane(tmux, "a0"), pane(tmux, "a1")
    for target in (mine, other):
        tmux.cmd("send-keys", "-t", target, "-l", "typed")
        wait_until(lambda t=target: screen(tmux, t).endswith("typed"), what="the typed text")
    assert paste.press_edit_key(server, other, "a0", "C-u").status == "gone"  # a1's pane, not a0's
    assert screen(tmux, other).endswith("typed")
    tmux.cmd("copy-mode", "-t", mine)
    assert paste.press_edit_key(server, mine, "a0", "C-u").status == "in-mode"
    tmux.cmd("send-keys", "-t", mine, "-X", "cancel")
    assert paste.press_edit_key(server, mine, "a0", "C-u").status == "entered"
    wait_until(lambda: not screen(tmux, mine).endswith("typed"), what="the line cleared")
