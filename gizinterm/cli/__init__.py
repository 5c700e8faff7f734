"""The front ends' command line: the typer app (one module per command group) and the hot commands.

The package root imports nothing: `gizin log` and `gizin guard` reach `cli.entry` and `cli.hot` through
it on every agent action, and must not pay for typer. `app` is loaded on first access.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (on the hot path)
if TYPE_CHECKING:
    import typer

__all__ = ["app"]


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        from gizinterm.cli.main import app

        return app
    raise AttributeError(f"module 'gizinterm.cli' has no attribute {name!r}")
