"""Make real session files: each agent CLI run headless against a fake model server that reports known,
distinctive usage per request, so the ledger's totals can be checked against what the "provider" billed.

Used by the real-CLI ingest tests and, run as a script, to refresh the fixtures under
tests/fixtures/usage/<kind>/<version>/:

    .venv/bin/python -m tests.realcli.usage_record OUT_DIR

Every request gets usage derived from its sequence number (`usage_for`), and the fake remembers what it
reported (`billed`), main turns and the CLI's side requests alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.helpers import base_env
from tests.realcli.fakes.anthropic import FakeAnthropic
from tests.realcli.fakes.base import JSON, Failure, Reply, Request, Response, ShellCall, text
from tests.realcli.fakes.gemini import FakeGemini
from tests.realcli.fakes.openai import FakeOpenAI
from tests.realcli.harness import (
    FAKE_KEYS,
    SCRUBBED_PREFIXES,
    clis_bin,
    pinned_versions,
    seed_claude,
    seed_codex,
    seed_gemini,
)


def usage_for(seq: int) -> dict[str, int]:
    """Provider-neutral numbers for request `seq`: every field distinct and non-zero."""
    return {
        "input": 1000 + seq * 7,
        "cache_read": 200 + seq * 11,
        "cache_write": 30 + seq * 3,
        "output": 40 + seq * 5,
        "reasoning": 4 + seq,
    }


class _Billing:
    """Rewrites the usage in a fake's frames and records (seq, kind, model, usage) for each request."""

    billed: list[JSON]

    def _rewrite(self, request: Request, response: Response, patch: Any) -> Response:
        numbers = usage_for(request.seq)
        self.billed.append({"seq": request.seq, "kind": request.kind, **numbers})
        if response.frames is not None:
            frames = list(response.frames)
            response.frames = [(delay, patch(frame, numbers)) for delay, frame in frames]
        elif isinstance(response.document, dict):
            response.document = json.loads(patch(b"data: " + json.dumps(response.document).encode(), numbers)[6:])
        return response


def _map_data(frame: bytes, change: Any) -> bytes:
    """Apply `change` to the JSON on an SSE frame's `data:` line."""
    lines = frame.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"data: "):
            body = line[6:].rstrip(b"\r")
            end = line[6 + len(body) :]
            data = json.loads(body)
            change(data)
            lines[i] = b"data: " + json.dumps(data).encode() + end
    return b"\n".join(lines)


class BilledAnthropic(_Billing, FakeAnthropic):
    """Anthropic: message_start carries input and cache usage (output 1), message_delta the final output."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.billed = []

    def respond(self, request: Request, reply: Reply | None) -> Response:
        def patch(frame: bytes, n: dict[str, int]) -> bytes:
            def change(data: JSON) -> None:
                if data.get("type") == "message_start":
                    data["message"]["usage"] = {
                        "input_tokens": n["input"],
                        "cache_creation_input_tokens": n["cache_write"],
                        "cache_read_input_tokens": n["cache_read"],
                        "output_tokens": 1,
                    }
                elif data.get("type") == "message_delta":
                    data["usage"] = {"output_tokens": n["output"]}

            return _map_data(frame, change)

        response = super().respond(request, reply)
        if response.frames is None:
            return response
        return self._rewrite(request, response, patch)


class BilledOpenAI(_Billing, FakeOpenAI):
    """OpenAI Responses: input_tokens includes the cached part; output includes reasoning."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.billed = []

    def respond(self, request: Request, reply: Reply | None) -> Response:
        def patch(frame: bytes, n: dict[str, int]) -> bytes:
            def change(data: JSON) -> None:
                if data.get("type") == "response.completed":
                    data["response"]["usage"] = {
                        "input_tokens": n["input"] + n["cache_read"],
                        "input_tokens_details": {"cached_tokens": n["cache_read"]},
                        "output_tokens": n["output"] + n["reasoning"],
                        "output_tokens_details": {"reasoning_tokens": n["reasoning"]},
                        "total_tokens": n["input"] + n["cache_read"] + n["output"] + n["reasoning"],
                    }

            return _map_data(frame, change)

        response = super().respond(request, reply)
        if response.frames is None or response.status != 200:
            return response
        return self._rewrite(request, response, patch)


