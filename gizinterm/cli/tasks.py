"""`gizin tasks [done|edit|rm]`: the task log from the command line.

`gizin log` is a hot command (`cli/hot/log.py`), listed in the app by `cli/hotcommands.py`.
"""

from __future__ import annotations

import sys
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gizinterm.cli.context import open_workspace
from gizinterm.cli.main import app
from gizinterm.cli.output import Format, emit_rows, pick_format, print_json
from gizinterm.ground.bounds import MAX_ID, MAX_ROWS
from gizinterm.ground.errors import UsageError

if TYPE_CHECKING:
    from gizinterm.store.tasks import Task
    from gizinterm.workspace import Workspace

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
TABLE_COLUMNS = ("id", "time", "agent", "status", "text", "tags")
FILE_COLUMNS = (
    "id", "day", "created_at", "agent", "agent_name", "status", "text", "tags", "pane_id", "edited_at", "host",
)  # fmt: skip

tasks_app = typer.Typer(
    help="List the task log, and correct it: done, edit, rm (every correction is recorded).",
    invoke_without_command=True,
)
app.add_typer(tasks_app, name="tasks")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
TaskId = Annotated[int, typer.Argument(metavar="ID", min=1, max=MAX_ID)]


@tasks_app.callback()
def list_tasks(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", "-d", metavar="DAY", help="Office day YYYY-MM-DD, 'today' or 'yesterday' (default today)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DAY|TIME", help="From this day (YYYY-MM-DD) or time (ISO-8601), inclusive."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DAY|TIME", help="To this day (inclusive) or time (exclusive).")
    ] = None,
    agent: Annotated[
        list[str] | None, typer.Option("--agent", "-a", metavar="ID", help="Only this agent (repeatable).")
    ] = None,
    department: Annotated[
        list[str] | None, typer.Option("--department", metavar="NAME", help="Only this department (repeatable).")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="WORDS", help="Words that must all appear.")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", metavar="STATUS", help="done, doing or blocked (repeatable).")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", metavar="TAG", help="Only tasks with this tag.")] = None,
    removed: Annotated[bool, typer.Option("--removed", help="Include tasks removed with `tasks rm`.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, max=MAX_ROWS, metavar="N", help="Only the newest N.")
    ] = None,
    json: JsonFlag = False,
    ndjson: Annotated[bool, typer.Option("--ndjson", help="One JSON object per line.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
) -> None:
    """List tasks of one office day (default today), a range, an agent or a department, or a search."""
    if ctx.invoked_subcommand is not None:
        return
    from gizinterm.store.tasks import check_status

    ws = open_workspace(ctx)
    filters: dict[str, Any] = {"search": search, "tag": tag, "include_deleted": removed, "limit": limit}
    if status:
        filters["status"] = [check_status(s) for s in status]
    if date is not None and (since is not None or until is not None):
        raise UsageError("--date cannot be combined with --since/--until")
    if since is None and until is None:
        filters["day"] = _day(ws, date or "today", "--date")
    else:
        _range(ws, filters, since, until)
    agents = [_agent(ws, a) for a in agent] if agent else None
    tasks = ws.tasks(agents=agents, departments=department or None, **filters)
    fmt = pick_format(json, ndjson, csv)
    if fmt is Format.table:
        _table(ws, tasks, filters)
    else:
        rows = [_row(t, csv=fmt is Format.csv) for t in tasks]
        emit_rows(rows, fmt, FILE_COLUMNS)


def _agent(ws: Workspace, agent_id: str) -> str:
    """A roster id, or the id of someone who has left the roster but whose tasks are still logged."""
    from gizinterm.ground.errors import NotFoundError

    try:
        return ws.roster.agent(agent_id).id
    except NotFoundError:
        if ws.tasks(agents=[agent_id], include_deleted=True, limit=1):
            return agent_id
        raise


def _day(ws: Workspace, value: str, option: str) -> str:
    from gizinterm.ground.days import parse_day, shift_day

    today = ws.today()
    if value == "today":
        return today
    if value == "yesterday":
        return shift_day(today, -1)
    try:
        return parse_day(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}, 'today' or 'yesterday'") from None


def _range(ws: Workspace, filters: dict[str, Any], since: str | None, until: str | None) -> None:
    """A bound that is a day compares office days; one that is a time compares when the work happened."""
    from gizinterm.ground.days import parse_time

    for option, value, day_key, time_key in (
        ("--since", since, "first_day", "since"),
        ("--until", until, "last_day", "until"),
    ):
        if value is None:
            continue
        if (len(value) == 10 and value.count("-") == 2) or value in ("today", "yesterday"):
            filters[day_key] = _day(ws, value, option)
            continue
        try:
            filters[time_key] = parse_time(value, ws.roster.office.tzinfo)
        except ValueError as exc:
            raise UsageError(f"{option}: {exc}") from None


def _row(task: Task, *, csv: bool = False) -> dict[str, Any]:
    row = task.to_dict()
    if csv:
        row["tags"] = ",".join(task.tags)
    return row


def _table(ws: Workspace, tasks: list[Task], filters: dict[str, Any]) -> None:
    tz = ws.roster.office.tzinfo  # times on the office clock, like the days they are filed under
    many_days = len({t.day for t in tasks}) > 1
    rows = [
        {
            "id": t.id,
            "time": (f"{t.day} " if many_days else "") + t.created_at.astimezone(tz).strftime("%H:%M"),
            "agent": t.agent_name + (f" @{t.host}" if t.host else ""),  # remote rows say where they were logged
            "status": t.status + (" (removed)" if t.deleted_at else ""),
            "text": t.text,
            "tags": " ".join(t.tags),
        }
        for t in tasks
    ]
    when = filters.get("day") or _describe_range(filters, tz)
    emit_rows(
        rows,
        Format.table,
        TABLE_COLUMNS,
        title=f"{ws.roster.office.name} · {when} · {len(rows)} task{'' if len(rows) == 1 else 's'}",
    )
    if not rows:
        print("no tasks match", file=sys.stderr)


def _describe_range(filters: dict[str, Any], tz: tzinfo | None) -> str:
    start = filters.get("first_day") or _local(filters.get("since"), tz) or "…"
    end = filters.get("last_day") or _local(filters.get("until"), tz) or "now"
    return f"{start} – {end}"


def _local(moment: datetime | None, tz: tzinfo | None) -> str | None:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else None


def _by() -> str:
    """Who makes a correction: the agent when run as one (GIZIN_AGENT, else its pane's @gizin-agent,
    as for `gizin log`), else the operator. An agent may correct only its own tasks."""
    from gizinterm.office.identity import caller_identity

    return caller_identity() or "operator"


def _corrected(task: Task, what: str, json: bool) -> None:
    if json:
        print_json(task.to_dict())
    else:
        print(f"task #{task.id} {what}: {task.agent_name}: {task.text}")


@tasks_app.command("done")
def done(ctx: typer.Context, task_id: TaskId, json: JsonFlag = False) -> None:
    """Mark a task done (one logged as doing or blocked)."""
    _corrected(open_workspace(ctx).correct_task(task_id, "done", by=_by()), "marked done", json)


@tasks_app.command("edit")
def edit(
    ctx: typer.Context,
    task_id: TaskId,
    text: Annotated[str, typer.Argument(help="The corrected text (the old one is kept in the history).")],
    json: JsonFlag = False,
) -> None:
    """Replace a task's text; the old text stays in the task's history."""
    _corrected(open_workspace(ctx).correct_task(task_id, "edit", text, by=_by()), "edited", json)


@tasks_app.command("rm")
def rm(ctx: typer.Context, task_id: TaskId, json: JsonFlag = False) -> None:
    """Remove a task from listings and reports; the row and the removal are kept (see `tasks history`)."""
    _corrected(open_workspace(ctx).correct_task(task_id, "rm", by=_by()), "removed", json)


@tasks_app.command("history")
def history(ctx: typer.Context, task_id: TaskId, json: JsonFlag = False) -> None:
    """A task as logged and every correction made to it since."""
    ws = open_workspace(ctx)
    task = ws.task(task_id)
    changes = [
        {
            "at": c.at.isoformat(),
            "by": c.by,
            "action": c.action,
            "old_value": c.old_value,
            "new_value": c.new_value,
        }
        for c in ws.task_changes(task_id)
    ]
    if json:
        print_json({"task": task.to_dict(), "changes": changes})
        return
    print(f"task #{task.id} by {task.agent_name} on {task.day}: {task.text}")
    emit_rows(changes, Format.table, ["at", "by", "action", "old_value", "new_value"])
