"""The workspace's messaging: send, the ledger, the operator's retry and cancel, the deliverer."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gizinterm.workspace.notify import NotifyPart

if TYPE_CHECKING:
    from collections.abc import Callable

    from gizinterm.messaging.deliverer import Deliverer, DeliveryEvent
    from gizinterm.panes.tmux import TmuxServer
    from gizinterm.store.messages import Enqueued, Message


class MessagesPart(NotifyPart):
    if TYPE_CHECKING:

        def server_of(self, agent: str) -> TmuxServer: ...  # workspace.hosts: this machine's or a host's

    def send(self, target: str, body: str, *, sender: str = "operator", key: str | None = None) -> list[Enqueued]:
        """Queue a message for an agent, `@Department` or `all`; the deliverer pastes it (exactly once)."""
        from gizinterm.messaging import outbox
        from gizinterm.store import connect

        with contextlib.closing(connect(self.db_path)) as conn:
            return outbox.send(conn, self.roster, target, body, sender=sender, key=key)

    def messages(
        self,
        *,
        to: str | None = None,
        sender: str | None = None,
        states: tuple[str, ...] = (),
        limit: int | None = None,
    ) -> list[Message]:
        from gizinterm.store import connect
        from gizinterm.store import messages as store

        with contextlib.closing(connect(self.db_path)) as conn:
            return store.query(conn, to=to, sender=sender, states=states, limit=limit)

    def ack_message(self, message_id: int, by: str = "operator") -> Message:
        """The façade serves the operator's front ends; an agent acks through `gizin ack` from its pane."""
        from gizinterm.messaging import outbox
        from gizinterm.store import connect

        with contextlib.closing(connect(self.db_path)) as conn:
            return outbox.ack(conn, message_id, by)

    def retry_message(self, message_id: int, by: str | None = None) -> Message:
        """failed -> queued again; unknown -> Enter only, and only if its text is provably in the input.
        `by`: the calling agent (None for the operator), who may decide only on messages it sent."""
        from gizinterm.messaging import retry as delivery
        from gizinterm.store import connect
        from gizinterm.store import messages as store

        with contextlib.closing(connect(self.db_path)) as conn:
            _may_decide(store.get(conn, message_id), by, "retry")
            return delivery.retry(conn, self.server_of(store.get(conn, message_id).recipient), message_id)

    def cancel_message(self, message_id: int, by: str | None = None) -> Message:
        from gizinterm.store import connect
        from gizinterm.store import messages as store

        with contextlib.closing(connect(self.db_path)) as conn:
            msg = store.get(conn, message_id)
            _may_decide(msg, by, "cancel")
            # The pane stays held while the text is cleared (the message is `unknown` until the end).
            note = self._clear_unknown(msg) if msg.state == "unknown" else None
            return store.cancel(conn, message_id, note)

    def _clear_unknown(self, msg: Message) -> str:
        """Take an unknown message's text out of its recipient's input box where it can be recognised
        (see `messaging.clearing`); the ledger note says what became of it."""
        from gizinterm.ground.errors import TmuxError
        from gizinterm.messaging.clearing import clear_input
        from gizinterm.messaging.framing import frame
        from gizinterm.panes.screens import RECOGNISERS

        kind = next((a.kind for a in self.roster.agents if a.id == msg.recipient), "shell")
        rec = RECOGNISERS.get(kind)
        left = f"cancelled; nothing pressed: clear {msg.recipient}'s input yourself (gizin attach {msg.recipient})"
        if rec is None or not msg.pane_id:
            return f"{left}: {kind} input boxes are not recognised" if rec is None else f"{left}: no pane recorded"
        try:
            server = self.server_of(msg.recipient)
            text = frame(msg.id, msg.sender, msg.body)
            cleared = clear_input(server, self.roster.office.session, msg.pane_id, msg.recipient, rec, text)
        except TmuxError as exc:
            return f"{left}: {exc}"
        if cleared.empty:
            return f"cancelled; its text cleared from {msg.recipient}'s input ({cleared.keys} keys)"
        return f"{left}: {cleared.reason}" if not cleared.keys else f"cancelled; clearing stopped: {cleared.reason}"

    def deliverer(self, on_event: Callable[[DeliveryEvent], None] | None = None, ttl: float = 5.0) -> Deliverer:
        """The office's deliverer, for `gizin deliver` and the dashboard's worker: it delivers only while
        it holds the office's lease, so hosting one where another runs is harmless (it stands by). The
        lease holder also runs the office's notifier (`[notify]`), so one process calls the operator."""
        from gizinterm.messaging.attention import NotifyingDeliverer

        return NotifyingDeliverer.for_office(
            self.roster, self.db_path, self.socket, on_event=on_event, ttl=ttl, notifier=self.notifier()
        )


def _may_decide(msg: Message, by: str | None, what: str) -> None:
    """An agent withdraws or re-queues only what it sent itself; a message left `unknown` (its text may
    sit unsubmitted in the recipient's input) waits for the operator, whoever sent it."""
    from gizinterm.ground.errors import UsageError

    if by is None:
        return
    if msg.sender != by:
        raise UsageError(f"messages {what}: #{msg.id} is from {msg.sender}, not you ({by}); only the operator decides")
    if msg.state == "unknown":
        raise UsageError(f"messages {what}: #{msg.id} is unknown; only the operator decides (it may be in the input)")
