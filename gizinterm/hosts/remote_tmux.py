"""tmux on another host: the same chained invocation as here, sent through the host's SSH connection.

`RemoteTmuxServer` is a `TmuxServer` whose one process per call is `ssh … tmux -L <socket> <chain>`
instead of `tmux -L <socket> <chain>`, so bring-up, status, capture and paste run unchanged against a
remote host: one round trip per tmux invocation. Each argv word is shell-quoted for the remote shell
(on top of tmux's own `;` escaping), so no roster value or message can become a shell word there.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from gizinterm.ground.errors import TmuxError
from gizinterm.hosts.link import COMMAND_TIMEOUT, Link
from gizinterm.panes.tmux import MIN_VERSION, TmuxServer, parse_version


class RemoteTmuxServer(TmuxServer):
    """The office's tmux server (same `-L` socket name) on the host behind `link`."""

    def __init__(self, link: Link, socket: str | None = None, *, timeout: float = COMMAND_TIMEOUT) -> None:
        super().__init__(socket)
        self.link = link
        self.timeout = timeout  # per round trip: QUICK_TIMEOUT for a status refresh (see hosts.link)
        self.version: tuple[int, int] | None = None
        self.missing_dirs: set[str] | None = None  # set by hosts.prepare's round trip before `up`

    @property
    def name(self) -> str:
        return f"{super().name} on {self.link.host.name}"

    def argv(self, args: Sequence[str]) -> list[str]:
        """`-u`: an SSH session often has no UTF-8 locale, and tmux then sanitises what it prints for
        the client, turning the field separator of pane listings (0x1f) into '_'."""
        base = super().argv(args)
        return [base[0], "-u", *base[1:]]

    def _spawn(
        self, argv: list[str], data: bytes | None, env: Mapping[str, str] | None
    ) -> subprocess.CompletedProcess[bytes]:
        prefix = ""
        path = (env or {}).get("PATH")
        if path:  # tmux gives new panes its CLIENT's PATH (see panes.seat.client_path): set it there
            prefix = f"PATH={shlex.quote(path)} "
        if len(argv) >= 2 and argv[-2] == "source-file" and Path(argv[-1]).is_file():
            # A chain too long for one tmux message went to a local command file: ship its text and
            # source it there from a private temporary file, still one round trip.
            script = Path(argv[-1]).read_text(encoding="utf-8")
            tmux = " ".join(shlex.quote(w) for w in argv[:-1])
            command = (
                f't=$(mktemp) || exit 1; printf %s {shlex.quote(script)} >"$t"; '
                f'{prefix}{tmux} "$t"; r=$?; rm -f "$t"; exit $r'
            )
        else:
            command = prefix + " ".join(shlex.quote(w) for w in argv)
        return self.link.run_shell(command, input=data, timeout=self.timeout)

    def require(self) -> tuple[int, int]:
        """tmux's version on the host (asked once per handle), refused when missing or too old."""
        if self.version is None:
            proc = self.link.run_shell(f"{shlex.quote(self.binary)} -V", timeout=self.timeout)
            if proc.returncode != 0:
                raise TmuxError(f"{self.link.where()}: tmux is not installed there")
            self.version = parse_version(proc.stdout.decode("utf-8", "replace"))
        if self.version < MIN_VERSION:
            raise TmuxError(f"{self.link.where()}: tmux {self.version} is too old (gizinterm needs 3.2+)")
        return self.version

    def has_dir(self, path: Path) -> bool:
        """Whether the cwd exists there: known from `hosts.prepare`'s one round trip for all the host's
        agents when it ran, else asked now (one round trip for this folder)."""
        if self.missing_dirs is not None:
            return str(path) not in self.missing_dirs
        proc = self.link.run(["test", "-d", str(path)], timeout=self.timeout)
        return proc.returncode == 0
