"""Every number a command line can carry has a range, and whatever text arrives, the parsers either
refuse it as a usage error or hand the command a finite value inside that range.

Both parsers are walked whole (the hot commands' `cli.spec` declarations and the typer app), so an
option added later without a range fails here, not in an office.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click import Command as ClickCommand
from typer._click.exceptions import UsageError as ClickUsageError
from typer.main import get_command

from gizinterm.cli import app
from gizinterm.cli.entry import HOT_COMMANDS
from gizinterm.cli.spec import Command, Opt, parse
from gizinterm.ground.bounds import MAX_ID
from gizinterm.ground.errors import UsageError

# Text that looks like a number, and text that only nearly does: what a clumsy or hostile caller types.
NUMBERISH = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "-nan", "inf", "-inf", "1e309", "-1e309", "Infinity", "0x10", "1_000", " 5", "٣", ""]),
    st.text(max_size=12),
)


def hot_options() -> Iterator[tuple[Command, Opt]]:
    def walk(command: Command) -> Iterator[tuple[Command, Opt]]:
        for sub in command.subcommands:
            yield from walk(sub)
        for opt in command.options:
            if opt.kind in ("int", "float"):
                yield command, opt

    for module in HOT_COMMANDS.values():
        yield from walk(importlib.import_module(module).COMMAND)


def typer_numbers() -> Iterator[tuple[str, ClickCommand, Any]]:
    def walk(command: ClickCommand, path: str) -> Iterator[tuple[str, ClickCommand, Any]]:
        for param in command.params:
            if getattr(param.type_descriptor, "annotation", None) in (int, float, int | None, float | None):
                yield path, command, param
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    yield from walk(get_command(app), "gizin")


HOT = list(hot_options())
TYPER = list(typer_numbers())


def test_the_walk_finds_the_numbers_it_guards() -> None:
    assert {opt.dest for _, opt in HOT} >= {"max_items", "summarize_timeout", "work_seconds", "log_every"}
    assert {f"{path} {param.name}" for path, _, param in TYPER} >= {
        "gizin deliver ttl",
        "gizin messages limit",
        "gizin messages retry message_id",
        "gizin tasks done task_id",
        "gizin blocklist audit limit",
        "gizin events limit",
    }


@pytest.mark.parametrize(("path", "command", "param"), TYPER, ids=[f"{p} {q.name}" for p, _, q in TYPER])
def test_every_typer_number_is_declared_with_a_finite_range(path: str, command: ClickCommand, param: Any) -> None:
    low, high = param.min, param.max
    assert low is not None and high is not None, f"{path} {param.name}: no range"
    assert -MAX_ID <= low <= high <= MAX_ID


@pytest.mark.parametrize(("command", "opt"), HOT, ids=[f"{c.path} {o.names[-1]}" for c, o in HOT])
@settings(max_examples=150, deadline=None)
@given(text=NUMBERISH)
def test_a_hot_number_is_refused_in_one_line_or_lies_in_its_range(command: Command, opt: Opt, text: str) -> None:
    argv = [*("x" for arg in command.args if arg.required), f"{opt.names[-1]}={text}"]
    try:
        parsed = parse(command, argv)
    except UsageError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(command.path)
        return
    assert parsed is not None
    value = parsed[opt.dest]
    assert isinstance(value, int | float) and math.isfinite(value)
    assert opt.minimum is not None and opt.maximum is not None
    assert opt.minimum <= value <= opt.maximum


@pytest.mark.parametrize(("path", "command", "param"), TYPER, ids=[f"{p} {q.name}" for p, _, q in TYPER])
@settings(max_examples=100, deadline=None)
@given(text=NUMBERISH)
def test_a_typer_number_is_refused_as_usage_or_lies_in_its_range(
    path: str, command: ClickCommand, param: Any, text: str
) -> None:
    name = param.name
    options: list[str] = []
    positional: list[str] = []
    for p in command.params:  # every required argument gets a harmless value, so only `param` is judged
        first = getattr(p, "opts", [""])[0]
        if p is param:
            (options.append(f"{first}={text}") if first.startswith("-") else positional.append(text))
        elif not first.startswith("-") and getattr(p, "required", False):
            positional.append("x")
    argv = [*options, "--", *positional]
    try:
        ctx = command.make_context(path, argv)
    except ClickUsageError:
        return  # run_typer prints it as one line, exit 2
    value = ctx.params[name]
    assert isinstance(value, int | float) and math.isfinite(value)
    assert param.min <= value <= param.max