class BilledGemini(_Billing, FakeGemini):
    """Gemini: promptTokenCount includes the cached part; candidates exclude thoughts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.billed = []

    def respond(self, request: Request, reply: Reply | None) -> Response:
        def patch(frame: bytes, n: dict[str, int]) -> bytes:
            def change(data: JSON) -> None:
                if "usageMetadata" in data:
                    data["usageMetadata"] = {
                        "promptTokenCount": n["input"] + n["cache_read"],
                        "cachedContentTokenCount": n["cache_read"],
                        "candidatesTokenCount": n["output"],
                        "thoughtsTokenCount": n["reasoning"],
                        "totalTokenCount": n["input"] + n["cache_read"] + n["output"] + n["reasoning"],
                    }

            return _map_data(frame, change)

        response = super().respond(request, reply)
        if response.status != 200 or request.kind == "count":
            return response
        return self._rewrite(request, response, patch)


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base_env(home).items() if not k.startswith(SCRUBBED_PREFIXES)}
    return {**env, **extra}


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
    )


def _ok(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        raise AssertionError(f"{what} exited {result.returncode}: {result.stderr[-2000:]}\n{result.stdout[-2000:]}")


def record_claude(root: Path, retry: bool = False) -> tuple[Path, BilledAnthropic]:
    """Two prompts in one session (the second resumes it), the first with a shell-tool round-trip; with
    `retry`, the first request fails once (HTTP 529, overloaded) and the CLI retries it.
    Returns (the config folder, the fake)."""
    home, project = root / "home", root / "project"
    for path in (home, project):
        path.mkdir(parents=True, exist_ok=True)
    seed_claude(home, project, set())
    fake = BilledAnthropic(log_path=root / "claude.requests.jsonl").start()
    try:
        env = _env(
            home,
            {
                "ANTHROPIC_BASE_URL": fake.url,
                "ANTHROPIC_API_KEY": FAKE_KEYS["claude"],
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                "CLAUDE_CODE_TMPDIR": str(home / "tmp"),
                "DISABLE_AUTOUPDATER": "1",
                "DISABLE_TELEMETRY": "1",
                "DISABLE_ERROR_REPORTING": "1",
            },
        )
        binary = str(clis_bin() / "claude")
        if retry:
            fake.enqueue(Failure(529, "Overloaded"))
        fake.enqueue(ShellCall("echo tool-ran", preface="Running it."), text("Done: tool-ran."))
        first = _run([binary, "-p", "run echo", "--output-format", "json", "--allowedTools", "Bash"], project, env)
        _ok(first, "claude -p")
        session = json.loads(first.stdout)["session_id"]
        fake.enqueue(text("Second answer."))
        second = _run([binary, "-p", "again", "--resume", session, "--output-format", "json"], project, env)
        _ok(second, "claude -p --resume")
    finally:
        fake.stop()
    return home / ".claude", fake


def record_codex(root: Path) -> tuple[Path, BilledOpenAI]:
    """`codex exec` twice: a turn with a shell call, then `exec resume --last`. Returns (CODEX_HOME, fake)."""
    home, project, codex_home = root / "home", root / "project", root / "codex-home"
    for path in (home, project):
        path.mkdir(parents=True, exist_ok=True)
    fake = BilledOpenAI(log_path=root / "codex.requests.jsonl").start()
    try:
        seed_codex(codex_home, project, fake.base_url, set())
        env = _env(home, {"CODEX_HOME": str(codex_home), "FAKE_API_KEY": FAKE_KEYS["codex"]})
        binary = str(clis_bin() / "codex")
        fake.enqueue(ShellCall("echo tool-ran"), text("Done."))
        _ok(_run([binary, "exec", "--skip-git-repo-check", "run echo"], project, env), "codex exec")
        fake.enqueue(text("Second answer."))
        _ok(_run([binary, "exec", "--skip-git-repo-check", "resume", "--last", "again"], project, env), "codex resume")
    finally:
        fake.stop()
    return codex_home, fake


def record_gemini(root: Path, retry: bool = False) -> tuple[Path, BilledGemini]:
    """`gemini -p` with a shell call (yolo), then `--resume latest`; with `retry`, the first request fails
    once (HTTP 503) and the CLI retries it. Returns (the ~/.gemini folder, fake)."""
    home, project = root / "home", root / "project"
    for path in (home, project):
        path.mkdir(parents=True, exist_ok=True)
    seed_gemini(home, project, set())
    fake = BilledGemini(log_path=root / "gemini.requests.jsonl").start()
    try:
        env = _env(
            home,
            {"GEMINI_API_KEY": FAKE_KEYS["gemini"], "GOOGLE_GEMINI_BASE_URL": fake.url, "NO_BROWSER": "true"},
        )
        binary = str(clis_bin() / "gemini")
        if retry:
            fake.enqueue(Failure(503, "Unavailable"))
        fake.enqueue(ShellCall("echo tool-ran"), text("Done."))
        _ok(_run([binary, "-p", "run echo", "--yolo"], project, env), "gemini -p")
        fake.enqueue(text("Second answer."))
        _ok(_run([binary, "-p", "again", "--resume", "latest"], project, env), "gemini --resume")
    finally:
        fake.stop()
    return home / ".gemini", fake


RECORDERS: dict[str, Callable[[Path], tuple[Path, _Billing]]] = {
    "claude": record_claude,
    "codex": record_codex,
    "gemini": record_gemini,
}


def session_files(kind: str, folder: Path) -> Iterator[Path]:
    """The files the ledger reads, under the folder a recorder returned."""
    patterns = {"claude": "projects/**/*.jsonl", "codex": "sessions/**/*.jsonl", "gemini": "tmp/**/*"}
    yield from sorted(p for p in folder.glob(patterns[kind]) if p.is_file())


FIXTURE_ROOT = Path("/tmp/gizin-usage-fixture")  # the CLIs write absolute paths: one fixed place to record in


def main(out: Path) -> None:
    """Record each CLI into out/<kind>/<version>/ (session files kept at their relative paths) with
    billed.json, what the fake reported per request. The CLIs run under FIXTURE_ROOT/<kind>."""
    versions = pinned_versions()
    for kind, record in RECORDERS.items():
        work = FIXTURE_ROOT / kind
        shutil.rmtree(work, ignore_errors=True)
        folder, fake = record(work)
        target = out / kind / versions[kind]
        shutil.rmtree(target, ignore_errors=True)
        for path in session_files(kind, folder):
            dest = target / path.relative_to(folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
        (target / "billed.json").write_text(json.dumps(fake.billed, indent=1) + "\n", encoding="utf-8")
        print(kind, versions[kind], sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main(Path(sys.argv[1]))
