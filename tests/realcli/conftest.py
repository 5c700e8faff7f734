"""Fixtures for the real-CLI tests: one office per test running a real agent CLI against a fake model.

Install the CLIs first (once; idempotent): `sh scripts/ensure-agent-clis`, then
`.venv/bin/pytest tests/realcli -q`. Without the CLIs these tests skip, or fail when `CI` is set.
Every test here is marked `realcli`: `pytest -m "not realcli"` leaves them out.

Fixtures (each yields a `harness.RealCliOffice`, not yet started: call `.up()`, and it is torn down after
the test whatever happened):
- `claude_office`, `codex_office`, `gemini_office`: a fresh HOME, project, office, fake and tmux server;
  `office`: each of them in turn.
- `codex_home` (module scope): one CODEX_HOME folder kept across a module's codex tests, because Codex
  copies ~424 MB into it on its first start. Codex's daemon for it is stopped after each test, since it
  keeps the environment of the first pane it served.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realcli.harness import RealCliOffice, kill_processes_of


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "realcli: runs a real agent CLI (Claude Code, Codex, Gemini CLI)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/realcli, so no test here can forget it."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.realcli)


@pytest.fixture(scope="module")
def codex_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("codex-home")
    yield path
    kill_processes_of(path)
    shutil.rmtree(path, ignore_errors=True)


def _office(kind: str, root: Path, codex_home: Path | None = None) -> Iterator[RealCliOffice]:
    office = RealCliOffice(kind, root, codex_home=codex_home)
    try:
        yield office
    finally:
        office.close()
        if codex_home is not None:
            kill_processes_of(codex_home)


@pytest.fixture
def claude_office(tmp_path: Path) -> Iterator[RealCliOffice]:
    yield from _office("claude", tmp_path)


@pytest.fixture
def codex_office(tmp_path: Path, codex_home: Path) -> Iterator[RealCliOffice]:
    yield from _office("codex", tmp_path, codex_home)


@pytest.fixture
def gemini_office(tmp_path: Path) -> Iterator[RealCliOffice]:
    yield from _office("gemini", tmp_path)


@pytest.fixture(params=["claude", "codex", "gemini"])
def office(request: pytest.FixtureRequest) -> RealCliOffice:
    """Each of the three, in turn."""
    return request.getfixturevalue(f"{request.param}_office")  # type: ignore[no-any-return]
