"""`gizin demo-agent`, listed in help. The real entry is the hot path in `gizinterm.entry`, which never
reaches typer; this command exists so `gizin --help` shows it and `gizin --office X demo-agent` works."""

from __future__ import annotations

from typing import Annotated

import typer

from gizinterm.cli.main import app


@app.command(
    "demo-agent",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def demo_agent(
    ctx: typer.Context,
    agent: Annotated[str | None, typer.Option("--agent", help="Who this demo agent is (default: GIZIN_AGENT).")] = None,
) -> None:
    """Run the bundled demo AI employee: an interactive prompt that answers messages and logs tasks."""
    from gizinterm import demo_agent as demo

    argv = (["--agent", agent] if agent else []) + list(ctx.args)
    raise typer.Exit(demo.main(argv))
