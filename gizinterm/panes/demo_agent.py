"""The bundled demo AI employee, so the example office runs where no AI CLI is installed.

It behaves enough like a real agent CLI for everything around it to be exercised for real: an idle
prompt the status profiles recognise, visible "working" output, a permission prompt on request, bracketed
paste, and tasks recorded through the real `gizin log` path. It imports only the stdlib.
"""

from __future__ import annotations

import codecs
import os
import random
import re
import select
import subprocess
import sys
import time
from collections.abc import Callable

PROMPT_SUFFIX = "demo> "
WORKING_LINE = "  · working"
PERMISSION_PROMPT = "Do you want to proceed? [y/n] "
PASTE_ON, PASTE_OFF = "\x1b[?2004h", "\x1b[?2004l"
FRAME = re.compile(r"^\[gizin #(\d+) from ([^\]]+)\]\s?")

TASKS: dict[str, list[str]] = {
    "Executive Office": [
        "prepared the CEO daily report",
        "coordinated a cross-departmental policy change",
        "summarised open decisions for the CEO",
    ],
    "Strategy": ["drafted a new sales scenario", "reviewed competitor moves", "led a three-way strategy discussion"],
    "Finance": ["reconciled this month's AI provider costs", "modelled a multi-provider budget"],
    "Technology": [
        "fixed a flaky delivery retry",
        "reviewed the outbound blocklist rules",
        "tuned the tmux grid layout",
        "resolved an infrastructure alert",
    ],
    "Public Relations": ["published X posts", "analysed reply performance", "drafted a press note"],
    "Editorial": ["edited the next Dispatch issue", "proofread a feature article", "translated a section"],
    "Legal": ["drafted contract clauses", "reviewed trademark classes"],
    "Design": ["optimised icon images", "refreshed the shared design assets"],
    "Product Planning": ["drafted a product proposal", "set quality standards for a skill"],
    "Sales": ["reviewed deal patterns", "sent a client proposal", "followed up with a prospect"],
}
GENERIC = ["answered colleagues' questions", "cleaned up notes", "reviewed yesterday's work"]


