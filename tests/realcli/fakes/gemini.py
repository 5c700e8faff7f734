"""Fake Gemini API (generativelanguage v1beta) for the Gemini CLI (measured against 0.61.0).

Point the CLI at it with `GOOGLE_GEMINI_BASE_URL=<url>`, `GEMINI_API_KEY=<anything>` and
`security.auth.selectedType = "gemini-api-key"` in `~/.gemini/settings.json`. The conversation is
`POST /v1beta/models/<model>:streamGenerateContent?alt=sse` with a `tools` list; the CLI also makes side
calls of its own (`generateContent` with a JSON schema for routing, next-speaker and loop checks; streamed
calls without tools; token counts). Those get harmless fixed answers and never take a scripted reply.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from tests.realcli.fakes.base import JSON, MAIN, Failure, FakeModelServer, Reply, Request, Response, ShellCall, Text

MODELS = ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite")


class FakeGemini(FakeModelServer):
    name = "fake-gemini"

    def classify(self, request: Request) -> str:
        method = request.path.rsplit(":", 1)[-1] if ":" in request.path else ""
        body = request.json if isinstance(request.json, dict) else {}
        if request.method == "POST" and method == "streamGenerateContent":
            return MAIN if body.get("tools") else "side-stream"
        return {"generateContent": "side", "countTokens": "count"}.get(method, "other")

    def user_text(self, request: Request) -> str | None:
        """The last text part of the last content when it is the user's words, not a function response;
        the CLI's own `<session_context>` part is left out."""
        contents = request.json.get("contents", []) if isinstance(request.json, dict) else []
        if not contents or contents[-1].get("role") != "user":
            return None
        parts = [p for p in contents[-1].get("parts", []) if isinstance(p, dict)]
        if any("functionResponse" in p for p in parts):
            return None
        texts = [str(p["text"]) for p in parts if "text" in p and not str(p["text"]).startswith("<session_context>")]
        # After a cancelled tool call Gemini sends the unanswered prompt and the next one as two parts of
        # one user turn: the last part is what the user just said.
        return texts[-1] if texts else None

    def respond(self, request: Request, reply: Reply | None) -> Response:
        model = request.path.split("/models/", 1)[-1].split(":", 1)[0] if "/models/" in request.path else "fake"
        if request.kind == "side-stream":
            return Response(frames=_frames(Text(("OK",)), model))
        if request.kind == "side":
            return Response(document=_chunk([{"text": _side_answer(request)}], "STOP", model))
        if request.kind == "count":
            return Response(document={"totalTokens": max(1, len(request.body) // 4)})
        if reply is None:
            if request.method == "GET" and request.path.rstrip("/").endswith("/models"):
                return Response(document={"models": [{"name": f"models/{m}", "displayName": m} for m in MODELS]})
            return Response(status=404, document={"error": {"code": 404, "message": f"no route {request.path}"}})
        if isinstance(reply, Failure):
            error = {"error": {"code": reply.status, "message": reply.message, "status": "INTERNAL"}}
            return Response(status=reply.status, document=error)
        return Response(frames=_frames(reply, model))


def _side_answer(request: Request) -> str:
    """A well-formed answer to the CLI's utility calls: it asks for JSON matching a schema."""
    config = (request.json or {}).get("generationConfig") or {} if isinstance(request.json, dict) else {}
    schema = json.dumps(config.get("responseJsonSchema") or config.get("responseSchema") or {})
    if "next_speaker" in schema:
        return json.dumps({"reasoning": "fake", "next_speaker": "user"})
    if "complexity_score" in schema:
        return json.dumps({"complexity_reasoning": "fake", "complexity_score": 10})
    if "model_choice" in schema:
        return json.dumps({"reasoning": "fake", "model_choice": "flash"})
    return "{}" if config.get("responseMimeType") == "application/json" else "OK"


def _frames(reply: Text | ShellCall, model: str) -> Iterator[tuple[float, bytes]]:
    if isinstance(reply, Text):
        pieces = list(reply.delays())
        for index, (delay, chunk) in enumerate(pieces):
            last = index == len(pieces) - 1
            yield delay, _frame(_chunk([{"text": chunk}], "STOP" if last else None, model))
        return
    parts: list[JSON] = [{"text": reply.preface}] if reply.preface else []
    parts.append({"functionCall": {"name": "run_shell_command", "args": {"command": reply.command}}})
    yield 0.0, _frame(_chunk(parts, "STOP", model))


def _chunk(parts: list[JSON], finish: str | None, model: str) -> JSON:
    candidate: JSON = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    usage = {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15}
    reply_id = f"fake-{time.time_ns()}"
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model, "responseId": reply_id}


def _frame(chunk: JSON) -> bytes:
    return b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n"
