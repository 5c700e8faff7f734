"""The office's outbound policy on its other hosts: pushed there, confirmed by the host's own gizin.

What is pushed: the policy's source files (agents.toml and its `[blocklist] include` file), not the
compiled `.gizin/policy.cache`. The guard and the egress proxy trust a cache only while its stamps
(inode, size, mtime) match the sources on the same machine, so a copied cache would be rebuilt there
anyway; the sources are what they really read. The include must lie inside the office folder (it is
then written at the same place under the host's office folder); one elsewhere is refused, naming it.

One round trip per host: the files go on stdin, each written into a fresh private folder there and
renamed over the old one (the include first, agents.toml last), and in the same shell `gizin host-policy` there
compiles what it now has and answers with the version it enforces, so "pushed" always means "the
host's guard reads this version", never just "the bytes arrived". With `--seat` it also seats the
host's agents in its own sandbox (see `cli/hostpolicy.py`). Each confirmed version is remembered
here (`.gizin/hosts/<host>.policy.json`), so an unreachable host can be shown with the version it has.
"""

from __future__ import annotations

import json
import posixpath
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gizinterm.ground.errors import UsageError
from gizinterm.ground.paths import HOST_FILE
from gizinterm.hosts.link import HostUnreachable, Link, last_line
from gizinterm.office.hosts import Host
from gizinterm.office.layout import Plan
from gizinterm.office.roster import Roster

RECORDS = "hosts"  # folder under the office's state folder: one <host>.policy.json each


class PolicyNotPushable(UsageError):
    """The policy cannot be placed on a host as it is (an include outside the office folder): exit 2."""


@dataclass
class HostPolicy:
    """What a host answered after a push (or a read): the version its guard and proxy enforce now."""

    host: str
    hash: str
    gizin: str = ""
    commands: dict[str, str] = field(default_factory=dict)  # agent -> its command wrapped in the sandbox
    refused: dict[str, str] = field(default_factory=dict)  # agent -> why the host cannot seat it
    seconds: float = 0.0


def policy_files(roster_path: Path, sources: list[str]) -> list[tuple[str, bytes]]:
    """(path relative to the office folder, bytes) of every policy source, the include first and
    agents.toml last (the order of the renames). Raises PolicyNotPushable for an include that does
    not lie inside the office folder."""
    office = roster_path.parent.resolve()
    files: list[tuple[str, bytes]] = []
    for source in sources[1:]:
        real = Path(source).resolve()
        if office not in real.parents:
            raise PolicyNotPushable(
                f"{roster_path}: blocklist.include {source} is outside the office folder, so it cannot be "
                "pushed to the other hosts: move it into the office folder and name it relatively"
            )
        files.append((real.relative_to(office).as_posix(), real.read_bytes()))
    files.append((roster_path.name, roster_path.read_bytes()))
    return files


def host_policy_words(host: Host, roster: Roster, *, seat: bool, socket: str | None = None) -> list[str]:
    """`gizin host-policy` run there against the host's office (its agents.toml and store), with the
    office's tmux socket: the egress proxy it seats there stays up while the office's session on that
    socket runs (it looked on the host's default tmux server, found no session and quit when idle)."""
    from gizinterm.hosts.seats import office_gizin

    return [*office_gizin(host, roster, socket), "host-policy", *(["--seat", host.name] if seat else [])]


def push_script(host: Host, files: list[tuple[str, bytes]], answer: list[str]) -> tuple[str, bytes]:
    """(shell command, stdin): write every file from stdin (`head -c` takes exactly its bytes) into a
    fresh folder of the host's office folder (mktemp -d: no name an agent there could have planted a
    symbolic link at beforehand), rename them all into place once every write succeeded (rename
    replaces a link at the target itself, never writes through it), then run `answer` there."""
    office = host.office
    dirs = sorted({posixpath.dirname(posixpath.join(office, rel)) for rel, _ in files})
    lines = [
        "set -e",
        f"mkdir -p -- {' '.join(shlex.quote(d) for d in dirs)}",
        f"t=$(mktemp -d {shlex.quote(posixpath.join(office, '.gizin-push.XXXXXX'))})",
        "trap 'rm -rf -- \"$t\"' EXIT",
    ]
    for number, (_, data) in enumerate(files):
        lines.append(f'head -c {len(data)} >"$t/{number}"')
        lines.append(f'[ "$(wc -c <"$t/{number}")" -eq {len(data)} ]')  # a short stdin is a failed push
    for number, (rel, _) in enumerate(files):
        lines.append(f'mv -f -- "$t/{number}" {shlex.quote(posixpath.join(office, rel))}')
    lines += ['rmdir -- "$t"', "trap - EXIT", "exec " + " ".join(shlex.quote(w) for w in answer)]
    return "\n".join(lines), b"".join(data for _, data in files)


