"""`cli.spec`: the one declaration each hot command has, read into values, printed as help, refused in one line."""

from __future__ import annotations

import pytest

from gizinterm.cli.spec import Arg, Command, Opt, parse
from gizinterm.cli.spec_help import help_text
from gizinterm.ground.errors import UsageError

DEMO = Command(
    "demo",
    "A command to read.",
    args=[Arg("to", "TO", "who"), Arg("text", "TEXT", "what", required=False)],
    options=[
        Opt("-n", "--count", dest="count", kind="int", metavar="N", minimum=1, maximum=1000, help="how many"),
        Opt("--ratio", dest="ratio", kind="float", minimum=0.5, maximum=2, help="a ratio"),
        Opt("-t", "--tag", dest="tags", kind="many", metavar="TAG", help="a tag"),
        Opt("--color", dest="color", kind="str", choices=("red", "blue"), help="a colour"),
        Opt("--wait", dest="wait", kind="str", const="60", help="wait, optionally how long"),
        Opt("-q", "--quiet", dest="quiet", help="print nothing"),
    ],
)


def values(*argv: str) -> dict[str, object]:
    parsed = parse(DEMO, argv)
    assert parsed is not None
    return parsed.values


def test_every_kind_of_option_is_read() -> None:
    got = values("ren", "hi", "-n", "3", "--ratio=0.75", "-t", "a", "--tag=b", "--color", "red", "-q")
    assert got == {
        "to": "ren",
        "text": "hi",
        "count": 3,
        "ratio": 0.75,
        "tags": ["a", "b"],
        "color": "red",
        "wait": None,
        "quiet": True,
        "office": None,
        "db": None,
    }
    assert values("ren")["tags"] == [] and values("ren")["quiet"] is None


def test_an_option_with_an_optional_value() -> None:
    assert values("ren", "--wait")["wait"] == "60"
    assert values("ren", "--wait", "--quiet")["wait"] == "60"
    assert values("ren", "--wait", "5")["wait"] == "5"
    assert values("ren", "--wait=7")["wait"] == "7"


def test_words_after_a_double_dash_and_dash_led_text_with_spaces_are_arguments() -> None:
    assert values("--", "-odd", "--quiet")["text"] == "--quiet"
    assert values("ren", "- see above")["text"] == "- see above"
    assert values("ren", "--tag=two words")["tags"] == ["two words"]  # a known option still counts
    assert values("ren", "-")["text"] == "-"


def test_globals_are_every_commands() -> None:
    got = values("--office", "/o", "ren", "--db=/d.db")
    assert (got["office"], got["db"]) == ("/o", "/d.db")


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        ((), "missing argument TO"),
        (("a", "b", "c"), "unexpected argument 'c'"),
        (("a", "--count"), "--count needs a value"),
        (("a", "--count", "x"), "--count: 'x' is not a whole number"),
        (("a", "--count", "0"), "--count: 0 is below the minimum, 1"),
        (("a", "--count", "1000"), None),
        (("a", "--count", "1001"), "--count: 1001 is above the maximum, 1000"),
        (("a", "--count", "99999999999999999999"), "--count: 99999999999999999999 is above the maximum, 1000"),
        (("a", "--ratio", "nan"), "--ratio: nan is below the minimum, 0.5"),
        (("a", "--ratio", "inf"), "--ratio: inf is above the maximum, 2"),
        (("a", "--ratio", "1e309"), "--ratio: 1e309 is above the maximum, 2"),
        (("a", "--ratio", "-inf"), "--ratio: -inf is below the minimum, 0.5"),
        (("a", "--ratio", "0.1"), "--ratio: 0.1 is below the minimum, 0.5"),
        (("a", "--color", "green"), "--color: 'green' is not one of red, blue"),
        (("a", "--quiet=yes"), "--quiet takes no value"),
        (("a", "--quite"), "unknown option '--quite' (did you mean '--quiet'?)"),
    ],
)
def test_mistakes_are_one_line_naming_the_command(argv: tuple[str, ...], problem: str | None) -> None:
    if problem is None:
        assert parse(DEMO, argv) is not None
        return
    with pytest.raises(UsageError) as caught:
        parse(DEMO, argv)
    assert str(caught.value) == f"demo: {problem} (see 'gizin demo --help')"


def test_help_lists_every_declared_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse(DEMO, ["ren", "--help"]) is None
    shown = capsys.readouterr().out
    assert shown == help_text(DEMO) + "\n"
    assert shown.startswith("usage: gizin demo TO [TEXT] [--count N] [--ratio RATIO] [--tag TAG]...")
    for opt in DEMO.options:
        assert all(name in shown for name in opt.names)
    assert "--wait [WAIT]" in shown and "(repeatable)" in shown


def test_subcommands_are_chosen_by_their_first_word(capsys: pytest.CaptureFixture[str]) -> None:
    group = Command("grp", "A group.", subcommands=[DEMO_SUB])
    parsed = parse(group, ["one", "x"])
    assert parsed is not None and parsed.command is DEMO_SUB and parsed.values["thing"] == "x"
    assert parse(group, []) is None and "one" in capsys.readouterr().out
    with pytest.raises(UsageError, match=r"^grp: no such command 'onee' \(did you mean 'one'\?\)"):
        parse(group, ["onee"])


DEMO_SUB = Command("grp one", "The first.", args=[Arg("thing", "THING", "a thing")])


@pytest.mark.parametrize("kind", ["int", "float"])
def test_a_number_cannot_be_declared_without_its_range(kind: str) -> None:
    with pytest.raises(AssertionError, match="no range"):
        Opt("--n", dest="n", kind=kind, minimum=0, help="unbounded above")
    with pytest.raises(AssertionError, match="no range"):
        Opt("--n", dest="n", kind=kind, maximum=9, help="unbounded below")
