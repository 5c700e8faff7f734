"""The real CLIs' screens, recorded from the real programs, read back: every one must come out as the state
it was recorded in. The corpus lives in tests/fixtures/screens/<kind>/<version>/ (index.tsv: file, state,
pane title, what was on screen); `scripts/record-screens` re-records it when a CLI is updated."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gizinterm.panes.screens import RECOGNISERS, box_text, holds, read

CORPUS = Path(__file__).parent.parent / "fixtures" / "screens"


def corpus() -> list[tuple[str, str, Path, dict[str, str]]]:
    cases = []
    for index in sorted(CORPUS.glob("*/*/index.tsv")):
        kind, version = index.parent.parent.name, index.parent.name
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                cases.append((kind, version, index.parent / row["file"], row))
    return cases


CASES = corpus()
# A paste taller than the pane pushes the box's first line (and Codex's status line) off the screen, so
# the box cannot be found and the reading is `unknown`; the deliverer checks such a paste by its tail.
SCROLLED_OFF = {"idle-pasted-big-2.txt"}
# Gemini CLI draws nothing for the first seconds after a submit, until the model's first chunk: its screen
# and title are those of an idle, empty box. A message pasted then is queued by Gemini itself.
LOOKS_IDLE = {("gemini", "working-1.txt")}


def test_the_corpus_covers_every_recognised_cli() -> None:
    kinds = {kind for kind, *_ in CASES}
    assert kinds == set(RECOGNISERS)
    for kind, rec in RECOGNISERS.items():
        versions = {version for k, version, *_ in CASES if k == kind}
        assert rec.verified in versions, f"{kind}: no screens recorded from {rec.verified}"
        states = {row["state"] for k, _, _, row in CASES if k == kind}
        assert {"idle", "working", "waiting"} <= states, (kind, states)


@pytest.mark.parametrize(("kind", "version", "path", "row"), CASES, ids=[f"{c[0]}-{c[2].name}" for c in CASES])
def test_each_recorded_screen_reads_as_recorded(kind: str, version: str, path: Path, row: dict[str, str]) -> None:
    expected = row["state"]
    got = read(RECOGNISERS[kind], path.read_text(encoding="utf-8"), row["title"])
    if expected == "dead":
        return  # tmux's #{pane_dead} says it; the last frame (often an empty box) stays on the screen
    if expected == "starting":  # the time before the box first shows: never a box at rest
        assert got.state != "idle", (path.name, got)
        return
    if (kind, path.name) in LOOKS_IDLE:
        assert got.state == "idle", (path.name, got)
        return
    if path.name in SCROLLED_OFF:
        assert got.state == "unknown", (path.name, got)  # the box's first line scrolled away: wait, safely
        return
    assert got.state == expected, f"{path.name}: {row['description']} -> {got}"


def test_only_an_empty_box_at_rest_is_ready_for_a_paste() -> None:
    ready = [(k, p.name) for k, _, p, row in CASES if read(RECOGNISERS[k], p.read_text(), row["title"]).ready]
    assert ready, "no recorded screen is ready for a paste"
    for kind, _, path, row in CASES:
        reading = read(RECOGNISERS[kind], path.read_text(encoding="utf-8"), row["title"])
        if reading.ready:  # (a dead pane keeps its last frame; tmux says it is dead, not the screen)
            assert row["state"] in ("idle", "dead") or (kind, path.name) in LOOKS_IDLE, (path.name, row)


def test_the_box_text_and_the_paste_check() -> None:
    claude = RECOGNISERS["claude"]
    screen = (
        "x\n" + "─" * 40 + "\n\u276f\u00a0[gizin #7 from ren] hello; $(x) #{y}\n" + "─" * 40 + "\n  ? for shortcuts\n"
    )
    assert box_text(claude, screen) == "[gizin #7 from ren] hello; $(x) #{y}"
    assert holds(claude, box_text(claude, screen), "[gizin #7 from ren] hello; $(x) #{y}")
    assert not holds(claude, box_text(claude, screen), "[gizin #8 from ren] another")
    empty = screen.replace("[gizin #7 from ren] hello; $(x) #{y}", "")
    assert box_text(claude, empty) == "" and read(claude, empty).ready
    placeholder = screen.replace("[gizin #7 from ren] hello; $(x) #{y}", "[Pasted text #1 +4 lines]")
    assert holds(claude, box_text(claude, placeholder), "[gizin #9 from ren] five\nlines\nof\ntext\nhere")
    scrollback_only = "\u276f hello\n" + "─" * 40 + "\n"
    assert box_text(claude, scrollback_only) is None and read(claude, scrollback_only).state == "unknown"


def test_the_pinned_clis_are_the_verified_ones() -> None:
    """The versions the tests install (scripts/agent-clis.env) are those the recognisers were written from:
    moving a pin means re-recording the screens (scripts/record-screens) and checking them."""
    pins = dict(
        line.split("=", 1)
        for line in (CORPUS.parent.parent.parent / "scripts" / "agent-clis.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    names = {"claude": "CLAUDE_CODE_VERSION", "codex": "CODEX_VERSION", "gemini": "GEMINI_CLI_VERSION"}
    assert {kind: pins[name] for kind, name in names.items()} == {k: r.verified for k, r in RECOGNISERS.items()}
