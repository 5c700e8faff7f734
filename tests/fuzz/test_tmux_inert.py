"""Text from the roster and layout files reaches tmux as text: a `#(…)` in a window name, a cwd or an
agent's name is never run, and a `#{…}` never replaced, on a real private tmux server with real `gizin up`."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tests.helpers import run_gizin

PIECES = st.one_of(
    st.text(alphabet="#(){},;:$`'\"\\~ab-. []=%!é事", min_size=1, max_size=6),
    st.sampled_from(["#(touch MARK)", "#{pane_id}", "#[fg=red]", "##", "#", "#{?1,x,y}", ";", "#(", "{n}"]),
)
FIELD = st.lists(PIECES, min_size=1, max_size=5).map("".join)


def write_office(folder: Path, window_name: str, cwd_leaf: str, name: str) -> Path:
    (folder / "layouts").mkdir(parents=True)
    (folder / "layouts" / "hostile.toml").write_text(
        f"[layout]\ncolumns = 2\nrows = 1\nwindow_name = {json.dumps(window_name, ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    cwd = folder / "seats" / cwd_leaf
    cwd.mkdir(parents=True)
    (folder / "agents.toml").write_text(
        f'[office]\nname = "Inert"\nsession = "inert"\nlayout = "hostile"\n\n[defaults]\ncommand = "cat"\n\n'
        f'[[agent]]\nid = "a1"\nname = {json.dumps(name, ensure_ascii=False)}\n'
        f"cwd = {json.dumps(str(cwd), ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    return cwd


def check_inert(tmux: TmuxServer, folder: Path, window_name: str, cwd_leaf: str, name: str) -> None:
    marker = folder / f"ran-{secrets.token_hex(4)}"
    window_name, cwd_leaf, name = (v.replace("MARK", str(marker)) for v in (window_name, cwd_leaf, name))
    cwd = write_office(folder, window_name, cwd_leaf.replace("/", "_"), name)
    up = run_gizin("up", env=tmux.env, cwd=folder)
    try:
        assert up.returncode == 0, up.stderr
        shown = tmux.out("list-panes", "-s", "-t", "=inert:", "-F", "#{window_name}\x1f#{pane_current_path}")
        got_window, got_path = shown.rstrip("\n").split("\x1f")
        assert got_window == window_name.replace("{n}", "1")
        assert Path(got_path) == cwd.resolve()
        title = tmux.out("show-options", "-p", "-v", "-t", "=inert:", "@gizin-title").rstrip("\n")
        assert name in title
        assert not marker.exists()
    finally:
        tmux.cmd("kill-server", check=False)


def test_formats_in_window_name_cwd_and_name_are_not_run(tmp_path: Path, tmux: TmuxServer) -> None:
    window, cwd = "floor #(touch MARK) #{session_name} {n}", "dir #(touch MARK)#{pane_id} #[x]"
    name = "Ren #(touch MARK)"
    check_inert(tmux, tmp_path, window, cwd, name)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(window=FIELD.filter(lambda s: "#[" not in s), leaf=FIELD.filter(lambda s: s.strip(".") != ""), name=FIELD)
def test_generated_roster_and_layout_text_stays_text(
    tmp_path_factory: pytest.TempPathFactory, tmux: TmuxServer, window: str, leaf: str, name: str
) -> None:
    check_inert(tmux, tmp_path_factory.mktemp("inert"), window + "{n}", leaf, name)


def test_a_window_name_with_a_tmux_style_or_a_control_character_is_refused(tmp_path: Path) -> None:
    for bad in ("floor #[fg=red]{n}", "floor\x1b]0;x\x07{n}"):
        write_office(tmp_path / secrets.token_hex(4), bad, "seat", "Ren")
    for folder in (p for p in tmp_path.iterdir() if p.is_dir()):
        result = run_gizin("config", "validate", cwd=folder)
        assert result.returncode == 2, result.stderr
        assert "window_name: must be plain printable text" in result.stderr
        assert len(result.stderr.splitlines()) == 1
