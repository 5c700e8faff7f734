"""Shared set-up for the messaging tests: an office whose agents sit in panes of a private tmux server."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from gizinterm.messaging.deliverer import Deliverer, DeliveryEvent
from gizinterm.office.roster import Roster, load_roster
from gizinterm.panes.tmux import TmuxServer as Server
from gizinterm.store import connect
from gizinterm.store import messages as store
from tests.conftest import TmuxServer
from tests.helpers import wait_until, write_office

SESSION = "office"


def recorder(path: Path, *, echo: bool = True) -> str:
    """A receiver that writes every byte it gets to `path`; no line limit (-icanon), Enter becomes \\n."""
    mode = "-icanon" if echo else "-icanon -echo"
    return f"sh -c {shlex.quote(f'stty {mode}; exec cat > {shlex.quote(str(path))}')}"


def demo(agent: str) -> str:
    return f"{sys.executable} -m gizinterm demo-agent --agent {agent} --work-seconds 0 --log-every 0"


@dataclass
class Office:
    dir: Path
    roster: Roster
    db: Path
    tmux: TmuxServer
    env: dict[str, str]

    def seat(self, agent: str, command: str) -> str:
        """Start `command` as `agent` in its own window; returns the %pane_id."""
        exists = self.tmux.cmd("has-session", "-t", f"={SESSION}", check=False).returncode == 0
        place = ["new-window", "-t", f"={SESSION}:"] if exists else ["new-session", "-d", "-s", SESSION]
        pane = self.tmux.out(
            *place,
            *(["-x", "200", "-y", "50"] if not exists else []),
            "-P",
            "-F",
            "#{pane_id}",
            "-c",
            str(self.dir),
            "-e",
            f"GIZIN_HOME={self.dir}",
            "-e",
            f"GIZIN_DB={self.db}",
            "-e",
            f"GIZIN_AGENT={agent}",
            "-e",
            "GIZIN_DEMO_LOG_MESSAGES=0",
            command,
        ).strip()
        self.tmux.cmd("set-option", "-p", "-t", pane, "@gizin-agent", agent)
        return pane

    def server(self) -> Server:
        return Server(self.tmux.socket)

    def deliverer(self, **kwargs: object) -> Deliverer:
        events: list[DeliveryEvent] = []
        d = Deliverer(self.roster, self.db, self.server(), on_event=events.append, **kwargs)  # type: ignore[arg-type]
        d.events = events  # type: ignore[attr-defined]  # for assertions in tests
        return d

    def send(self, to: str, body: str, sender: str = "operator", key: str | None = None) -> list[int]:
        from gizinterm.messaging import outbox

        conn = connect(self.db)
        try:
            return [e.id for e in outbox.send(conn, self.roster, to, body, sender=sender, key=key)]
        finally:
            conn.close()

    def message(self, message_id: int) -> store.Message:
        conn = connect(self.db)
        try:
            return store.get(conn, message_id)
        finally:
            conn.close()

    def deliver_once(self) -> Deliverer:
        d = self.deliverer()
        d.run(once=True)
        return d


def make_office(tmp_path: Path, tmux: TmuxServer, count: int = 4) -> Office:
    folder = tmp_path / "office"
    # The demo command makes every agent kind "demo": its status profile knows the permission prompt.
    roster = load_roster(write_office(folder, count, session=SESSION, command="gizin demo-agent"))
    db = folder / ".gizin" / "gizin.db"
    env = {**tmux.env, "GIZIN_HOME": str(folder), "GIZIN_DB": str(db)}
    return Office(folder, roster, db, tmux, env)


def wait_file(path: Path, data: bytes, timeout: float = 10.0) -> bytes:
    wait_until(lambda: path.exists() and len(path.read_bytes()) >= len(data), timeout=timeout, what=f"{path.name}")
    return path.read_bytes()


def wait_prompt(tmux: TmuxServer, pane: str, agent: str) -> None:
    wait_until(lambda: tmux.capture(pane).rstrip().endswith(f"{agent} demo>"), what=f"{agent}'s idle prompt")
