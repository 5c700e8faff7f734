"""Just enough of three providers' streaming APIs for one tool call and one closing answer.

Anthropic Messages (`POST /v1/messages`, SSE), the OpenAI Responses API as Codex uses it
(`POST /v1/responses`, SSE) and Gemini's `streamGenerateContent?alt=sse`, in the shapes the real CLIs
accept (measured against Claude Code 2.1.197, Codex 0.171.0, Gemini CLI 0.61.0). Each provider says
which requests are the agent's conversation (`is_turn`), what it answers (`answer`), and whether a turn
carries back the result of the canary call (`tool_result`): the CLI telling its model the tool was denied.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]
CALL_ID = "gizin_canary_call"
Frames = Iterator[bytes]


def _sse(name: str | None, data: JSON) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


# --- Anthropic ---------------------------------------------------------------------------------------
def anthropic_is_turn(path: str, body: JSON) -> bool:
    """The conversation always carries tools; a title request does not."""
    return path.rstrip("/").endswith("/messages") and bool(body.get("tools"))


def anthropic_answer(body: JSON, command: str | None, text: str) -> Frames:
    model = str(body.get("model", "canary"))
    usage = {"input_tokens": 1, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    message = {"id": f"msg_{time.time_ns()}", "type": "message", "role": "assistant", "model": model, "content": []}

    def event(name: str, data: JSON) -> bytes:
        return _sse(name, {"type": name, **data})

    yield event("message_start", {"message": {**message, "stop_reason": None, "usage": usage}})
    if command is None:
        yield event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        yield event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}})
        stop = "end_turn"
    else:
        tool = {"type": "tool_use", "id": CALL_ID, "name": "Bash", "input": {}}
        arguments = json.dumps({"command": command, "description": "gizin guard selftest canary"})
        yield event("content_block_start", {"index": 0, "content_block": tool})
        yield event(
            "content_block_delta", {"index": 0, "delta": {"type": "input_json_delta", "partial_json": arguments}}
        )
        stop = "tool_use"
    yield event("content_block_stop", {"index": 0})
    yield event("message_delta", {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": 1}})
    yield event("message_stop", {})


def anthropic_title(body: JSON) -> Frames:
    return anthropic_answer(body, None, json.dumps({"title": "gizin selftest", "isNewTopic": False}))


def anthropic_tool_result(body: JSON) -> str | None:
    for message in body.get("messages", []):
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_result" and block.get("tool_use_id") == CALL_ID:
                return json.dumps(block.get("content"))[:500]
    return None


# --- OpenAI Responses (Codex) ------------------------------------------------------------------------
def openai_is_turn(path: str, body: JSON, headers: dict[str, str]) -> bool:
    """Codex's thread-title request names itself in its turn metadata, and has no tools."""
    metadata = next((v for k, v in headers.items() if k.lower() == "x-codex-turn-metadata"), "")
    return path.rstrip("/").endswith("/responses") and "thread_title" not in metadata and bool(body.get("tools"))


def openai_answer(body: JSON, command: str | None, text: str) -> Frames:
    base = {
        "id": f"resp_{time.time_ns()}",
        "object": "response",
        "created_at": int(time.time()),
        "model": body.get("model"),
    }

    def event(data: JSON) -> bytes:
        return _sse(data["type"], data)

    yield event({"type": "response.created", "response": {**base, "status": "in_progress", "output": []}})
    item: JSON
    if command is None:
        content = [{"type": "output_text", "text": text, "annotations": []}]
        item = {"type": "message", "id": "msg_canary", "role": "assistant", "status": "completed", "content": content}
    else:
        tool, arguments = _codex_shell(body, command)
        item = {"type": "function_call", "id": "fc_canary", "call_id": CALL_ID, "name": tool, "status": "completed"}
        item["arguments"] = json.dumps(arguments)
    yield event({"type": "response.output_item.added", "output_index": 0, "item": item})
    yield event({"type": "response.output_item.done", "output_index": 0, "item": item})
    usage = {
        "input_tokens": 1,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 1,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 2,
    }
    done = {**base, "status": "completed", "output": [item], "usage": usage}
    yield event({"type": "response.completed", "response": done})


def _codex_shell(body: JSON, command: str) -> tuple[str, JSON]:
    """Codex's shell tool as this request offers it: `exec_command` (0.171), else the older `shell`."""
    names = {str(t.get("name")) for t in body.get("tools", []) if isinstance(t, dict)}
    if "exec_command" in names or "shell" not in names:
        return "exec_command", {"cmd": command}
    return "shell", {"command": ["/bin/sh", "-c", command]}


def openai_title(body: JSON) -> Frames:
    return openai_answer(body, None, json.dumps({"title": "gizin selftest"}))


def openai_tool_result(body: JSON) -> str | None:
    for item in body.get("input", []):
        if isinstance(item, dict) and item.get("type") == "function_call_output" and item.get("call_id") == CALL_ID:
            return json.dumps(item.get("output"))[:500]
    return None


# --- Gemini ------------------------------------------------------------------------------------------
def gemini_is_turn(path: str, body: JSON) -> bool:
    return path.endswith(":streamGenerateContent") and bool(body.get("tools"))


def gemini_chunk(parts: list[JSON], model: str) -> JSON:
    candidate = {"content": {"role": "model", "parts": parts}, "index": 0, "finishReason": "STOP"}
    usage = {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model, "responseId": "canary"}


def gemini_answer(model: str, command: str | None, text: str) -> Frames:
    part: JSON = {"text": text}
    if command is not None:
        part = {"functionCall": {"name": "run_shell_command", "args": {"command": command}}}
    yield b"data: " + json.dumps(gemini_chunk([part], model)).encode() + b"\r\n\r\n"


def gemini_side(body: JSON) -> str:
    """An answer to the CLI's own utility calls (routing, next speaker): JSON matching their schema."""
    config = body.get("generationConfig") or {}
    schema = json.dumps(config.get("responseJsonSchema") or config.get("responseSchema") or {})
    if "next_speaker" in schema:
        return json.dumps({"reasoning": "done", "next_speaker": "user"})
    if "complexity_score" in schema:
        return json.dumps({"complexity_reasoning": "trivial", "complexity_score": 1})
    if "model_choice" in schema:
        return json.dumps({"reasoning": "trivial", "model_choice": "flash"})
    return "{}" if config.get("responseMimeType") == "application/json" else "OK"


def gemini_tool_result(body: JSON) -> str | None:
    for content in body.get("contents", []):
        for part in content.get("parts", []) if isinstance(content, dict) else []:
            response = part.get("functionResponse") if isinstance(part, dict) else None
            if isinstance(response, dict) and response.get("name") == "run_shell_command":
                return json.dumps(response.get("response"))[:500]
    return None
