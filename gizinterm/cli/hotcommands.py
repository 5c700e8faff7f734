"""The hot commands in the typer app: listed in `gizin --help` from their one declaration (`cli.spec`).

`cli.entry` runs a hot command without typer, global options included, so these entries exist for the
listing and for the rare path through typer (`gizin --version`-style options mixed in before the command).
Each passes its words through untouched to the same `main` the fast path calls: nothing is declared twice.
"""

from __future__ import annotations

import importlib

import typer

from gizinterm.cli.context import State
from gizinterm.cli.entry import HOT_COMMANDS
from gizinterm.cli.main import app

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
OWN_GROUP = ("guard",)  # a typer group of its own (`guard install|selftest`), which delegates the hook


def hot_main(name: str, ctx: typer.Context, words: list[str]) -> int:
    """Run hot command `name` on `words` with the global options typer already read."""
    obj = ctx.find_root().obj
    state = obj if isinstance(obj, State) else State()
    module = importlib.import_module(HOT_COMMANDS[name])
    return int(module.main(words, office=state.office, db=state.db))


def _register(name: str) -> None:
    summary = importlib.import_module(HOT_COMMANDS[name]).COMMAND.summary

    def command(ctx: typer.Context) -> None:
        raise typer.Exit(hot_main(name, ctx, list(ctx.args)))

    command.__doc__ = summary
    app.command(name, help=summary, context_settings=PASS_THROUGH, add_help_option=False)(command)


for _name in HOT_COMMANDS:
    if _name not in OWN_GROUP:
        _register(_name)
