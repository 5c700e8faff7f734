"""The root typer app, its global options, and the registry of command modules.

Each command module registers itself on import and keeps heavy imports inside its functions, so
building this app costs typer and nothing more.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm import __version__
from gizinterm.cli.context import State

app = typer.Typer(
    name="gizin",
    help="Run an office of AI employees in tmux: bring it up, log work, message agents, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"gizin {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    office: Annotated[
        str | None,
        typer.Option("--office", help="Office folder or agents.toml (default: GIZIN_HOME, else search upward)."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Database file (default: GIZIN_DB, else the office's).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """gizinterm: the office of AI employees, in tmux."""
    ctx.obj = State(office=office, db=db)


# Command modules register their commands on `app` when imported.
from gizinterm.cli import blocklist as _blocklist  # noqa: E402,F401
from gizinterm.cli import boundary as _boundary  # noqa: E402,F401
from gizinterm.cli import config as _config  # noqa: E402,F401
from gizinterm.cli import db as _db  # noqa: E402,F401
from gizinterm.cli import doctor as _doctor  # noqa: E402,F401
from gizinterm.cli import guard as _guard  # noqa: E402,F401
from gizinterm.cli import hosts as _hosts  # noqa: E402,F401
from gizinterm.cli import hotcommands as _hotcommands  # noqa: E402,F401
from gizinterm.cli import messages as _messages  # noqa: E402,F401
from gizinterm.cli import notify as _notify  # noqa: E402,F401
from gizinterm.cli import office as _office  # noqa: E402,F401
from gizinterm.cli import outbound as _outbound  # noqa: E402,F401
from gizinterm.cli import schedules as _schedules  # noqa: E402,F401
from gizinterm.cli import tasks as _tasks  # noqa: E402,F401
from gizinterm.cli import ui as _ui  # noqa: E402,F401
from gizinterm.cli import usage as _usage  # noqa: E402,F401
