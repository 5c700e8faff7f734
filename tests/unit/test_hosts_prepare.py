"""hosts.prepare's script, run by a local shell in place of the host's (the quoting and what it makes are
the same; tests/hosts runs it over real SSH)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gizinterm.hosts.prepare import prepare_host
from gizinterm.office.layout import load_layout, make_plan
from gizinterm.office.roster import load_roster
from tests.helpers import write_office


class ShellLink:
    """A Link whose host is this machine: `run_shell` is `sh -c`, with the given environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.round_trips = 0

    def where(self) -> str:
        return "host here (sh)"

    def run_shell(
        self, command: str, *, input: bytes | None = None, timeout: float = 30
    ) -> subprocess.CompletedProcess[bytes]:
        self.round_trips += 1
        return subprocess.run(["sh", "-c", command], input=input, capture_output=True, timeout=timeout, env=self.env)


def test_one_round_trip_finds_missing_cwds_and_makes_seeded_codex_homes(tmp_path: Path) -> None:
    odd = tmp_path / "it's a $(folder)"
    odd.mkdir()
    agents = (
        f'\n[[agent]]\nid = "x1"\nname = "X1"\ncwd = "{odd}"\n'
        f'\n[[agent]]\nid = "x2"\nname = "X2"\ncwd = "{tmp_path}/gone; touch {tmp_path}/pwned"\n'
        '\n[[agent]]\nid = "c1"\nname = "C1"\nkind = "codex"\n'
    )
    path = write_office(tmp_path / "office", 0, extra=agents)
    roster = load_roster(path)
    plan = make_plan(roster, load_layout("grid3", roster.dir, str(path), None), db_path=tmp_path / "db")
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "config.toml").write_text('model = "seed"\n')
    link = ShellLink({**os.environ, "CODEX_HOME": str(settings)})

    ready = prepare_host(link, plan.panes, str(roster.dir))  # type: ignore[arg-type]
    assert link.round_trips == 1
    assert ready.missing_dirs == {f"{tmp_path}/gone; touch {tmp_path}/pwned"} and not ready.refused
    assert not (tmp_path / "pwned").exists()
    home = roster.dir / ".gizin" / "agents" / "c1" / "codex-home"
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / "config.toml").read_text() == 'model = "seed"\n'
    assert (home / "config.toml").stat().st_mode & 0o777 == 0o600

    (home / "config.toml").write_text("mine\n")  # made once, never seeded again
    prepare_host(link, plan.panes, str(roster.dir))  # type: ignore[arg-type]
    assert (home / "config.toml").read_text() == "mine\n"