class DemoAgent:
    def __init__(self, agent: str, name: str, department: str, work_seconds: float, log_every: float) -> None:
        self.agent = agent
        self.name = name
        self.department = department
        self.work_seconds = work_seconds
        self.log_every = log_every
        self.last_log = time.monotonic()
        self.out = sys.stdout

    # --- output -------------------------------------------------------------------------------
    def write(self, text: str) -> None:
        self.out.write(text.replace("\n", "\r\n") if self.raw else text)
        self.out.flush()

    @property
    def prompt(self) -> str:
        return f"{self.agent} {PROMPT_SUFFIX}"

    # --- behaviour ------------------------------------------------------------------------------
    def handle(self, message: str, read_key: Callable[[], str] | None) -> None:
        shown = "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in message)
        frame = FRAME.match(message)
        self.write(f'\n{self.name} received ({len(message)} chars): "{shown}"\n')
        if "/ask" in message and read_key is not None:
            self.write(PERMISSION_PROMPT)
            answer = read_key()
            self.write(f"{answer}\n")
            if answer.lower() != "y":
                self.write("Cancelled.\n")
                return
        self.work()
        self.write(f'{self.name}: done with "{shown[:60]}"\n')
        problems = [self.run_gizin(["ack", frame.group(1)])] if frame else []
        if os.environ.get("GIZIN_DEMO_LOG_MESSAGES", "1") == "1":
            problems.append(
                self.log_task(f"handled a request: {shown.splitlines()[0][:80] if shown else 'empty message'}")
            )
        for problem in problems:
            if problem:
                self.write(problem + "\n")

    def work(self) -> None:
        deadline = time.monotonic() + self.work_seconds
        step = 0
        while time.monotonic() < deadline:
            step += 1
            self.write(f"{WORKING_LINE} {'.' * (step % 4 + 1)} ({step})\n")
            time.sleep(0.25)

    def tick(self) -> str | None:
        """Idle behaviour: now and then, record a plausible task as a real employee would.
        Returns a line to show when that failed; a success leaves the screen (and the prompt) alone."""
        if self.log_every > 0 and time.monotonic() - self.last_log >= self.log_every:
            choices = TASKS.get(self.department, GENERIC)
            return self.log_task(random.choice(choices))
        return None

    def log_task(self, text: str) -> str | None:
        self.last_log = time.monotonic()
        return self.run_gizin(["log", "--quiet", "--agent", self.agent, text])

    def run_gizin(self, args: list[str]) -> str | None:
        """Run a gizin command as the agent would; the reason it failed, or None."""
        try:
            result = subprocess.run(
                [sys.executable, "-m", "gizinterm", *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"  (gizin {args[0]} failed: {exc})"
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return f"  (gizin {args[0]} failed: {reason})"
        return None

    raw = False

    # --- input loops ----------------------------------------------------------------------------
    def run_lines(self) -> int:
        """Line mode, for pipes: one message per line."""
        self.write(self.prompt)
        for line in sys.stdin:
            message = line.rstrip("\n")
            if message.strip():
                self.handle(message, None)
            self.write(self.prompt)
        return 0

    def run_tty(self) -> int:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        mode = termios.tcgetattr(fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO)  # we echo and edit ourselves; ISIG stays on for C-c
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        self.raw = False
        self.write(PASTE_ON)
        try:
            return self._loop(fd)
        finally:
            self.write(PASTE_OFF)
            termios.tcsetattr(fd, termios.TCSANOW, saved)

    def _loop(self, fd: int) -> int:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending: list[str] = []
        buf, esc, in_paste = "", "", False

        def read_chars(timeout: float | None) -> bool:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return True
            data = os.read(fd, 4096)
            if not data:
                return False
            pending.extend(decoder.decode(data))
            return True

        def read_key() -> str:
            while True:
                while pending:
                    ch = pending.pop(0)
                    if ch.isprintable():
                        return ch
                if not read_chars(None):
                    return "n"

        self.write(f"{self.name} ({self.agent}) is ready. Type a message; Ctrl-D quits.\n" + self.prompt)
        while True:
            try:
                if not pending:
                    if not read_chars(1.0):
                        return 0
                    if not pending:
                        note = self.tick()
                        if note:  # say it on its own line, then give back the prompt and what was typed
                            self.write("\r\x1b[K" + note + "\n" + self.prompt + buf)
                        continue
                ch = pending.pop(0)
                if esc:
                    esc += ch
                    if esc == "\x1b[200~":
                        in_paste, esc = True, ""
                    elif esc == "\x1b[201~":
                        in_paste, esc = False, ""
                    elif len(esc) > 1 and (esc[1] != "[" or (len(esc) > 2 and "@" <= ch <= "~")):
                        esc = ""
                    continue
                if ch == "\x1b":
                    esc = ch
                elif in_paste:
                    buf += ch
                    self.write("\r\n" if ch == "\n" else ch)
                elif ch in "\r\n":
                    message, buf = buf, ""
                    if message.strip():
                        self.handle(message, read_key)
                    else:
                        self.write("\n")
                    self.write(self.prompt)
                elif ch in "\x7f\x08":
                    if buf:
                        buf = buf[:-1]
                        self.write("\b \b")
                elif ch == "\x04" and not buf:
                    self.write("\nbye\n")
                    return 0
                elif ch == "\x15":
                    buf = ""
                    self.write("\r\x1b[K" + self.prompt)
                elif ch.isprintable():
                    buf += ch
                    self.write(ch)
            except KeyboardInterrupt:
                buf, esc, in_paste = "", "", False
                self.write("^C\n" + self.prompt)


def _identity(agent: str | None) -> tuple[str, str, str]:
    """(id, display name, department), from the roster when it can be read."""
    agent_id = agent or os.environ.get("GIZIN_AGENT") or "demo"
    try:
        from gizinterm.ground.paths import find_roster
        from gizinterm.office.roster import load_roster

        roster = load_roster(find_roster())
        found = roster.agent(agent_id)
        return found.id, found.name, found.department
    except Exception:  # a demo without an office still runs, under its bare id
        return agent_id, agent_id.capitalize(), ""


def run(agent: str | None, work_seconds: float, log_every: float) -> int:
    """Run as `agent` (default: GIZIN_AGENT): interactively at a terminal, else line by line."""
    agent_id, name, department = _identity(agent)
    demo = DemoAgent(agent_id, name, department, work_seconds, log_every)
    if sys.stdin.isatty():
        return demo.run_tty()
    return demo.run_lines()
