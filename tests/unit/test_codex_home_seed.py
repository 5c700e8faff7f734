"""A codex agent's own CODEX_HOME starts with the operator's config and sign-in, copied once, private."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.office.codex_home import seed_codex_home


def test_seeded_once_from_the_operators_codex_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, own = tmp_path / "operator-codex", tmp_path / "agent-codex"
    source.mkdir()
    own.mkdir()
    (source / "config.toml").write_text('model = "gpt-x"\n')
    (source / "auth.json").write_text('{"token": "t"}')
    (source / "sessions").mkdir()  # conversations are not copied
    monkeypatch.setenv("CODEX_HOME", str(source))
    seed_codex_home(own)
    assert sorted(p.name for p in own.iterdir()) == ["auth.json", "config.toml"]
    assert (own / "auth.json").stat().st_mode & 0o777 == 0o600
    (own / "config.toml").write_text('model = "mine"\n')
    seed_codex_home(own)  # never overwrites what the agent's folder already has
    assert (own / "config.toml").read_text() == 'model = "mine"\n'


def test_nothing_to_seed_from_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "missing"))
    seed_codex_home(tmp_path)
    assert list(tmp_path.iterdir()) == []
