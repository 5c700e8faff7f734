"""Fake Anthropic Messages API for Claude Code (measured against 2.1.197).

Point the CLI at it with `ANTHROPIC_BASE_URL=<url>` and an `ANTHROPIC_API_KEY` approved in `~/.claude.json`.
Claude Code makes three kinds of requests: `HEAD /` connectivity probes, its conversation
(`POST /v1/messages`, streamed, always with a `tools` list) and, after the first prompt, one side request
without tools asking a small model for a JSON session title. Only the conversation takes scripted replies;
the title request is answered with `{"title": "Fake title"}`, which Claude shows in the pane title.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from tests.realcli.fakes.base import JSON, MAIN, Failure, FakeModelServer, Reply, Request, Response, ShellCall, Text

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_fake{next(_ids):08d}"


class FakeAnthropic(FakeModelServer):
    name = "fake-anthropic"
    title = "Fake title"

    def classify(self, request: Request) -> str:
        if request.method == "POST" and request.path == "/v1/messages" and isinstance(request.json, dict):
            return MAIN if request.json.get("tools") else "title"
        return "probe" if request.method in ("GET", "HEAD") else "other"

    def user_text(self, request: Request) -> str | None:
        """The last text block of the last user message, if it has one of the user's. Claude Code 2.1.197
        may put a `system` message after it (the agent list), and the first user message also carries a
        `<system-reminder>` block before the text."""
        messages = request.json.get("messages", []) if isinstance(request.json, dict) else []
        turns = [m for m in messages if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        if not turns or turns[-1].get("role") != "user":
            return None
        content = turns[-1].get("content")
        if isinstance(content, str):
            return content
        blocks = [b for b in content or [] if isinstance(b, dict)]
        # A tool result going back carries no user text; one the user declined may carry the next
        # thing they typed after it. Reminders the CLI adds are not the user's.
        texts = [str(b.get("text", "")) for b in blocks if b.get("type") == "text"]
        texts = [text for text in texts if not text.lstrip().startswith("<system-reminder>")]
        return texts[-1] if texts else None

    def respond(self, request: Request, reply: Reply | None) -> Response:
        if request.kind == "title":
            reply = Text((json.dumps({"title": self.title, "isNewTopic": False}),))
        elif reply is None:
            return Response(document={})
        if isinstance(reply, Failure):
            error = {"type": "error", "error": {"type": "api_error", "message": reply.message}}
            return Response(status=reply.status, document=error)
        body: JSON = request.json if isinstance(request.json, dict) else {}
        return Response(frames=_frames(body, reply), headers={"request-id": _id("req")})


def _frames(request: JSON, reply: Text | ShellCall) -> Iterator[tuple[float, bytes]]:
    model = str(request.get("model", "claude-fake"))
    usage = {"input_tokens": 10, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    message = {"id": _id("msg"), "type": "message", "role": "assistant", "model": model, "content": []}
    yield 0.0, _event("message_start", {"message": {**message, "stop_reason": None, "usage": usage}})
    index = 0
    stop = "end_turn"
    if isinstance(reply, Text):
        yield 0.0, _event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        for delay, chunk in reply.delays():
            yield delay, _event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": chunk}})
        yield 0.0, _event("content_block_stop", {"index": 0})
    else:
        if reply.preface:
            yield 0.0, _event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
            preface = {"type": "text_delta", "text": reply.preface}
            yield 0.0, _event("content_block_delta", {"index": 0, "delta": preface})
            yield 0.0, _event("content_block_stop", {"index": 0})
            index = 1
        tool = {"type": "tool_use", "id": _id("toolu"), "name": "Bash", "input": {}}
        arguments = json.dumps({"command": reply.command, "description": reply.justification})
        yield 0.0, _event("content_block_start", {"index": index, "content_block": tool})
        partial = {"type": "input_json_delta", "partial_json": arguments}
        yield 0.0, _event("content_block_delta", {"index": index, "delta": partial})
        yield 0.0, _event("content_block_stop", {"index": index})
        stop = "tool_use"
    end: dict[str, Any] = {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": 5}}
    yield 0.0, _event("message_delta", end)
    yield 0.0, _event("message_stop", {})


def _event(name: str, data: JSON) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()
