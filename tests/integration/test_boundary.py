"""The network boundary, attacked for real: a blocked listener and an allowed one on loopback addresses,
agents inside bubblewrap reaching them through `gizin exec` (the same sandbox and proxy as their panes),
and the proxy's own socket spoken to directly. The test world's "blocked hosts" are real listeners, so
"blocked" means no connection ever arrived, not that a rule matched."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.boundary import daemon
from tests.conftest import TmuxServer
from tests.helpers import run_gizin, wait_until
from tests.listeners import Listener

ALLOWED, BLOCKED = "127.0.0.2", "127.0.0.3"
ROSTER = """
[office]
name = "Boundary"
session = "boundary"

[blocklist]
domains = ["blocked.example"]
ips = ["{blocked}", "127.0.0.1"]

[[agent]]
id = "aoi"
name = "Aoi"
kind = "shell"
command = "sleep 600"

[[agent]]
id = "ken"
name = "Ken"
kind = "shell"
command = "sleep 600"
outbound = "deny"

[[agent]]
id = "opt"
name = "Opt"
kind = "shell"
command = "sleep 600"
sandbox = false
"""


@pytest.fixture
def listeners() -> Iterator[tuple[Listener, Listener]]:
    allowed, blocked = Listener(ALLOWED), Listener(BLOCKED)
    yield allowed, blocked
    allowed.close()
    blocked.close()


@pytest.fixture
def office(tmp_path: Path, tmux: TmuxServer) -> Iterator[Path]:
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "agents.toml").write_text(ROSTER.format(blocked=BLOCKED))
    yield folder
    daemon.stop(folder)


def gizin(office: Path, tmux: TmuxServer, *args: str) -> tuple[int, str, str]:
    done = run_gizin("--office", str(office), *args, env=tmux.env, timeout=90)
    return done.returncode, done.stdout, done.stderr


def curl(office: Path, tmux: TmuxServer, agent: str, *args: str) -> tuple[int, str, str]:
    return gizin(office, tmux, "exec", agent, "--", "curl", "-sS", "-m", "10", *args)


def audit(office: Path, tmux: TmuxServer) -> list[dict[str, object]]:
    code, out, err = gizin(office, tmux, "blocklist", "audit", "--json")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_an_allowed_host_is_reached_through_the_proxy_and_audited(office, tmux, listeners) -> None:
    allowed, _ = listeners
    code, out, err = curl(office, tmux, "aoi", allowed.url)
    assert (code, out) == (0, f"hello from {ALLOWED}\n"), err
    row = audit(office, tmux)[0]
    assert (row["agent"], row["channel"], row["decision"]) == ("aoi", "proxy:http", "allow")
    assert row["recipient"] == f"{ALLOWED}:{allowed.port}"


def test_a_blocked_ip_is_refused_by_the_proxy_and_never_reached(office, tmux, listeners) -> None:
    _, blocked = listeners
    code, out, _ = curl(office, tmux, "aoi", "-w", "%{http_code}", "-o", "/dev/null", blocked.url)
    assert out == "403" and code == 0
    code, _, _ = curl(office, tmux, "aoi", "https://" + f"{BLOCKED}:{blocked.port}/")
    assert code == 56  # curl: CONNECT refused by the proxy
    assert blocked.accepted == 0
    rows = audit(office, tmux)
    assert [(r["agent"], r["decision"], r["rule"]) for r in rows[:2]] == [("aoi", "deny", f"ips: {BLOCKED}")] * 2


def test_going_around_the_proxy_reaches_nothing(office, tmux, listeners) -> None:
    """No proxy, no DNS, no route: the sandbox has loopback only, whatever program tries."""
    allowed, blocked = listeners
    for target in (allowed, blocked):
        code, _, _ = curl(office, tmux, "aoi", "--noproxy", "*", target.url)
        assert code == 7  # couldn't connect
    code, _, err = gizin(
        office, tmux, "exec", "aoi", "--", "python3", "-c",
        f"import socket; socket.create_connection(('{BLOCKED}', {blocked.port}), timeout=5)",
    )  # fmt: skip
    assert code != 0 and "ConnectionRefusedError" in err  # 127.0.0.3 in there is the sandbox's own loopback
    code, _, _ = gizin(office, tmux, "exec", "aoi", "--", "getent", "hosts", "example.com")
    assert code != 0
    assert blocked.accepted == 0 and allowed.accepted == 0


def test_a_blocked_name_is_refused_before_it_is_resolved(office, tmux, listeners) -> None:
    code, _, _ = curl(office, tmux, "aoi", "https://blocked.example/")
    assert code == 56
    row = audit(office, tmux)[0]
    assert (row["decision"], row["rule"], row["channel"]) == ("deny", "domains: blocked.example", "proxy:connect")


def test_outbound_deny_reaches_only_its_model_api(office, tmux, listeners) -> None:
    allowed, _ = listeners
    _code, out, _ = curl(office, tmux, "ken", "-w", "%{http_code}", "-o", "/dev/null", allowed.url)
    assert out == "403"
    assert allowed.accepted == 0
    row = audit(office, tmux)[0]
    assert (row["agent"], row["decision"], row["rule"]) == ("ken", "deny", "outbound = deny")


def test_the_opted_out_agent_is_shown_and_is_not_contained(office, tmux, listeners) -> None:
    _, blocked = listeners
    code, _, err = gizin(office, tmux, "up")
    assert code == 0, err
    code, out, _ = gizin(office, tmux, "status", "--json")
    shown = {r["agent"]: r["sandbox"] for r in json.loads(out)}
    assert shown == {"aoi": "on", "ken": "on", "opt": "off"}
    code, out, _ = gizin(office, tmux, "status")
    assert "no sandbox (sandbox = false)" in next(line for line in out.splitlines() if line.startswith("opt"))
    code, out, _ = curl(office, tmux, "opt", "--noproxy", "*", blocked.url)
    assert code == 0 and blocked.accepted == 1  # what opting out means, and why status says it


def test_the_sandbox_hides_tmux_and_keeps_the_rules_read_only(office, tmux) -> None:
    code, _, err = gizin(office, tmux, "up")
    assert code == 0, err
    roster = office / "agents.toml"
    before = roster.read_text()
    code, _, err = gizin(office, tmux, "exec", "aoi", "--", "sh", "-c", f"echo '[blocklist]' >> {roster}")
    assert code != 0 and "read-only" in err.lower()
    assert roster.read_text() == before
    code, _, _ = gizin(office, tmux, "exec", "aoi", "--", "tmux", "-L", tmux.socket, "new-window", "true")
    assert code != 0  # a window opened through tmux would run outside the sandbox
    assert len(tmux.out("list-windows", "-a").splitlines()) == 1


def test_the_pane_runs_inside_the_sandbox(office, tmux) -> None:
    code, _, err = gizin(office, tmux, "up")
    assert code == 0, err
    panes = tmux.out("list-panes", "-a", "-F", "#{@gizin-agent} #{pane_pid}").split()
    pids = dict(zip(panes[::2], panes[1::2], strict=True))
    netns = Path("/proc/self/ns/net").readlink()
    assert Path(f"/proc/{pids['opt']}/ns/net").readlink() == netns

    def inner_netns() -> str:  # bwrap's child holds the agent's namespace
        children = Path(f"/proc/{pids['aoi']}/task/{pids['aoi']}/children").read_text().split()
        return str(Path(f"/proc/{children[0]}/ns/net").readlink()) if children else ""

    wait_until(inner_netns, what="the sandboxed agent's process")
    assert inner_netns() != str(netns)


def test_no_sandbox_on_this_machine_refuses_the_agent_unless_opted_out(office, tmux) -> None:
    env = {**tmux.env, "GIZIN_BWRAP": str(office / "no-such-bwrap")}
    done = run_gizin("--office", str(office), "up", env=env)
    assert "refusing to start aoi: bubblewrap (bwrap) is not installed" in done.stderr
    assert "refusing to start ken" in done.stderr
    assert "refusing to start opt" not in done.stderr and "refused to start opt" not in done.stderr
    started = tmux.out("list-panes", "-a", "-F", "#{@gizin-agent}").split()
    assert started == ["opt"]


def test_the_proxy_judges_sni_and_resolved_addresses(office, tmux, listeners) -> None:
    """Spoken to directly on aoi's socket: a name resolving to a blocked address, and domain fronting
    (CONNECT to an allowed address, then a TLS hello naming a blocked host)."""
    allowed, _ = listeners
    daemon.ensure(office, ["aoi", "ken", "opt"])
    path = str(daemon.socket_path(office, "aoi"))

    def ask(head: str, then: bytes = b"") -> bytes:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(10)
            conn.connect(path)
            conn.sendall(head.encode())
            reply = conn.recv(4096)
            if then:
                conn.sendall(then)
                reply += b"|" + conn.recv(4096)
            return reply

    reply = ask(f"CONNECT localhost:{allowed.port} HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 403") and b"resolves to 127.0.0.1" in reply
    hello = _client_hello("blocked.example")
    reply = ask(f"CONNECT {ALLOWED}:{allowed.port} HTTP/1.1\r\n\r\n", hello)
    assert reply == b"HTTP/1.1 200 Connection established\r\n\r\n|"  # then closed, nothing forwarded
    row = audit(office, tmux)[0]
    assert (row["decision"], row["rule"]) == ("deny", "domains: blocked.example")
    assert "SNI blocked.example" in str(row["recipient"])
    reply = ask(f"GET http://{ALLOWED}:{allowed.port}/ HTTP/1.1\r\nHost: blocked.example\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 403")


def _client_hello(name: str) -> bytes:
    """A real TLS ClientHello for `name`, as Python's ssl module writes it."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname=name)
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()
