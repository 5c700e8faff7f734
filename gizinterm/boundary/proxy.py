"""The office's egress proxy: one Unix socket per agent (the socket a connection arrives on says whose it
is), CONNECT and plain-HTTP requests judged by `rules`, every decision one row of the outbound audit.

Fails closed: a policy that cannot be loaded, an audit row that cannot be written, a name that does not
resolve or a request it cannot read all end the connection without a byte reaching the outside.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gizinterm.boundary import rules
from gizinterm.boundary.wire import MAX_HEAD, BadRequest, Request, client_hello_sni, parse_head
from gizinterm.ground.errors import GizinError

HEAD_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Seat:
    """What the proxy knows of one agent."""

    agent: str
    allowed: frozenset[str]  # its model API, for `outbound = "deny"` (which `outbound_of` reads afresh)


@dataclass
class Outcome:
    decision: str
    reason: str
    rule: str = ""
    recipient: str = ""
    normalized: str = ""


Audit = Callable[[Seat, str, Outcome, bytes], None]
Policy = Callable[[], dict[str, Any]]


class Proxy:
    def __init__(self, policy: Policy, audit: Audit) -> None:
        self.policy = policy
        self.audit = audit
        self.open = 0

    async def handle(self, seat: Seat, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        try:
            await self._handle(seat, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except Exception:  # an audit row that cannot be written, say: the connection just ends
            pass
        finally:
            self.open -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(self, seat: Seat, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
        except asyncio.LimitOverrunError:
            await self._refuse(
                seat, writer, "proxy", Outcome("deny", "request head too large", "proxy: bad request"), b""
            )
            return
        try:
            request = parse_head(head[:-4])
        except BadRequest as exc:
            await self._refuse(seat, writer, "proxy", Outcome("deny", str(exc), "proxy: bad request"), head)
            return
        channel = "proxy:connect" if request.connect else "proxy:http"
        target = f"{request.host}:{request.port}"
        outcome, address = await self._decide(seat, request)
        outcome.recipient = target
        if outcome.decision != "allow" or address is None:
            await self._refuse(seat, writer, channel, outcome, head)
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(address, request.port), CONNECT_TIMEOUT
            )
        except (OSError, TimeoutError) as exc:
            reason = f"{target} ({address}) unreachable: {getattr(exc, 'strerror', None) or type(exc).__name__}"
            await self._refuse(
                seat, writer, channel, Outcome("deny", reason, "proxy: unreachable", target, address), head, 502
            )
            return
        try:
            first = b""
            if request.connect:
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                first = await asyncio.wait_for(reader.read(CHUNK), HEAD_TIMEOUT)
                sni = client_hello_sni(first)
                if sni and sni.lower().rstrip(".") != request.host.lower().rstrip("."):
                    policy = self.policy()
                    named = rules.judge_name(policy, outbound_of(policy, seat), seat.allowed, sni)
                    if named.decision != "allow":
                        self._record(
                            seat,
                            channel,
                            Outcome(
                                "deny",
                                f"TLS server name {sni}: {named.reason}",
                                named.rule,
                                f"{target} (SNI {sni})",
                                named.normalized,
                            ),
                            head,
                        )
                        return
            else:
                first = request.upstream_head()
            self._record(seat, channel, outcome, head)
            if first:
                up_writer.write(first)
                await up_writer.drain()
            await _pipe_both(reader, writer, up_reader, up_writer)
        finally:
            up_writer.close()
            with contextlib.suppress(Exception):
                await up_writer.wait_closed()

    async def _decide(self, seat: Seat, request: Request) -> tuple[Outcome, str | None]:
        try:
            policy = self.policy()
        except GizinError as exc:
            return Outcome("deny", f"the office's policy cannot be loaded: {exc}", "proxy: policy unreadable"), None
        outbound = outbound_of(policy, seat)
        names = [request.host]
        host_header = request.header("Host")
        if not request.connect and host_header:
            names.append(host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header)
        for name in names:
            verdict = rules.judge_name(policy, outbound, seat.allowed, name.strip("[]"))
            if verdict.decision != "allow":
                return Outcome("deny", verdict.reason, verdict.rule, normalized=verdict.normalized), None
        if not request.connect:  # plain HTTP shows its path: `urls` entries apply (HTTPS paths stay unseen)
            verdict = rules.judge_url(policy, outbound, f"http://{request.host}:{request.port}{request.path}")
            if verdict.decision != "allow":
                return Outcome("deny", verdict.reason, verdict.rule, normalized=verdict.normalized), None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                request.host.strip("[]"), request.port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as exc:
            return Outcome("deny", f"{request.host} does not resolve: {exc}", "proxy: no such host"), None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            return Outcome("deny", f"{request.host} has no address", "proxy: no such host"), None
        for address in addresses:
            verdict = rules.judge_address(policy, outbound, request.host, address)
            if verdict.decision != "allow":
                return Outcome("deny", verdict.reason, verdict.rule, normalized=address), None
        return Outcome("allow", verdict.reason, normalized=addresses[0]), addresses[0]

    async def _refuse(
        self, seat: Seat, writer: asyncio.StreamWriter, channel: str, outcome: Outcome, head: bytes, status: int = 403
    ) -> None:
        self._record(seat, channel, outcome, head)
        body = f"gizin egress proxy: {outcome.reason}\n".encode("utf-8", "replace")
        phrase = "Forbidden" if status == 403 else "Bad Gateway"
        writer.write(
            f"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\nX-Gizin-Egress: {outcome.decision}\r\n\r\n".encode()
            + body
        )
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    def _record(self, seat: Seat, channel: str, outcome: Outcome, head: bytes) -> None:
        """The audit row; when it cannot be written the connection is not made (the caller's `finally`
        closes it), so nothing leaves the boundary unrecorded."""
        self.audit(seat, channel, outcome, head)


def outbound_of(policy: dict[str, Any], seat: Seat) -> str:
    """The agent's `outbound` as the policy in force says (the roster may have changed since the proxy
    started); an agent no longer in the roster reaches nothing."""
    agents = policy.get("agents") or {}
    return str(agents.get(seat.agent, "deny"))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def listen(proxy: Proxy, seats: dict[str, Seat], sockets: dict[str, str]) -> list[asyncio.Server]:
    """One Unix listener per agent; the socket file is replaced if a previous proxy left it."""
    servers = []
    for agent, path in sockets.items():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        seat = seats[agent]

        def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, seat: Seat = seat) -> Any:
            return proxy.handle(seat, r, w)

        servers.append(await asyncio.start_unix_server(handler, path=path, limit=MAX_HEAD))
        os.chmod(path, 0o600)
    return servers
