"""`gizin ack ID`, a hot command (entry.HOT_COMMANDS); it lives beside `gizin send` in sendcmd."""

from __future__ import annotations

from gizinterm.sendcmd import ack_main as main

__all__ = ["main"]
