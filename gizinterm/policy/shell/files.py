"""The files a command line touches: what it reads (payloads, scripts, what it wrote itself earlier in the
line) and whether it would write, or link to, a file the guard protects (hook settings, the office policy).
"""

from __future__ import annotations

import os

from gizinterm.policy.shell.state import Denied, ReaderState
from gizinterm.policy.shlex_static import HOLE, Word

MAX_FILE = 1_000_000  # bytes of a payload or script file read for recipients


class FileAccess(ReaderState):
    def _read_file(self, path: str, *, run: bool = False) -> str | None:
        """A file's text (bounded), or what this command line wrote to it; None when unknown. `run`: the
        command executes it, so unknown content written by this line makes the verdict `ask`."""
        if not path or HOLE in path:
            return None
        full = os.path.normpath(os.path.join(self.cwd, os.path.expanduser(path)))
        if full in self.written:
            content = self.written[full]
            if content is None and run:
                self.asks.append(f"{path} is written and used in the same command; its content is unknown")
            return content
        try:
            with open(full, "rb") as handle:
                data = handle.read(MAX_FILE)
        except OSError:
            return None
        return data.decode("utf-8", "surrogateescape")

    def _protected(self, path: str, program: str, allow_options: bool = False, code: bool = False) -> None:
        if allow_options and path.startswith("-"):
            path = path.partition("=")[2]
        if not path:
            return
        value = path.partition("=")[2]
        why = self.protect.why(path, self.cwd) or (self.protect.why(value, self.cwd) if value else None)
        if why:
            raise Denied("guard: protected file", path, path, f"{program} would change {why}")
        named = self.protect.mentioned(path, code=code)
        if named:
            reason = f"{program} is given {named}, which holds agent hook settings or the office's policy"
            raise Denied("guard: protected file", path[:200], named, reason)
        name = self.protect.unknown_place(path) or (self.protect.unknown_place(value) if value else None)
        if name:
            shown = path.replace(HOLE, "…")[:80]
            self.asks.append(f"{program} writes {name} in a folder only known at run time ({shown})")

    def _link(self, args: list[Word]) -> None:
        """`ln -s . o` makes every protected file writable as `o/agents.toml` later in the same line, before
        any link exists for the path check to resolve: a link to the office, one of its ancestors or a
        protected folder is denied."""
        if any(w.dynamic for w in args):
            self.asks.append("ln to a place only known at run time")
        operands = [w.text for w in args if not w.text.startswith("-") and HOLE not in w.text]
        link_dir = os.path.dirname(os.path.join(self.cwd, operands[-1])) if len(operands) > 1 else self.cwd
        for text in operands[:-1] or operands:
            for base in {self.cwd, link_dir}:
                why = self.protect.link_target(os.path.join(base, os.path.expanduser(text)))
                if why:
                    raise Denied("guard: protected file", text, text, f"ln would make {why} reachable by another name")
