"""What every part of the shell reader shares: the verdict it raises, the state it keeps while it reads
one command line, and how a matcher hit becomes a denial.

The reader is one object split by subject across this package (files, network programs, programs that
run other programs, the walker); each part is a layer on the one below, and this is the bottom one.
"""

from __future__ import annotations

import os
import re

from gizinterm.policy.match import Hit, Matcher
from gizinterm.policy.protect import Protected
from gizinterm.policy.shlex_static import HOLE, Command, Word

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms on the guard's path)

MAX_DEPTH = 8


class Denied(Exception):
    def __init__(self, rule: str, given: str, normalized: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.given = given
        self.normalized = normalized
        self.reason = reason


def program_name(word: Word) -> str:
    name = os.path.basename(word.text)
    name = re.sub(r"[0-9.]+$", "", name) if name.startswith(("python", "pip", "ruby", "perl", "php", "lua")) else name
    return name.lower() if name.isascii() else name


class ReaderState:
    """The matcher and protected files to check against, and what this command line has set so far."""

    def __init__(self, matcher: Matcher, protect: Protected, cwd: str, *, deny_all: str | None = None) -> None:
        self.m = matcher
        self.protect = protect
        self.cwd = cwd
        self.deny_all = deny_all  # set for an agent with outbound = "deny": the rule to cite
        self.vars: dict[str, str] = {}
        self.written: dict[str, str | None] = {}  # files written earlier in this command line
        self.asks: list[str] = []
        self.count = 0

    def _scan(self, text: str, given: str) -> None:
        hit = self.m.text(text)
        if hit:
            self._deny(hit)

    def _scan_if_url(self, word: Word) -> None:
        if "://" in word.text:
            self._scan(word.text.replace(HOLE, " "), word.text)

    def _deny(self, hit: Hit) -> None:
        raise Denied(hit.rule, hit.given, hit.normalized, f"blocked by {hit.rule} ({hit.given})")

    if TYPE_CHECKING:  # defined by the walker (ShellReader); the layers below it call back into it

        def read(self, source: str, depth: int = 0) -> None: ...

        def _pipeline_walk(self, commands: list[Command], depth: int) -> None: ...
