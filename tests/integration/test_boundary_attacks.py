"""Host-level attacks run inside an agent's boundary (`gizin exec`, the same sandbox and proxy as its pane).

Each attack is a class the shell reader could not close (configuration, wrappers, decoders, two-step
scripts, programs it does not know, code that builds the host from pieces, DNS). Every one runs (it
leaves a marker first), and none reaches the blocked listener: a program that honours the proxy
settings is refused by the proxy, which audits it under the agent; one that connects directly finds
only the sandbox's own loopback.
"""

from __future__ import annotations

import base64
import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest

from gizinterm.boundary import daemon
from tests.conftest import TmuxServer
from tests.integration.test_boundary import BLOCKED, ROSTER, audit, gizin
from tests.listeners import Listener

# (name, command, proxied): `{url}` is the blocked listener's URL, `{port}` its port.
ATTACKS = [
    ("git url.insteadOf", "git -c url.{url}.insteadOf=https://example.org/ ls-remote https://example.org/r.git", True),
    ("git remote.pushurl", "git init -q r && cd r && git remote add o {url}r.git && git fetch -q o", True),
    (
        "python builds the host",
        "python3 -c \"import urllib.request as u; u.urlopen('http://127.0.0.' + str(3) + ':{port}/')\"",
        True,
    ),
    ("wget", "wget -q -O- {url}", True),
    ("curl globbing", "curl -s 'http://127.0.0.{{3}}:{port}/'", True),
    ("decoded rot13 piped to sh", "echo {rot13} | tr 'a-zA-Z' 'n-za-mN-ZA-M' | sh", True),
    ("base64 piped to sh", "echo {b64} | base64 -d | sh", True),
    ("a Makefile written, then make", "printf 'x:\\n\\tcurl -s {url}\\n' > Makefile && make -s x", True),
    ("script -c wrapper", "script -qc 'curl -s {url}' /dev/null", True),
    ("perl HTTP::Tiny", "perl -MHTTP::Tiny -e 'HTTP::Tiny->new->get(q({url}))'", True),
    ("the proxy unset", "unset http_proxy HTTP_PROXY; curl -s --noproxy '*' {url}", False),
    ("bash /dev/tcp", "bash -c 'exec 3<>/dev/tcp/{blocked}/{port}; echo GET / >&3'", False),
    ("node net", "node -e \"require('net').connect({port}, '{blocked}').on('error', () => process.exit(7))\"", False),
    ("ssh", "ssh -o BatchMode=yes -o ConnectTimeout=3 -p {port} {blocked} true", False),
    ("a new network namespace", "unshare -n curl -s --noproxy '*' {url}", False),
    ("DNS lookup of a name", "getent hosts blocked.example", False),
    ("tmux outside the sandbox", "tmux -L $GIZIN_TMUX_SOCKET new-window 'curl -s {url}'", False),
]


@pytest.fixture(scope="module")
def blocked_listener() -> Iterator[Listener]:
    listener = Listener(BLOCKED)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One office for every attack: its proxy is started once (by the first `gizin exec`)."""
    folder = tmp_path_factory.mktemp("attacks") / "office"
    folder.mkdir()
    (folder / "agents.toml").write_text(ROSTER.format(blocked=BLOCKED))
    yield folder
    daemon.stop(folder)


@pytest.mark.parametrize(("name", "command", "proxied"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_the_attack_runs_and_reaches_nothing(
    office: Path,
    tmux: TmuxServer,
    blocked_listener: Listener,
    name: str,
    command: str,
    proxied: bool,
) -> None:
    url = blocked_listener.url
    plain = f"curl -s {url}"
    filled = command.format(
        url=url,
        port=blocked_listener.port,
        blocked=BLOCKED,
        rot13=codecs.encode(plain, "rot13"),
        b64=base64.b64encode(plain.encode()).decode(),
    )
    work = office / "".join(c if c.isalnum() else "-" for c in name)
    work.mkdir()
    marker = work / "ran"
    before = len([r for r in audit(office, tmux) if r["decision"] == "deny"])
    _, out, err = gizin(office, tmux, "exec", "aoi", "--", "sh", "-c", f"cd {work} && touch {marker}; {filled}")
    assert marker.exists(), f"{name}: the attack did not run: {err}"
    assert blocked_listener.accepted == 0, f"{name}: reached the blocked listener"
    refused = [r for r in audit(office, tmux) if r["decision"] == "deny"]
    if proxied:
        assert len(refused) > before and refused[0]["agent"] == "aoi", f"{name}: not refused by the proxy: {out}{err}"
        assert refused[0]["rule"] == f"ips: {BLOCKED}", f"{name}: not refused by the proxy: {out}{err}"
        assert str(refused[0]["channel"]).startswith("proxy:")
