"""The typer-free argument reader of `gizin report`: what it takes itself and what it leaves to typer."""

from __future__ import annotations

import pytest

from gizinterm.reportcmd import parse


def test_known_arguments_are_read() -> None:
    assert parse(["next-move"]) == ("next-move", {})
    assert parse(["next-move", "--date=2026-02-28", "-f", "md", "--max-items", "3", "--composed"]) == (
        "next-move",
        {"date": "2026-02-28", "fmt": "md", "max_items": 3, "composed": True},
    )
    assert parse(["next-move", "--summarize-with", "llm -m x", "--summarize-timeout", "2.5", "-o", "x.html"]) == (
        "next-move",
        {"summarize_with": "llm -m x", "summarize_timeout": 2.5, "out": "x.html"},
    )
    assert parse(["agent", "riku", "--since", "2026-02-01", "--json"]) == (
        "agent",
        {"agent_id": "riku", "since": "2026-02-01", "json": True},
    )
    assert parse(["agent", "--", "-odd-id"]) == ("agent", {"agent_id": "-odd-id"})


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["next-move", "--help"],
        ["next-move", "-h"],
        ["next-move", "--date"],
        ["next-move", "--max-items", "x"],
        ["next-move", "--max-items", "0"],
        ["next-move", "--summarize-timeout", "0"],
        ["next-move", "--json=yes"],
        ["next-move", "extra"],
        ["week", "--date", "2026-02-28"],
        ["agent"],
        ["agent", "a", "b"],
        ["providers", "--ending", "2026-02-28"],
    ],
)
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None
