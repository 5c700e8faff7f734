"""The task log's text rules and `gizin log`'s own argument parser (pure functions, no database)."""

from __future__ import annotations

import pytest

from gizinterm.cli.hot.log import COMMAND
from gizinterm.cli.spec import Parsed, parse
from gizinterm.ground.errors import UsageError
from gizinterm.store.tasks import MAX_TEXT, check_tags, check_text, clean_text

UNUSUAL = [
    "'); DROP TABLE tasks;--",
    "請求書を送付しました 🎉👩‍💻",
    "\u200fשלום\u200e mixed RTL marks \u202eoverride\u202c",
    "quotes \"double\" and 'single' and `back`",
    "[bold]not markup[/] [@click=quit] %s {0} $HOME \\n",
    "zero\u200bwidth and\u00a0nbsp and combining e\u0301",
]


@pytest.mark.parametrize("text", UNUSUAL)
def test_unusual_text_is_kept_exactly(text: str) -> None:
    assert clean_text(text) == text
    assert check_text(text) == text


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("title\x1b]0;pwned\x07 gone", "title gone"),
        ("clip\x1b]52;c;ZXZpbA==\x1b\\board", "clipboard"),
        ("dcs\x1bPq#0;2;0;0;0\x1b\\ end", "dcs end"),
        ("\x1b7saved cursor, lone escape\x1b", "saved cursor, lone escape"),
        ("bell\x07 nul\x00 del\x7f c1\x9b31m", "bell nul del c1"),
        ("two\nlines\r\nand\ttab", "two lines and tab"),
        ("  padded  ", "padded"),
        ("para\u2028sep", "para sep"),
    ],
)
def test_escape_and_control_characters_are_removed(raw: str, stored: str) -> None:
    assert clean_text(raw) == stored


def test_empty_and_too_long_text_is_refused_not_truncated() -> None:
    for empty in ("", "   ", "\x1b[0m", "\n\t"):
        with pytest.raises(UsageError, match="empty"):
            check_text(empty)
    assert check_text("あ" * MAX_TEXT) == "あ" * MAX_TEXT
    with pytest.raises(UsageError, match=f"{MAX_TEXT + 1} characters; the maximum is {MAX_TEXT}"):
        check_text("あ" * (MAX_TEXT + 1))
    # The limit applies to what would be stored: escape sequences do not count against it.
    assert len(check_text("\x1b[1m" + "x" * MAX_TEXT + "\x1b[0m")) == MAX_TEXT


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(UsageError, match="UTF-8"):
        check_text("bad \udcff byte")  # what Python makes of an invalid byte in argv


def test_tags() -> None:
    assert check_tags(["finance", "q3-report", "finance", "経理"]) == ("finance", "q3-report", "経理")
    for bad in ("two words", "a,b", "", "x" * 41):
        with pytest.raises(UsageError, match="tag"):
            check_tags([bad])
    with pytest.raises(UsageError, match="maximum is 10"):
        check_tags([f"t{i}" for i in range(11)])


def parse_args(argv: list[str]) -> Parsed | None:
    return parse(COMMAND, argv)


def test_log_arguments() -> None:
    args = parse_args(["fixed", "the", "bug", "-s", "doing", "--tag=a", "-t", "b", "--agent", "ren", "-q"])
    assert args is not None
    assert (args["text"], args["status"], args["tags"], args["agent"], args["quiet"]) == (
        ["fixed", "the", "bug"],
        "doing",
        ["a", "b"],
        "ren",
        True,
    )
    args = parse_args(["--at", "09:30", "--office", "/o", "--db=/d.db", "--", "-5% costs", "--tag"])
    assert args is not None
    assert (args["text"], args["at"], args["office"], args["db"], args["tags"]) == (
        ["-5% costs", "--tag"],
        "09:30",
        "/o",
        "/d.db",
        [],
    )
    assert parse_args(["x", "--help"]) is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "missing argument TEXT"),
        (["--agent", "ren"], "missing argument TEXT"),
        (["text", "--status"], "--status needs a value"),
        (["text", "--stauts", "done"], "unknown option '--stauts' (did you mean '--status'?)"),
        (["-5%"], "text that starts with '-' goes after '--'"),
    ],
)
def test_log_argument_errors(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        parse_args(argv)
