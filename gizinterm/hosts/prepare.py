"""Before a host's panes start: check their working folders and create each codex agent's own
CODEX_HOME there, in ONE round trip for all of the host's agents.

Why here and not through tmux: tmux would start a pane whose cwd is missing in the home folder instead
(the agent then works in the wrong place), and a codex agent whose CODEX_HOME does not exist is sent to
Codex's sign-in screen. Locally `bringup` asks `os.path.isdir` and `office.codex_home` makes the folder;
on a host one shell script does both, with the same outcome: a missing cwd is skipped with the same
message as here, a CODEX_HOME is made 0700 and, when new, seeded from the host user's own Codex
settings (CODEX_HOME, else ~/.codex there: config.toml and auth.json, copied once, mode 0600).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gizinterm.hosts.link import COMMAND_TIMEOUT, HostUnreachable, Link, last_line
from gizinterm.office.codex_home import SEEDED
from gizinterm.office.layout import PaneSpec, codex_home


@dataclass
class Prepared:
    missing_dirs: set[str] = field(default_factory=set)  # cwds that do not exist there
    refused: dict[str, str] = field(default_factory=dict)  # agent -> why it must not start (its CODEX_HOME)


def own_codex_homes(specs: Sequence[PaneSpec], office: str) -> dict[str, str]:
    """agent -> the CODEX_HOME gizin chose for it on the host (not one the operator set)."""
    homes = {}
    for spec in specs:
        own = str(codex_home(Path(office), spec.agent.id))
        if spec.agent.kind == "codex" and spec.env.get("CODEX_HOME") == own:
            homes[spec.agent.id] = own
    return homes


def script(cwds: list[str], homes: dict[str, str]) -> str:
    """Prints `missing<TAB>path` per absent cwd and `nohome<TAB>agent<TAB>why` per CODEX_HOME it cannot make."""
    words = " ".join(shlex.quote(c) for c in cwds)
    lines = [f'for d in {words}; do [ -d "$d" ] || printf \'missing\\t%s\\n\' "$d"; done']
    if homes:
        seeded = " ".join(shlex.quote(name) for name in SEEDED)
        lines += [
            'src="${CODEX_HOME:-$HOME/.codex}"',
            "home() {",
            '  if [ ! -e "$2" ]; then',
            '    e=$(mkdir -p -- "$2" 2>&1) || { printf \'nohome\\t%s\\t%s\\n\' "$1" "$e"; return; }',
            f"    for f in {seeded}; do",
            '      if [ -f "$src/$f" ] && [ ! -e "$2/$f" ]; then cp -- "$src/$f" "$2/$f" && chmod 600 -- "$2/$f"; fi',
            "    done",
            "  fi",
            '  e=$(chmod 700 -- "$2" 2>&1) || printf \'nohome\\t%s\\t%s\\n\' "$1" "$e"',
            "}",
            *(f"home {shlex.quote(agent)} {shlex.quote(path)}" for agent, path in homes.items()),
        ]
    return "umask 077\n" + "\n".join(lines) + "\nexit 0\n"


def prepare_host(link: Link, specs: Sequence[PaneSpec], office: str, *, timeout: float = COMMAND_TIMEOUT) -> Prepared:
    """One round trip for the panes of `specs`: which cwds are missing there, each codex agent's
    CODEX_HOME made."""
    cwds = sorted({str(spec.cwd) for spec in specs})
    homes = own_codex_homes(specs, office)
    if not cwds and not homes:
        return Prepared()
    proc = link.run_shell(script(cwds, homes), timeout=timeout)
    if proc.returncode != 0:
        raise HostUnreachable(f"{link.where()}: cannot check its folders: {last_line(proc.stderr.decode())}")
    found = Prepared()
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "missing":
            found.missing_dirs.add(rest)
        elif kind == "nohome":
            agent, _, why = rest.partition("\t")
            found.refused[agent] = f"cannot create its CODEX_HOME {homes.get(agent, '?')}: {last_line(why)}"
    return found
