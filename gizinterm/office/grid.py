"""tmux layout strings for the office grid: columns of equal width, each split into rows of equal height.

`gizin up` creates panes with plain splits (whose sizes drift: each split halves its target) and then
applies ONE exact layout per window with `select-layout <string>`. tmux assigns the panes of a window to
the layout's cells in pane-list order, so as long as panes sit in the list column by column, the string
alone fixes every size. This is pure arithmetic, unit-tested without tmux.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_PANE_WIDTH = 40  # enough for an agent's prompt line to stay readable
MIN_PANE_HEIGHT = 6  # a border title, a few lines of output and a prompt


def checksum(body: str) -> int:
    """tmux's 16-bit layout checksum (layout-custom.c), which `select-layout` insists on."""
    csum = 0
    for ch in body.encode():
        csum = (csum >> 1) + ((csum & 1) << 15)
        csum = (csum + ch) & 0xFFFF
    return csum


def split_evenly(total: int, parts: int) -> list[int]:
    """Sizes of `parts` cells filling `total` cells with a one-cell border between neighbours; the first
    cells take the remainder, so any two differ by at most one."""
    usable = total - (parts - 1)
    if parts < 1 or usable < parts:
        raise ValueError(f"cannot fit {parts} panes into {total} cells")
    base, extra = divmod(usable, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def layout_string(width: int, height: int, rows_per_column: Sequence[int]) -> str:
    """The layout for a `width`x`height` window whose columns hold `rows_per_column` panes each,
    panes ordered column by column, top to bottom."""
    columns = [n for n in rows_per_column if n > 0]
    if not columns:
        raise ValueError("a window needs at least one pane")
    widths = split_evenly(width, len(columns))
    cells: list[str] = []
    x = 0
    for column_width, rows in zip(widths, columns, strict=True):
        cells.append(_column(column_width, height, x, rows))
        x += column_width + 1
    body = cells[0] if len(cells) == 1 else f"{width}x{height},0,0{{{','.join(cells)}}}"
    return f"{checksum(body):04x},{body}"


def _column(width: int, height: int, x: int, rows: int) -> str:
    if rows == 1:
        return f"{width}x{height},{x},0"
    leaves: list[str] = []
    y = 0
    for row_height in split_evenly(height, rows):
        leaves.append(f"{width}x{row_height},{x},{y}")
        y += row_height + 1
    return f"{width}x{height},{x},0[{','.join(leaves)}]"


def window_size_for(columns: int, rows: int) -> tuple[int, int]:
    """The smallest window that seats `columns` x `rows` panes at the minimum readable size."""
    return (
        columns * MIN_PANE_WIDTH + (columns - 1),
        rows * MIN_PANE_HEIGHT + (rows - 1),
    )
