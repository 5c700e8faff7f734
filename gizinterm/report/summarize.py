"""`--summarize-with CMD`: let any command write an employee's line, falling back to the composed one.

No provider is built in: the command is whatever the operator names (an LLM CLI reading a prompt on
stdin, a script, `sh -c '…'`). Each employee's prompt and tasks go to its stdin; its stdout, made one
printable line, becomes the summary. A command that exits non-zero, prints nothing or outlives the
timeout is not an error for the report: that employee keeps the composed line and the caller is told
why (the CLI says so on stderr). A command that cannot start at all fails alike for everyone, so it is
found once (before any employee, or at the first failed start) and reported once, as CannotStart.
Task text only ever travels on stdin, never in argv.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shlex
import shutil
import signal
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gizinterm.ground.errors import UsageError
from gizinterm.report.clean import capitalise, printable_line
from gizinterm.report.model import NextMove, NextMoveRow, Summary, long_date

MAX_SUMMARY = 2000  # characters kept from a command's answer: a runaway command cannot flood the report


@dataclass(frozen=True)
class Fallback:
    """An employee whose line was composed because the command did not give one."""

    agent: str
    name: str
    reason: str


class CannotStart(Exception):
    """The command could not be started, so no employee can get a line from it; the message says why."""


def parse_command(command: str) -> list[str]:
    """The command line split like a shell would (quotes honoured, no pipes or variables)."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"--summarize-with: cannot parse {command!r}: {exc}") from None
    if not argv:
        raise UsageError("--summarize-with: the command is empty")
    return argv


def prompt_for(report: NextMove, row: NextMoveRow) -> str:
    person = row.person
    about = ", ".join(x for x in (person.role, person.department) if x)
    who = f"{person.name} ({about})" if about else person.name
    lines = [
        f"Summarise in one line, in the style of a company newsletter, what {who} did on "
        f"{long_date(report.day)}. Use short clauses joined by semicolons. Reply with the line only.",
        "",
    ]
    lines += [f"- {printable_line(t.text)}" + (" (blocked)" if t.status == "blocked" else "") for t in row.tasks]
    return "\n".join(lines) + "\n"


def check_startable(argv: list[str]) -> None:
    """Raise CannotStart when argv[0] is no executable file (as PATH resolves it, like exec would)."""
    if shutil.which(argv[0]) is None:
        where = "no such executable file" if os.sep in argv[0] else "not found on PATH"
        raise CannotStart(f"cannot run {argv[0]}: {where}")


def run_one(argv: list[str], prompt: str, timeout: float, env: dict[str, str]) -> tuple[str | None, str]:
    """(summary, "") on success, else (None, why it failed); CannotStart when it could not be started."""
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its own process group, so a timeout kills its children too
        )
    except OSError as exc:
        raise CannotStart(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(prompt, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        return None, f"timed out after {timeout:g}s"
    if proc.returncode != 0:
        detail = printable_line(err)[:200]
        return None, f"exited with status {proc.returncode}" + (f": {detail}" if detail else "")
    line = printable_line(out)[:MAX_SUMMARY]
    if not line:
        return None, "printed nothing"
    return capitalise(line), ""


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may finish between the timeout and the kill
        os.killpg(proc.pid, signal.SIGKILL)


def summarize(report: NextMove, command: str, timeout: float, jobs: int = 4) -> tuple[NextMove, list[Fallback]]:
    """The report with each line written by `command` where it succeeded; the fallbacks, in row order.

    Raises CannotStart (even on an empty day, so a typo is caught before the night it matters) when the
    command cannot be started; then every employee keeps the composed line."""
    argv = parse_command(command)
    check_startable(argv)
    stopped = threading.Event()  # set at the first failed start: the other employees need not try

    def one(row: NextMoveRow) -> tuple[NextMoveRow, Fallback | None]:
        if stopped.is_set():
            return row, None
        env = {
            **os.environ,
            "GIZIN_REPORT_AGENT": row.person.id,
            "GIZIN_REPORT_NAME": row.person.name,
            "GIZIN_REPORT_DATE": report.day.isoformat(),
        }
        try:
            text, reason = run_one(argv, prompt_for(report, row), timeout, env)
        except CannotStart:
            stopped.set()
            raise
        if text is None:
            return row, Fallback(row.person.id, row.person.name, reason)
        return dataclasses.replace(row, summary=Summary(text=text, source="command")), None

    if not report.rows:
        return report, []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(report.rows)))) as pool:
        futures = [pool.submit(one, row) for row in report.rows]
    failed = next((f.exception() for f in futures if f.exception() is not None), None)
    if failed is not None:
        raise failed
    results = [f.result() for f in futures]
    rows = tuple(row for row, _ in results)
    fallbacks = [fb for _, fb in results if fb is not None]
    return dataclasses.replace(report, rows=rows), fallbacks
