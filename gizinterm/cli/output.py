"""Output formats shared by every read command: a rich table for people, JSON/NDJSON/CSV for scripts.

stdout carries data only; diagnostics go to stderr, so `--json` output can always be piped.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


def pick_format(json_flag: bool = False, ndjson_flag: bool = False, csv_flag: bool = False) -> Format:
    if json_flag:
        return Format.json
    if ndjson_flag:
        return Format.ndjson
    if csv_flag:
        return Format.csv
    return Format.table


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 agent", "2 agents"; `many` for words that do not just take an s."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: Format,
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Print `rows` in `fmt`. `columns` picks and orders the fields a table or CSV shows."""
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt is Format.json:
        print_json(list(rows))
    elif fmt is Format.ndjson:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(cols)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    else:
        print_table(rows, cols, title=title, headers=headers)


def print_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text objects, never markup: titles carry the office's name and cells agent-written values, either
    # of which may hold "[/]", "[link=…]" or escape sequences.
    shown_title = Text(safe_cell(title)) if title is not None else None
    table = Table(title=shown_title, header_style="bold", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(Text(safe_cell((headers or {}).get(column, column))))
    for row in rows:
        table.add_row(*(Text(safe_cell(row.get(c))) for c in columns))
    Console(soft_wrap=False).print(table)


def safe_cell(value: Any) -> str:
    """A value as one printable cell: control and escape characters shown, not obeyed."""
    text = "" if value is None else str(value)
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)