def parse_answer(host: Host, out: bytes) -> HostPolicy:
    """The JSON `gizin host-policy` printed; HostUnreachable when it is anything else."""
    try:
        data = json.loads(out.decode("utf-8"))
        answer = HostPolicy(host.name, str(data["hash"]), str(data.get("gizin", "")))
        answer.commands = {str(k): str(v) for k, v in dict(data.get("commands") or {}).items()}
        answer.refused = {str(k): str(v) for k, v in dict(data.get("refused") or {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise HostUnreachable(f"host {host.name}: gizin host-policy answered something else than its JSON") from None
    return answer


def push(
    link: Link, host: Host, roster: Roster, sources: list[str], *, seat: bool, socket: str | None = None
) -> HostPolicy:
    """Push the policy files to `host` and return the version its guard now enforces. HostUnreachable
    when ssh fails, a file cannot be written there or the host's gizin cannot confirm a version."""
    # the host's name beside them (paths.seat_host): `send` and `ack` there then know they are on a host
    files = [(HOST_FILE, f"{host.name}\n".encode()), *policy_files(roster.path, sources)]
    command, data = push_script(host, files, host_policy_words(host, roster, seat=seat, socket=socket))
    started = time.perf_counter()
    proc = link.run_shell(command, input=data)
    if proc.returncode != 0:
        why = last_line(proc.stderr.decode("utf-8", "replace"))
        raise HostUnreachable(f"{link.where()}: the policy push failed: {why}")
    answer = parse_answer(host, proc.stdout)
    answer.seconds = time.perf_counter() - started
    return answer


def read(link: Link, host: Host, roster: Roster) -> HostPolicy:
    """The version the host enforces now, without pushing (for `gizin hosts`)."""
    proc = link.run(host_policy_words(host, roster, seat=False))
    if proc.returncode != 0:
        why = last_line(proc.stderr.decode("utf-8", "replace"))
        raise HostUnreachable(f"{link.where()}: gizin host-policy failed: {why}")
    return parse_answer(host, proc.stdout)


def mismatch(answer: HostPolicy, office_hash: str) -> str | None:
    """Why the host's agents must not start under the version it answered, or None when it is ours."""
    if answer.hash == office_hash:
        return None
    return (
        f"host {answer.host} enforces policy {answer.hash[:12]}, not the office's {office_hash[:12]}"
        f" (gizin {answer.gizin or '?'} there): its agents are not started"
    )


def seat_remote(
    link: Link, host: Host, roster: Roster, state_dir: Path, plan: Plan, socket: str | None = None
) -> tuple[Plan, dict[str, str]]:
    """`gizin up`'s push: the policy (agents.toml included) to `host`, confirmed, then (`plan` with the
    commands the host wrapped in its sandbox, agent -> why it must not start). Every agent of the host
    is refused when the policy cannot be pushed as it is or the host enforces another version;
    HostUnreachable (its agents `unreachable`, nothing started) when the push does not get through."""
    from gizinterm.policy.cache import load_cached

    policy, _ = load_cached(str(roster.path))
    everyone = [s.agent.id for s in plan.panes]
    try:
        answer = push(link, host, roster, policy["sources"], seat=True, socket=socket)
    except PolicyNotPushable as exc:
        return plan, dict.fromkeys(everyone, str(exc))
    remember(state_dir, answer)
    why = mismatch(answer, policy["hash"])
    if why:
        return plan, dict.fromkeys(everyone, why)
    refused = {agent: f"host {host.name}: {reason}" for agent, reason in answer.refused.items()}
    return plan.with_commands(answer.commands), refused


# --- what this office last heard from each host ------------------------------------------------------
def record_path(state_dir: Path, host: str) -> Path:
    return state_dir / RECORDS / f"{host}.policy.json"


def remember(state_dir: Path, answer: HostPolicy) -> None:
    """Keep the version a host confirmed (atomically; one file per host, so parallel pushes never
    overwrite each other's record)."""
    from datetime import UTC, datetime

    from gizinterm.ground.atomicfile import write_atomic
    from gizinterm.ground.days import iso_utc

    path = record_path(state_dir, answer.host)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"hash": answer.hash, "gizin": answer.gizin, "at": iso_utc(datetime.now(UTC))})
    write_atomic(str(path), text.encode())


def remembered(state_dir: Path, host: str) -> dict[str, Any]:
    """The last version `host` confirmed ({"hash", "gizin", "at"}), or {} when it never did."""
    try:
        data = json.loads(record_path(state_dir, host).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("hash"), str) else {}
