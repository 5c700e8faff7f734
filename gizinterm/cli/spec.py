"""Each hot command declared once: its arguments, options and help, as data read by a small parser.

Agents run `gizin log`, `send`, `ack` and `guard` all day, and `up`, `status` and `report` must cost little
more than their work, so these commands never import typer (nor argparse, whose import alone is a
measurable share of `gizin log`). Their declarations here are the only ones: the parser reads them, `--help`
prints them, and the typer app lists the same commands from them (`cli/hotcommands.py`), so an option is
written once and `gizin --office X log …` behaves as `gizin log …`.

Usage errors are one line, `COMMAND: problem (see 'gizin COMMAND --help')`, exit 2 through UsageError.
This module imports nothing beyond the stdlib's builtins: it runs before every agent action.
"""

from __future__ import annotations

from gizinterm.ground.errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from collections.abc import Sequence

    Value = str | int | float | bool | list[str] | None

KINDS = ("flag", "str", "int", "float", "many")


class Opt:
    """An option. `kind`: flag (True when given), str, int, float, many (repeatable str, a list).
    `const`: the option may stand without its value, which is then `const` (`send --wait`).

    A number must be declared with its range (`minimum`, `maximum`): an unbounded one is how `inf`,
    `nan` or a 20-digit id reach a lease or SQLite. Refused at declaration, so no command can forget."""

    __slots__ = ("choices", "const", "dest", "help", "kind", "maximum", "metavar", "minimum", "names")

    def __init__(
        self,
        *names: str,
        dest: str,
        help: str,
        kind: str = "flag",
        metavar: str = "",
        choices: Sequence[str] = (),
        minimum: float | None = None,
        maximum: float | None = None,
        const: str | None = None,
    ) -> None:
        assert kind in KINDS, kind
        assert kind not in ("int", "float") or (minimum is not None and maximum is not None), f"{names}: no range"
        self.names = names
        self.dest = dest
        self.help = help
        self.kind = kind
        self.metavar = metavar or ("|".join(choices) if choices else dest.upper())
        self.choices = tuple(choices)
        self.minimum = minimum
        self.maximum = maximum
        self.const = const


class Arg:
    """A positional argument; `rest` takes every remaining word (joined by the command itself)."""

    __slots__ = ("dest", "help", "metavar", "required", "rest")

    def __init__(self, dest: str, metavar: str, help: str, *, required: bool = True, rest: bool = False) -> None:
        self.dest = dest
        self.metavar = metavar
        self.help = help
        self.required = required
        self.rest = rest


# Every command takes the global options too, so `gizin log --office X …` works as `gizin --office X log …`.
GLOBALS = (
    Opt("--office", dest="office", kind="str", metavar="DIR", help="office folder or agents.toml"),
    Opt("--db", dest="db", kind="str", metavar="FILE", help="database file"),
)
HELP_NAMES = ("-h", "--help")


class Command:
    __slots__ = ("args", "description", "epilog", "options", "path", "subcommands", "summary", "unknown_hint")

    def __init__(
        self,
        path: str,
        summary: str,
        *,
        description: str = "",
        args: Sequence[Arg] = (),
        options: Sequence[Opt] = (),
        epilog: str = "",
        subcommands: Sequence[Command] = (),
        unknown_hint: str = "",
    ) -> None:
        self.path = path  # "log", "report next-move"
        self.summary = summary  # one line: `gizin --help` lists it
        self.description = description
        self.args = tuple(args)
        self.options = (*options, *GLOBALS) if not subcommands else ()
        self.epilog = epilog
        self.subcommands = tuple(subcommands)
        self.unknown_hint = unknown_hint

    def fail(self, problem: str) -> UsageError:
        """A usage error in one line, whatever the caller typed: a word it echoes may hold a newline or
        an escape sequence, shown here as its Python escape (`\\n`, `\\x1b`) and never acted on."""
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in problem)
        return UsageError(f"{self.path}: {shown} (see 'gizin {self.path} --help')")

    def option(self, name: str) -> Opt | None:
        for opt in self.options:
            if name in opt.names:
                return opt
        return None


class Parsed:
    """What a command line said: the (sub)command it named and its values by `dest`."""

    __slots__ = ("command", "values")

    def __init__(self, command: Command, values: dict[str, Value]) -> None:
        self.command = command
        self.values = values

    def __getitem__(self, dest: str) -> Value:
        return self.values[dest]

    def text(self, dest: str) -> str | None:
        value = self.values[dest]
        return value if isinstance(value, str) else None


