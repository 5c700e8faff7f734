"""`gizin db backup PATH`: a consistent copy of the office database while the office keeps running."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import print_json

db_app = typer.Typer(help="The office database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Target file, or a folder for a timestamped file.")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Copy the database with SQLite's backup API (a file copy of the .db would lose what is still in
    its WAL), check the copy, and only then put it at PATH."""
    result = open_workspace(ctx).backup_db(path, force=force)
    if json:
        print_json(
            {
                "source": str(result.source),
                "target": str(result.target),
                "bytes": result.bytes,
                "tasks": result.tasks,
                "check": result.check,
            }
        )
    else:
        print(f"backed up {result.source} to {result.target} ({result.tasks} tasks, {result.bytes:,} bytes, check ok)")
