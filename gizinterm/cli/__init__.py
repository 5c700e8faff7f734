"""The typer front end: thin commands over the workspace façade, one module per command group."""

from gizinterm.cli.main import app

__all__ = ["app"]
