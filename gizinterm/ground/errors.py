"""Typed errors and the one table that maps them to exit codes.

Services raise these; front ends (the CLI, the TUI) decide how to show them. Keeping the exit code on the
exception class means every command agrees on what a code means without a lookup scattered per command.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (README "Exit codes"). Scripts and hooks depend on these values."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    POLICY = 3
    TMUX = 4
    NOT_FOUND = 5


class GizinError(Exception):
    """Base for every error a user can cause or fix; its message is one line meant for a human."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(GizinError):
    """A command was called with arguments it cannot act on."""

    exit_code = ExitCode.USAGE


class ConfigError(GizinError):
    """A configuration file is wrong; the message names the file, the line where known, and the field."""

    exit_code = ExitCode.USAGE

    def __init__(self, file: str, field: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        prefix = f"{where}: {field}: " if field else f"{where}: "
        super().__init__(prefix + problem)


class PolicyRefused(GizinError):
    """The outbound policy refused an action; scripts treat this as a decision, not a failure."""

    exit_code = ExitCode.POLICY


class TmuxError(GizinError):
    """tmux is missing, too old, or the office is not running."""

    exit_code = ExitCode.TMUX


class NotFoundError(GizinError):
    """A named agent, message or task does not exist."""

    exit_code = ExitCode.NOT_FOUND
