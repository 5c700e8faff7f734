"""Per-invocation state handed from the root callback to every command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from gizinterm.workspace import Workspace


@dataclass
class State:
    office: str | None = None
    db: str | None = None


def open_workspace(ctx: typer.Context) -> Workspace:
    """The workspace for this invocation, honouring --office/--db over the environment."""
    from gizinterm.workspace import Workspace

    state = ctx.find_root().obj if ctx.find_root().obj is not None else State()
    return Workspace.open(office=state.office, db=state.db)
