"""Talk to every host at once: one thread per host, the local work on the calling thread meanwhile, so
an office of N hosts costs about one host's time. A host whose connection fails yields its
HostUnreachable instead of a result; the others are unaffected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from gizinterm.hosts.link import HostUnreachable
from gizinterm.office.hosts import Host

T = TypeVar("T")
L = TypeVar("L")


def across(
    hosts: Sequence[Host], each: Callable[[Host], T], local: Callable[[], L]
) -> tuple[L, dict[str, T | HostUnreachable]]:
    """`local()` here and `each(host)` for every host in parallel; errors other than HostUnreachable
    propagate (after every thread has finished), so a bug is never reported as a network problem."""
    if not hosts:
        return local(), {}
    results: dict[str, T | HostUnreachable] = {}
    with ThreadPoolExecutor(max_workers=len(hosts), thread_name_prefix="gizin-host") as pool:
        futures = {h.name: pool.submit(each, h) for h in hosts}
        mine = local()
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except HostUnreachable as exc:
                results[name] = exc
    return mine, results
