"""Interactive sessions a hook cannot follow.

Codex runs `exec_command` with `tty: true` as a session the model then types into with `write_stdin`,
and no hook sees what it types (verified with Codex CLI 0.171.0). A shell or REPL started that way is a
way around the hook for everything typed later, so the guard refuses to open one: the model can run
each command directly, where the hook reads it. Hosts stay enforced by the network boundary either way;
what this protects is the hook's own job, recipients (a `mail` typed into that shell, say).
"""

from __future__ import annotations

SHELLS = {"sh", "bash", "zsh", "dash", "fish", "ksh", "mksh", "tcsh", "csh", "busybox", "env"}
REPLS = {
    "python", "python3", "ipython", "bpython", "node", "deno", "bun", "irb", "ruby", "perl", "php", "lua",
    "R", "ghci", "julia", "psql", "mysql", "sqlite3", "redis-cli", "mongosh", "mongo", "ssh", "telnet",
    "nc", "ncat", "socat", "ftp", "sftp", "tmux", "screen", "script", "expect", "gdb", "su", "sudo",
}  # fmt: skip
CONNECTORS = {"ssh", "telnet", "nc", "ncat", "socat", "ftp", "sftp", "tmux", "screen"}
DB_CLIENTS = {"psql", "mysql", "mongosh", "mongo"}
RUNS_GIVEN_CODE = {"-c", "-e", "-m", "--command", "--eval", "-f", "--file", "-Command"}


def interactive_program(command: str) -> str | None:
    """The shell or REPL `command` would leave waiting for typed input, or None.

    A program given the code to run (`bash -c CMD`, `python3 script.py`, `psql -c SQL`) is not
    interactive; a bare one, or one given only options, is."""
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return "an unparsable command"
    while words and ("=" in words[0] and not words[0].startswith("-")):
        words = words[1:]  # VAR=value prefixes
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    if name not in SHELLS and name not in REPLS:
        return None
    rest = words[1:]
    if name in ("env", "sudo", "su", "busybox") and rest:
        inner = [w for w in rest if not w.startswith("-")]
        return interactive_program(" ".join(shlex.quote(w) for w in inner)) if inner else name
    if name in CONNECTORS:
        return name  # a session elsewhere, whatever its arguments
    if any(w in RUNS_GIVEN_CODE for w in rest):
        return None
    if name in DB_CLIENTS:
        return name  # `psql -h HOST db` is still a prompt: only -c/-f give it the work
    return None if any(not w.startswith("-") for w in rest) else name  # a script (or command) to run
