"""`--help` of a hot command, formatted from its one declaration (`cli.spec`): usage, what it does, its
arguments and options, its exit codes. Kept apart so an ordinary call never compiles or loads it."""

from __future__ import annotations

from gizinterm.cli.spec import GLOBALS, Command

HELP_WIDTH = 100


def _wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most `width` characters (textwrap would cost an import of re)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line or not lines else lines


def usage(command: Command) -> str:
    if command.subcommands:
        return f"usage: gizin {command.path} {{{','.join(s.path.rpartition(' ')[2] for s in command.subcommands)}}} …"
    parts = [f"gizin {command.path}"]
    for arg in command.args:
        shown = arg.metavar + ("..." if arg.rest else "")
        parts.append(shown if arg.required else f"[{shown}]")
    for opt in command.options:
        if opt in GLOBALS:
            continue
        name = opt.names[-1] if opt.names[-1].startswith("--") else opt.names[0]
        shown = name if opt.kind == "flag" else f"{name} [{opt.metavar}]" if opt.const else f"{name} {opt.metavar}"
        parts.append(f"[{shown}]" + ("..." if opt.kind == "many" else ""))
    return "usage: " + " ".join(parts)


def help_text(command: Command) -> str:
    """`--help`: usage, what the command does, its arguments and options, its exit codes."""
    lines = [usage(command), "", command.description or command.summary]
    if command.subcommands:
        lines += ["", "commands:"]
        lines += [f"  {sub.path.rpartition(' ')[2]:<22} {sub.summary}" for sub in command.subcommands]
    rows = [(arg.metavar, arg.help) for arg in command.args]
    for opt in command.options:
        value = "" if opt.kind == "flag" else f" [{opt.metavar}]" if opt.const else f" {opt.metavar}"
        rows.append((", ".join(opt.names) + value, opt.help + (" (repeatable)" if opt.kind == "many" else "")))
    if rows:
        lines += ["", "arguments and options:"]
        width = min(max(len(left) for left, _ in rows), 28)
        for left, right in rows:
            wrapped = _wrap(right, HELP_WIDTH - width - 4)
            if len(left) > width:
                lines.append(f"  {left}")
                lines += [f"  {'':<{width}}  {part}" for part in wrapped]
            else:
                lines.append(f"  {left:<{width}}  {wrapped[0]}")
                lines += [f"  {'':<{width}}  {part}" for part in wrapped[1:]]
    if command.epilog:
        lines += ["", command.epilog]
    return "\n".join(lines)
