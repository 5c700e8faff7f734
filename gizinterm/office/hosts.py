"""`[[host]]` in agents.toml: the other machines an office's agents may sit on, reached over SSH.

Every value here ends up on an `ssh` command line or in a remote shell, so validation is about making
each one inert: a destination must look like an OpenSSH destination (`user@host`, `ssh://user@host:port`)
and can never start with `-` (ssh would read it as an option: `-oProxyCommand=…` runs a program here);
the remote office folder must be an absolute path; the remote `gizin` command must split into words.
Pure: reads a parsed TOML table, touches no file and no network.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from gizinterm.ground.tomlsource import TomlSource
from gizinterm.ground.validate import Table, did_you_mean

HOST_KEYS = ("name", "ssh", "ssh_config", "office", "gizin")
HOST_NAME = r"[a-z0-9][a-z0-9_-]{0,31}"
LOCAL = "local"  # the office's own machine: what an agent without `host` means, so no host may take the name
_USER = r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}"
_NAME = r"[A-Za-z0-9_][A-Za-z0-9._-]{0,252}"
PLAIN_DEST = re.compile(rf"(?:{_USER}@)?{_NAME}")
URI_DEST = re.compile(rf"ssh://(?:{_USER}@)?(?:{_NAME}|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{{1,5}}))?/?")
DEST_HINT = "an OpenSSH destination such as ops@build-1 or ssh://ops@10.0.0.5:2222"


@dataclass(frozen=True)
class Host:
    """Another machine of the office. `office` is the office folder there (where its agents' store and
    agents.toml live); `gizin` the command that runs gizin there, as shell words."""

    name: str
    ssh: str
    office: str
    gizin: str = "gizin"
    ssh_config: str | None = None  # a file for `ssh -F`, absolute (resolved against the office folder)
    line: int | None = None

    @property
    def gizin_argv(self) -> list[str]:
        return shlex.split(self.gizin)


def valid_destination(dest: str) -> bool:
    """True for `[user@]host` and `ssh://[user@]host[:port]` (port 1-65535); never for a leading '-'."""
    if dest.startswith("-") or not dest.isprintable() or any(ch.isspace() for ch in dest):
        return False
    if dest.startswith("ssh://"):
        match = URI_DEST.fullmatch(dest)
        return match is not None and (match["port"] is None or 0 < int(match["port"]) < 65536)
    return PLAIN_DEST.fullmatch(dest) is not None


def parse_hosts(src: TomlSource, office_dir: str) -> tuple[Host, ...]:
    """Every `[[host]]`, validated; names unique. `office_dir` is this office's folder: the default
    remote office (the same path there) and the base of a relative `ssh_config`."""
    raw_hosts = src.data.get("host", [])
    if not isinstance(raw_hosts, list) or not all(isinstance(h, dict) for h in raw_hosts):
        raise src.error("host", "must be written as [[host]] tables", "host")
    hosts: list[Host] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_hosts):
        host = _parse_host(src, index, raw, office_dir)
        if host.name in seen:
            raise src.error(
                f"host[{host.name}].name",
                f"duplicate host name '{host.name}' (first used by host #{seen[host.name] + 1})",
                "host",
                index,
                "name",
            )
        seen[host.name] = index
        hosts.append(host)
    return tuple(hosts)


def _parse_host(src: TomlSource, index: int, raw: dict[str, Any], office_dir: str) -> Host:
    ident = raw.get("name")
    label = f"host[{ident}]" if isinstance(ident, str) and ident else f"host[#{index + 1}]"
    table = Table(src, raw, label, ("host", index))
    table.only(HOST_KEYS)
    name = table.required_text(
        "name", pattern=HOST_NAME, hint="lowercase letters, digits, '-' and '_', at most 32, starting with one"
    )
    if name == LOCAL:
        raise table.fail("name", f"'{LOCAL}' means this machine (an agent without `host`); choose another name")
    dest = table.required_text("ssh")
    if not valid_destination(dest):
        problem = "must not start with '-' (ssh would read it as an option)" if dest.startswith("-") else ""
        raise table.fail("ssh", f"'{_shown(dest)}' is not valid: {problem or DEST_HINT}")
    office = table.text("office") or office_dir
    if not office.startswith("/") or not _plain(office):
        raise table.fail("office", f"'{_shown(office)}' must be an absolute path on that host, e.g. /srv/office")
    gizin = table.text("gizin") or "gizin"
    try:
        words = shlex.split(gizin)
    except ValueError:
        words = []
    if not words or words[0].startswith("-") or not _plain(gizin):
        raise table.fail("gizin", f"'{_shown(gizin)}' is not a command (e.g. gizin or /opt/gizin/bin/gizin)")
    ssh_config = table.text("ssh_config")
    if ssh_config is not None:
        if not ssh_config or ssh_config.startswith("-") or not _plain(ssh_config):
            raise table.fail("ssh_config", f"'{_shown(ssh_config)}' is not a file name")
        if not ssh_config.startswith(("/", "~")):
            ssh_config = f"{office_dir.rstrip('/')}/{ssh_config}"
    return Host(name=name, ssh=dest, office=office, gizin=gizin, ssh_config=ssh_config, line=src.line_of("host", index))


def check_agent_host(table: Table, hosts: tuple[Host, ...]) -> str | None:
    """An agent's `host`: None (this machine) or the name of a declared `[[host]]`."""
    value = table.text("host")
    if value is None or value == LOCAL:
        return None
    names = [h.name for h in hosts]
    if value not in names:
        known = f" (declared: {', '.join(names)})" if names else " (no [[host]] is declared)"
        raise table.fail("host", f"unknown host '{_shown(value)}'" + (did_you_mean(value, names) or known))
    return value


def _plain(text: str) -> bool:
    return text.isprintable() and "\n" not in text


def _shown(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)[:120]
