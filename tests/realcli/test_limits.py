"""A usage limit on the real CLIs: the fake model answers with the provider's own "limit reached" error, the
CLI draws its limit screen, `gizin status --json` says `limited` (with the reset when the CLI gave one), and
a message to the agent waits with the reason in the ledger; with a known reset, one "continue" is queued
first, to arrive when the reset has passed."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pytest

from tests.realcli.fakes.base import Failure, Reply, Request, Response
from tests.realcli.harness import RealCliOffice
from tests.realcli.test_gizin import deliver, ledger


def codex_limit(resets_at: int) -> dict[str, Any]:
    """OpenAI's 429 for a plan's usage limit, as Codex reads it."""
    error = {"type": "usage_limit_reached", "message": "The usage limit has been reached", "plan_type": "plus"}
    return {"error": {**error, "resets_at": resets_at, "resets_in_seconds": resets_at - int(time.time())}}


GEMINI_DAILY_QUOTA = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                    }
                ],
            }
        ],
    }
}


@pytest.mark.parametrize("kind", ["codex", "gemini"])
def test_a_usage_limit_reads_limited_and_holds_messages(kind: str, request: pytest.FixtureRequest) -> None:
    office: RealCliOffice = request.getfixturevalue(f"{kind}_office")
    resets_at = int(time.time()) + 26 * 3600  # always another day: Codex words it "Dec 5th, 2026 1:13 AM"
    limit = codex_limit(resets_at) if kind == "codex" else GEMINI_DAILY_QUOTA
    answer = office.fake.respond

    def respond(req: Request, reply: Reply | None) -> Response:
        if req.kind == "main" and isinstance(reply, Failure):
            return Response(status=429, document=limit)
        return answer(req, reply)

    office.fake.respond = respond  # type: ignore[method-assign]
    office.up()
    office.wait_input_box(timeout=90)
    office.fake.enqueue(*[Failure(429, "limit")] * 5)
    office.submit("hello")
    row: dict[str, Any] = {}

    def limited() -> bool:
        row.update(office.status())
        return row["state"] == "limited"

    deadline = time.monotonic() + 90  # the CLI backs off between its retries; a loaded machine is slow
    while not limited() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert row["state"] == "limited", (row, office.screen())
    if kind == "codex":
        shown = datetime.fromisoformat(row["resets_at"]).timestamp()
        assert abs(shown - resets_at) < 60, row  # the CLI words it to the minute
    held = office.send("a note during the limit")
    deliver(office)
    entry = ledger(office, held)
    assert entry["state"] == "queued", json.dumps(entry)
    listed = office.gizin("messages", "--json", "--limit", "50")
    nudges = [m for m in json.loads(listed.stdout) if m["body"] == "continue" and m["sender"] == "operator"]
    if kind == "codex":  # the reset is known: one nudge, held like every message until the reset passes
        assert [m["state"] for m in nudges] == ["queued"], json.dumps(nudges)
        assert "limited" in (nudges[0]["error"] or ""), json.dumps(nudges)
    else:  # no reset given: going on is the operator's call
        assert nudges == [], json.dumps(nudges)
        assert "limited" in (entry["error"] or ""), json.dumps(entry)
