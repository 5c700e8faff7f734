"""The `gizin` executable: a tiny dispatcher in front of the typer app.

Agents call a few commands all day (`gizin log`, `gizin guard`), so those get a path that never imports
typer, rich or anything heavy: the command name (after any global options) picks a module in `cli.hot`
with `COMMAND` (its one declaration, `cli.spec`) and `main(argv, office=, db=) -> int`. Every other
command goes to the typer app, which lists the hot ones from the same declarations. Errors become one
line on stderr and a documented exit code here, in one place, for both paths.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

TYPE_CHECKING = False  # `typing` itself stays off the hot paths
if TYPE_CHECKING:
    import typer

# Command name -> module with COMMAND (its declaration) and `main(argv, office=, db=) -> int`. Only commands
# on an agent's hot path belong here; they must import nothing beyond the stdlib and gizinterm's light modules.
HOT_COMMANDS: dict[str, str] = {
    "demo-agent": "gizinterm.cli.hot.demo",  # every demo pane starts one
    "guard": "gizinterm.cli.hot.guard",  # the PreToolUse hook: runs before every tool call of every agent
    "log": "gizinterm.cli.hot.log",
    "send": "gizinterm.cli.hot.send",
    "ack": "gizinterm.cli.hot.ack",
    "report": "gizinterm.cli.hot.report",  # reports should cost no more than start-up (issue 7 benchmark)
    "up": "gizinterm.cli.hot.up",  # the whole process must beat tmuxp 5x: no typer (issue 3 benchmark)
    "status": "gizinterm.cli.hot.status",  # polled by scripts and cron
    "host-rows": "gizinterm.cli.hot.hostrows",  # the office's pull runs it on every host, over SSH
    "host-procs": "gizinterm.cli.hot.hostprocs",  # remote stop/restart end an agent's processes with it
    "host-policy": "gizinterm.cli.hot.hostpolicy",  # the office runs it on each host after a policy push
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_dashboard(args):
        args.append("ui")
    from gizinterm.ground.errors import ExitCode, GizinError

    try:
        office, db, rest = split_globals(args)
        if rest and rest[0] in HOT_COMMANDS:
            module = importlib.import_module(HOT_COMMANDS[rest[0]])
            return int(module.main(rest[1:], office=office, db=db))
        return run_typer(args)
    except GizinError as exc:
        _fail(str(exc))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`gizin tasks | head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    except Exception as exc:  # the last line of defence: never a bare traceback for the user
        if os.environ.get("GIZIN_DEBUG"):
            raise
        if type(exc).__module__ == "sqlite3":  # sqlite3.Error, without importing sqlite3 for every command
            # The database file changed under the command (damaged, replaced, made read-only, full disk):
            # not a bug in gizin, and not something to retry blindly.
            _fail(f"the office database cannot be used: {exc} (see 'gizin db backup' to keep a good copy)")
            return int(ExitCode.USAGE)
        _fail(f"internal error: {type(exc).__name__}: {exc} (set GIZIN_DEBUG=1 for the traceback)")
        return int(ExitCode.INTERNAL)


# Global options that take a value: `gizin --office DIR` names no command, so it still means the dashboard.
VALUE_OPTIONS = ("--office", "--db")


def at_terminal() -> bool:
    """Keys come from a terminal and the screen goes to one: what a full-screen app needs (`gizin ui`
    checks it too). A closed stdin or stdout (None) is no terminal."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def wants_dashboard(args: Sequence[str]) -> bool:
    """`gizin` alone (or with only global options) opens the dashboard, but only at a terminal: a script
    or a pipe gets the help text instead of a full-screen app it cannot drive."""
    if not at_terminal():
        return False
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word in VALUE_OPTIONS:
            if not rest:
                return False
            rest.pop(0)
        elif not word.startswith(("--office=", "--db=")):
            return False
    return True


def split_globals(args: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """The global options before the command (`gizin --office X log …`), and the words from the command
    on. Anything else before the command (`--version`, `--help`, a typo) is the typer app's to answer."""
    found: dict[str, str] = {}
    rest = list(args)
    while rest:
        name, equals, value = rest[0].partition("=")
        if name not in VALUE_OPTIONS:
            break
        if not equals:
            if len(rest) < 2:
                return None, None, list(args)  # a missing value: typer's usage error says so
            value = rest[1]
            rest = rest[1:]
        found[name] = value
        rest = rest[1:]
    return found.get("--office"), found.get("--db"), rest


def _fail(message: str) -> None:
    """One line on stderr, whatever the message quotes: a value echoed from a file or a command line may
    hold a newline or an escape sequence, shown as its Python escape (`\\n`, `\\x1b`), never obeyed."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    print(f"gizin: {shown}", file=sys.stderr)


def _only_named(app: typer.Typer, name: str) -> typer.Typer:
    """The app with only the command or group `name`, when one has that name; else the whole app.

    typer builds the click object of every command on each run, evaluating each one's type hints: about
    0.25 s of a 0.4 s `gizin agents`. A run that names its command needs only that one; `--help`, an
    option first or an unknown name (typer suggests the near ones) get the whole tree as before."""
    import copy

    from typer.main import get_command_name

    def named(given: object, callback: object) -> str:
        return given if isinstance(given, str) else get_command_name(getattr(callback, "__name__", ""))

    commands = [c for c in app.registered_commands if named(c.name, c.callback) == name]
    groups = [g for g in app.registered_groups if isinstance(g.name, str) and g.name == name]
    if not name or name.startswith("-") or not (commands or groups):
        return app
    slim = copy.copy(app)
    slim.registered_commands, slim.registered_groups = commands, groups
    return slim


def run_typer(args: list[str]) -> int:
    """Run the typer app, turning its usage errors into gizin's one-line form.

    typer's own reporting prints the usage block, a hint and the error on four lines; scripts and people
    get one line naming the command instead, with the same exit code (2).
    """
    import typer
    from typer.main import get_command

    from gizinterm.cli import app

    command = get_command(_only_named(app, args[0] if args else ""))
    try:
        result = command.main(args=args, prog_name="gizin", standalone_mode=False)
    except typer.Abort:
        _fail("aborted")
        return 1
    except typer.TyperException as exc:  # click's usage errors (typer vendors click)
        message = exc.format_message()
        if "\n" in message:  # a group called without a subcommand: its help is the message
            print(message, file=sys.stderr)
        else:
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "gizin"
            command_name = where.removeprefix("gizin").strip()
            _fail(f"{command_name + ': ' if command_name else ''}{message} (see '{where} --help')")
        return int(getattr(exc, "exit_code", 2))
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        _fail(str(code))
        return 1
    # Without standalone mode, `typer.Exit(code)` comes back as the return value.
    return result if isinstance(result, int) and not isinstance(result, bool) else 0
