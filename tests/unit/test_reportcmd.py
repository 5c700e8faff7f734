"""The declaration of `gizin report` read by `cli.spec`: what each subcommand takes, and one-line refusals."""

from __future__ import annotations

import pytest

from gizinterm.cli.hot.report import COMMAND
from gizinterm.cli.spec import parse
from gizinterm.ground.errors import UsageError


def given(argv: list[str]) -> tuple[str, dict[str, object]]:
    parsed = parse(COMMAND, argv)
    assert parsed is not None
    defaults = {"office": None, "db": None, "fmt": None, "out": None, "json": None}
    return parsed.command.path, {k: v for k, v in parsed.values.items() if v is not None or k not in defaults}


def test_known_arguments_are_read() -> None:
    assert given(["next-move"])[0] == "report next-move"
    _, values = given(["next-move", "--date=2026-02-28", "-f", "md", "--max-items", "3", "--composed"])
    assert values == {
        "date": "2026-02-28",
        "fmt": "md",
        "max_items": 3,
        "composed": True,
        "summarize_with": None,
        "summarize_timeout": None,
    }
    _, values = given(["next-move", "--summarize-with", "llm -m x", "--summarize-timeout", "2.5", "-o", "x.html"])
    assert (values["summarize_with"], values["summarize_timeout"], values["out"]) == ("llm -m x", 2.5, "x.html")
    assert given(["agent", "riku", "--since", "2026-02-01", "--json"]) == (
        "report agent",
        {"agent_id": "riku", "since": "2026-02-01", "json": True},
    )
    assert given(["agent", "--", "-odd-id"]) == ("report agent", {"agent_id": "-odd-id", "since": None})


def test_help_is_printed_not_parsed(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["--help"], ["next-move", "--help"], ["next-move", "-h"]):
        assert parse(COMMAND, argv) is None
    out = capsys.readouterr().out
    assert "--summarize-with" in out and "--max-items" in out and "next-move" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bogus"], "report: no such command 'bogus'"),
        (["next-move", "--date"], "report next-move: --date needs a value"),
        (["next-move", "--max-items", "x"], "report next-move: --max-items: 'x' is not a whole number"),
        (["next-move", "--max-items", "0"], "report next-move: --max-items: 0 is below the minimum, 1"),
        (["next-move", "--summarize-timeout", "0"], "--summarize-timeout: 0 is below the minimum, 0.1"),
        (["next-move", "--summarize-timeout", "nan"], "--summarize-timeout: nan is below the minimum"),
        (["next-move", "--json=yes"], "report next-move: --json takes no value"),
        (["next-move", "extra"], "report next-move: unexpected argument 'extra'"),
        (["week", "--date", "2026-02-28"], "report week: unknown option '--date'"),
        (["agent"], "report agent: missing argument AGENT"),
        (["agent", "a", "b"], "report agent: unexpected argument 'b'"),
        (["providers", "--ending", "2026-02-28"], "report providers: unknown option '--ending'"),
    ],
)
def test_mistakes_are_one_line_naming_the_command(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(COMMAND, argv)
    text = str(caught.value)
    assert text.startswith(message) or message in text, text
    assert "\n" not in text and text.endswith("--help')")
