"""What the notifier sends and what each channel answered."""

from __future__ import annotations

from dataclasses import dataclass

EVENTS = ("waiting", "dead", "limited", "message", "blocked", "test")
OUTCOMES = ("sending", "sent", "partial", "failed", "skipped", "suppressed")


@dataclass(frozen=True)
class Event:
    """One episode worth a call. `key` names the episode: the same key is notified once, ever."""

    key: str
    event: str
    title: str
    body: str
    agent: str | None = None


@dataclass(frozen=True)
class ChannelResult:
    """One channel's outcome: sent, skipped (nothing to reach, e.g. no notify-send), blocked (by the
    outbound policy, audited) or failed (with why)."""

    channel: str
    outcome: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"channel": self.channel, "outcome": self.outcome, "detail": self.detail}


def overall(results: list[ChannelResult]) -> str:
    """The notification's outcome from its channels': sent when all that could send did, partial when
    some did, skipped when none had anywhere to go, else failed."""
    if not results:
        return "skipped"
    outcomes = {r.outcome for r in results}
    if "sent" in outcomes:
        return "sent" if outcomes <= {"sent", "skipped"} else "partial"
    return "skipped" if outcomes == {"skipped"} else "failed"