def parse(command: Command, argv: Sequence[str]) -> Parsed | None:
    """The values `argv` gives `command`, or None after printing the help that -h/--help asked for."""
    words = list(argv)
    if command.subcommands:
        if not words or words[0] in HELP_NAMES:
            _print_help(command)
            return None
        chosen = next((sub for sub in command.subcommands if sub.path.rpartition(" ")[2] == words[0]), None)
        if chosen is None:
            names = [sub.path.rpartition(" ")[2] for sub in command.subcommands]
            raise command.fail(f"no such command '{words[0]}'{_hint(words[0], names)}")
        return parse(chosen, words[1:])
    values: dict[str, Value] = {opt.dest: ([] if opt.kind == "many" else None) for opt in command.options}
    positional: list[str] = []
    only_words = False
    while words:
        word = words.pop(0)
        if only_words or word == "-" or not word.startswith("-") or _is_words(command, word):
            positional.append(word)
            continue
        if word == "--":
            only_words = True
            continue
        if word in HELP_NAMES:
            _print_help(command)
            return None
        name, equals, inline = word.partition("=")
        opt = command.option(name)
        if opt is None:
            names = [n for o in command.options for n in o.names if n.startswith("--")]
            raise command.fail(f"unknown option '{name}'{_hint(name, names)}{command.unknown_hint}")
        if opt.kind == "flag":
            if equals:
                raise command.fail(f"{name} takes no value")
            values[opt.dest] = True
            continue
        if equals:
            text = inline
        elif words and (opt.const is None or not words[0].startswith("-")):
            text = words.pop(0)
        elif opt.const is not None:
            text = opt.const
        else:
            raise command.fail(f"{name} needs a value")
        value = _convert(command, opt, name, text)
        current = values[opt.dest]
        if isinstance(current, list):
            current.append(text)
        else:
            values[opt.dest] = value
    _place(command, positional, values)
    return Parsed(command, values)


def _is_words(command: Command, word: str) -> bool:
    """A dash-led word with a space in it is text, not an option (`gizin send a1 "- see above"`), as
    argparse reads it, unless it starts with a known option (`--tag=two words` is still --tag)."""
    return " " in word and command.option(word.partition("=")[0]) is None


def _convert(command: Command, opt: Opt, name: str, text: str) -> Value:
    if opt.choices and text not in opt.choices:
        raise command.fail(f"{name}: '{text}' is not one of {', '.join(opt.choices)}")
    if opt.kind not in ("int", "float"):
        return text
    try:
        number: int | float = int(text) if opt.kind == "int" else float(text)
    except ValueError:
        raise command.fail(f"{name}: '{text}' is not {'a whole number' if opt.kind == 'int' else 'a number'}") from None
    return in_range(command, name, text, number, opt.minimum, opt.maximum)


def in_range(
    command: Command, name: str, text: str, number: float, minimum: float | None, maximum: float | None
) -> float:
    """`number` if it lies in [minimum, maximum]. nan and the infinities never do: comparisons with nan
    are false, so each test is written as `not inside`, and a finite range shuts out both infinities."""
    if minimum is not None and not number >= minimum:
        raise command.fail(f"{name}: {text} is below the minimum, {minimum:g}")
    if maximum is not None and not number <= maximum:
        raise command.fail(f"{name}: {text} is above the maximum, {maximum:g}")
    return number


def _place(command: Command, positional: list[str], values: dict[str, Value]) -> None:
    for arg in command.args:
        if arg.rest and (positional or not arg.required):
            values[arg.dest] = list(positional)
            positional.clear()
        elif positional:
            values[arg.dest] = positional.pop(0)
        elif arg.required:
            raise command.fail(f"missing argument {arg.metavar}")
        else:
            values[arg.dest] = None
    if positional:
        raise command.fail(f"unexpected argument '{positional[0]}'")


def _hint(word: str, names: list[str]) -> str:
    from gizinterm.ground.validate import did_you_mean  # error path only: difflib is not free

    return did_you_mean(word, names)


def _print_help(command: Command) -> None:
    from gizinterm.cli.spec_help import help_text  # only --help pays for formatting it

    print(help_text(command))
