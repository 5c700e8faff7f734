"""Fake OpenAI Responses API for the Codex CLI (measured against 0.171.0).

Codex reaches it through a custom model provider in `$CODEX_HOME/config.toml` (`base_url = "<url>/v1"`,
`wire_api = "responses"`, `env_key` naming a variable that holds any key); the built-in provider would show
a sign-in screen instead. Every request is `POST /v1/responses`, streamed. On a thread's first turn Codex
sends a second request asking for a thread title (turn metadata `thread_source: "thread_title"`, no tools,
a JSON schema with only `title`); it is answered with `{"title": "Fake thread title"}` and never takes a
scripted reply.

A `ShellCall` becomes an `exec_command` call asking for `sandbox_permissions: "require_escalated"` with a
justification: with `approval_policy = "on-request"` that is what makes Codex ask the user.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

from tests.realcli.fakes.base import JSON, MAIN, Failure, FakeModelServer, Reply, Request, Response, ShellCall, Text

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_fake{next(_ids):08d}"


class FakeOpenAI(FakeModelServer):
    name = "fake-openai"
    title = "Fake thread title"

    @property
    def base_url(self) -> str:
        """What a provider's `base_url` wants: the server with `/v1`."""
        return f"{self.url}/v1"

    def classify(self, request: Request) -> str:
        if request.method != "POST" or not request.path.rstrip("/").endswith("/responses"):
            return "other"
        body = request.json if isinstance(request.json, dict) else {}
        metadata = next((v for k, v in request.headers.items() if k.lower() == "x-codex-turn-metadata"), "")
        try:
            source = json.loads(metadata).get("thread_source") if metadata else None
        except (ValueError, AttributeError):
            source = None
        schema = ((body.get("text") or {}).get("format") or {}).get("schema") or {}
        if source == "thread_title" or (not body.get("tools") and set(schema.get("properties") or {}) == {"title"}):
            return "title"
        return MAIN

    def user_text(self, request: Request) -> str | None:
        """The last input item's text when it is a user message (a turn that continues after a tool call
        ends with the call's output instead)."""
        items = request.json.get("input", []) if isinstance(request.json, dict) else []
        if not items or items[-1].get("type") != "message" or items[-1].get("role") != "user":
            return None
        return "".join(str(c.get("text", "")) for c in items[-1].get("content", []) if isinstance(c, dict))

    def respond(self, request: Request, reply: Reply | None) -> Response:
        if request.kind == "title":
            reply = Text((json.dumps({"title": self.title}),))
        elif reply is None:
            return Response(status=404, document={"error": {"message": f"no route {request.path}"}})
        if isinstance(reply, Failure):
            return Response(status=reply.status, document={"error": {"message": reply.message, "type": "server_error"}})
        body: JSON = request.json if isinstance(request.json, dict) else {}
        return Response(frames=((delay, _frame(event)) for delay, event in _events(body, reply)))


def _events(request: JSON, reply: Text | ShellCall) -> Iterator[tuple[float, JSON]]:
    base = {"id": _id("resp"), "object": "response", "created_at": int(time.time()), "model": request.get("model")}
    yield 0.0, {"type": "response.created", "response": {**base, "status": "in_progress", "output": []}}
    output: list[JSON] = []
    if isinstance(reply, Text):
        item_id = _id("msg")
        added = {"type": "message", "id": item_id, "role": "assistant", "status": "in_progress", "content": []}
        yield 0.0, {"type": "response.output_item.added", "output_index": 0, "item": added}
        for delay, chunk in reply.delays():
            delta = {"item_id": item_id, "output_index": 0, "content_index": 0, "delta": chunk}
            yield delay, {"type": "response.output_text.delta", **delta}
        content = [{"type": "output_text", "text": reply.text, "annotations": []}]
        item: JSON = {"type": "message", "id": item_id, "role": "assistant", "status": "completed", "content": content}
        output.append(item)
        yield 0.0, {"type": "response.output_item.done", "output_index": 0, "item": item}
    else:
        arguments: dict[str, Any] = {
            "cmd": reply.command,
            "sandbox_permissions": "require_escalated",
            "justification": reply.justification,
        }
        call: JSON = {
            "type": "function_call",
            "id": _id("fc"),
            "call_id": _id("call"),
            "name": "exec_command",
            "arguments": json.dumps(arguments),
            "status": "completed",
        }
        yield 0.0, {"type": "response.output_item.added", "output_index": 0, "item": {**call, "arguments": ""}}
        output.append(call)
        yield 0.0, {"type": "response.output_item.done", "output_index": 0, "item": call}
    usage = {
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 10,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 110,
    }
    done = {**base, "status": "completed", "output": output, "usage": usage}
    yield 0.0, {"type": "response.completed", "response": done}


def _frame(event: JSON) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
