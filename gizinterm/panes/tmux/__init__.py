"""The office's tmux server: run chained commands, read every pane, capture many panes, at constant cost.

Everything that talks to tmux goes through `TmuxServer`, and bulk work goes to tmux as ONE invocation of
commands chained with `;` (DESIGN §3: 34 chained commands cost what 2 separate ones do). Panes are always
addressed by `%pane_id`, sessions by `=name` (exact match; a bare name prefix-matches).

Why this module runs the `tmux` binary itself instead of going through libtmux: `gizin up` must be at
least 5x faster than `tmuxp load` as a whole process, and `gizin status` is polled by scripts and the
dashboard. libtmux costs ~100-230 ms to import and its `Server.cmd` is a thin wrapper over the same
`subprocess` call made here, so on these paths it would add start-up time and nothing else. Nothing in
gizinterm needs libtmux's object model; if a feature ever does, import it inside that function, here.

Sections: the server handle and chaining; reading panes; capturing. Delivery (paste once, then Enter)
lives in `gizinterm.panes.tmux.paste`, beside this module, so tmux is still only talked to from this package.

The package root re-exports `server` (the handle and chaining) and `panes` (reading and capturing).
"""

from __future__ import annotations

from gizinterm.panes.tmux.panes import (
    CHANGED_OPTION,
    EXIT_SEEN_OPTION,
    HASH_OPTION,
    PANE_FIELDS,
    PANE_FORMAT,
    SEP,
    STARTED_OPTION,
    STOPPED_OPTION,
    TITLE_OPTION,
    WINDOW_OPTION,
    PaneInfo,
    _float,
    _int,
    _last_key,
    _split_captures,
    capture_cmd,
    capture_many,
    list_panes,
    list_panes_cmd,
    nudge_reaper,
    panes_by_agent,
    parse_panes,
)
from gizinterm.panes.tmux.server import (
    AGENT_OPTION,
    ARGV_LIMIT,
    CONF_ESCAPES,
    INSTALL_HINT,
    MIN_VERSION,
    TIMEOUT,
    Command,
    Result,
    TmuxServer,
    chain,
    escape_arg,
    inert,
    parse_version,
    quote_conf,
    require_tmux,
    server_for,
    tmux_version,
)

__all__ = [
    "AGENT_OPTION",
    "ARGV_LIMIT",
    "CHANGED_OPTION",
    "CONF_ESCAPES",
    "EXIT_SEEN_OPTION",
    "HASH_OPTION",
    "INSTALL_HINT",
    "MIN_VERSION",
    "PANE_FIELDS",
    "PANE_FORMAT",
    "SEP",
    "STARTED_OPTION",
    "STOPPED_OPTION",
    "TIMEOUT",
    "TITLE_OPTION",
    "WINDOW_OPTION",
    "Command",
    "PaneInfo",
    "Result",
    "TmuxServer",
    "_float",
    "_int",
    "_last_key",
    "_split_captures",
    "capture_cmd",
    "capture_many",
    "chain",
    "escape_arg",
    "inert",
    "list_panes",
    "list_panes_cmd",
    "nudge_reaper",
    "panes_by_agent",
    "parse_panes",
    "parse_version",
    "quote_conf",
    "require_tmux",
    "server_for",
    "tmux_version",
]
