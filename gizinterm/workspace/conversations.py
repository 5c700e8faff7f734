"""Agents keep their conversations across restarts: which one each starts in, one-by-one resumes, the record.

`up` and `restart` ask `starts` how each agent CLI starts (its recorded conversation, or a new one with an
id gizin knows), put that into the plan BEFORE the network boundary wraps the commands, start agents
that resume one at a time, each watched until its input box shows (`panes.comeback`), and then record
what every started agent runs in. A conversation that does not come back (the CLI no longer has it) is
replaced by a new one, with a warning: an agent that cannot resume must still come up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gizinterm.workspace.boundary import BoundaryPart

if TYPE_CHECKING:
    from gizinterm.office.conversation import Start
    from gizinterm.office.layout import Plan
    from gizinterm.panes.bringup import Progress
    from gizinterm.store.conversations import Conversation

ProgressFn = Callable[["Progress"], None]


class ConversationsPart(BoundaryPart):
    resume_timeout: float = 90.0  # seconds a resumed agent has to show its input box

    def conversations(self, plan: Plan | None = None, *, read_all: bool = False) -> dict[str, Conversation]:
        """Every agent's recorded conversation. Codex ids are read back from its session files: only
        where still unknown, or (`read_all`, before a restart) for every Codex agent, since `/new` in
        the CLI moves it to another one. Best effort: an unreadable database means nothing recorded."""
        import sqlite3
        from dataclasses import replace

        from gizinterm.ground.errors import GizinError
        from gizinterm.office.conversation import read_codex_id
        from gizinterm.store import connect
        from gizinterm.store.conversations import conversations, save

        plan = plan or self.plan()
        if not os.path.exists(self.db_path):  # nothing started yet; reading must not create the database
            return {}
        try:
            with contextlib.closing(connect(self.db_path)) as conn:
                records = conversations(conn)
                found = []
                for agent, rec in records.items():
                    spec = plan.pane_for(agent)
                    if rec.kind != "codex" or spec is None or (rec.conversation and not read_all):
                        continue
                    taken = frozenset(c.conversation for a, c in records.items() if c.conversation and a != agent)
                    read = read_codex_id(spec, rec.started_at, taken)
                    if read and read != rec.conversation:
                        found.append(replace(rec, conversation=read))
                save(conn, found)
        except (GizinError, sqlite3.Error, OSError):
            return {}
        return {**records, **{c.agent: c for c in found}}

    def starts(self, plan: Plan, *, fresh: bool = False) -> dict[str, Start]:
        """How each agent CLI starts this time (see `office.conversation.choose`)."""
        from gizinterm.office.conversation import choose

        recorded = self.conversations(plan, read_all=True)
        return choose(plan, {a: c.conversation for a, c in recorded.items()}, fresh=fresh)

    def record_starts(self, starts: Mapping[str, Start], agents: list[str]) -> list[str]:
        """Record what `agents` (just started) run in; warnings for the front end when it fails."""
        import sqlite3
        import time

        from gizinterm.ground.errors import GizinError
        from gizinterm.store import connect
        from gizinterm.store.conversations import Conversation, save

        now = time.time()
        rows = [
            Conversation(a, starts[a].kind, starts[a].conversation, now) for a in dict.fromkeys(agents) if a in starts
        ]
        if not rows:
            return []
        try:
            with contextlib.closing(connect(self.db_path)) as conn:
                save(conn, rows)
        except (GizinError, sqlite3.Error, OSError) as exc:
            return [f"conversations not recorded: {exc}"]
        return []

    def seated_plan(self, plan: Plan, starts: Mapping[str, Start]) -> Plan:
        """The plan with the CLIs' conversation arguments, then wrapped for the network boundary."""
        from gizinterm.office.conversation import apply

        return self.seating(apply(plan, starts)).plan

    def check_back(
        self, plan: Plan, agent: str, pane_id: str | None, starts: dict[str, Start], say: ProgressFn
    ) -> list[str]:
        """Watch a resumed agent until it is back; one that died is started again in a new conversation
        (`starts` is updated). Returns warnings."""
        from gizinterm.office.conversation import new_start
        from gizinterm.panes import lifecycle
        from gizinterm.panes.bringup import Progress
        from gizinterm.panes.comeback import BACK, DEAD, WAITING, wait_back

        start = starts[agent]
        if pane_id is None:
            return []
        outcome, detail = wait_back(self.tmux(), plan.session, pane_id, start.kind, timeout=self.resume_timeout)
        if outcome == BACK:
            say(Progress("restart", f"{agent} is back in conversation {start.conversation}", agent))
            return []
        if outcome == WAITING:
            return [f"{agent} resumed conversation {start.conversation} but waits for you: {detail}"]
        if outcome != DEAD:
            return [f"{agent} resumed conversation {start.conversation} but shows no input box yet: {detail}"]
        starts[agent] = new_start(agent, start.kind)
        fresh_plan = self.seated_plan(self.plan(), starts)
        lifecycle.restart(self.tmux(), fresh_plan, [agent])
        say(Progress("restart", f"{agent}: conversation {start.conversation} did not come back; started a new one"))
        return [f"{agent}: conversation {start.conversation} did not come back ({detail}); started a new one"]
