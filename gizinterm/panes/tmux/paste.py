"""Delivery into panes: paste once, then Enter (messages, DESIGN §3-§4).

The deliverer (messaging/deliverer.py) calls these two. Each is ONE tmux invocation whose first act is to check,
inside the server, that the pane still belongs to the agent, is alive and not in a mode: tmux 3.3a
crashes the whole server on a paste into a dead pane, and keys typed in copy mode go to copy mode.
Message text travels only through stdin (load-buffer -), never on a tmux command line.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from gizinterm.panes.tmux import AGENT_OPTION, TmuxServer


def ready_format(agent: str) -> str:
    """True (1) when the pane still belongs to `agent`, is alive and not in a mode; evaluated by tmux
    in the same invocation as the paste, so no state can change between the check and the paste."""
    return f"#{{&&:#{{==:#{{{AGENT_OPTION}}},{agent}}},#{{&&:#{{==:#{{pane_dead}},0}},#{{==:#{{pane_in_mode}},0}}}}}}"


@dataclass(frozen=True)
class PasteOutcome:
    pasted: bool
    untouched: bool  # provably not pasted: safe to queue again
    reason: str = ""

    @classmethod
    def unsure(cls, reason: str) -> PasteOutcome:
        return cls(False, False, reason)


def paste_into(server: TmuxServer, pane_id: str, agent: str, text: str) -> PasteOutcome:
    """Paste `text` once into `pane_id`, only if it is `agent`'s live pane and not in copy mode."""
    token = secrets.token_hex(6)
    buffer = f"gizin-{token}"
    check = ready_format(agent)
    result = server.call(
        [
            ["load-buffer", "-b", buffer, "-"],
            [
                "if-shell",
                "-F",
                "-t",
                pane_id,
                check,
                f"paste-buffer -p -r -d -b {buffer} -t {pane_id} ; display-message -p {token}-pasted",
                f"delete-buffer -b {buffer} ; display-message -p {token}-refused",
            ],
        ],
        input=text.encode("utf-8"),
    )
    if f"{token}-pasted" in result.stdout:
        return PasteOutcome(True, False)
    if f"{token}-refused" in result.stdout:
        return PasteOutcome(False, True, f"pane {pane_id} is no longer {agent}'s live, idle-mode pane")
    server.call([["delete-buffer", "-b", buffer]])
    if any(sign in result.stderr for sign in ("no server running", "error connecting", "can't find pane")):
        return PasteOutcome(False, True, f"tmux refused before the paste: {result.stderr}")
    return PasteOutcome.unsure(result.stderr or "tmux did not confirm the paste")


@dataclass(frozen=True)
class EnterOutcome:
    status: str  # entered | in-mode | gone | error
    detail: str = ""


def _enter_cmd(pane_id: str, agent: str, marker: str, key: str = "Enter") -> list[str]:
    return [
        "if-shell",
        "-F",
        "-t",
        pane_id,
        ready_format(agent),
        f"send-keys -t {pane_id} {key} ; display-message -p {marker}-entered",
        f"display-message -p -t {pane_id} '{marker}-#{{?pane_in_mode,mode,gone}}'",
    ]


EDIT_KEYS = ("C-u", "BSpace")  # the only other keys gizin presses: clearing its own text from an input box


def press_edit_key(server: TmuxServer, pane_id: str, agent: str, key: str) -> EnterOutcome:
    """Press one of EDIT_KEYS under the same check as Enter (the agent's live pane, not in a mode);
    status `entered` means pressed."""
    if key not in EDIT_KEYS:
        raise ValueError(f"not an edit key: {key}")
    token = secrets.token_hex(6)
    result = server.call([_enter_cmd(pane_id, agent, f"{token}-0", key)])
    found = re.search(rf"^{token}-0-(entered|mode|gone)$", result.stdout, re.MULTILINE)
    if found is None:
        return EnterOutcome("error", result.stderr or "tmux did not answer")
    status = found.group(1)
    return EnterOutcome("in-mode" if status == "mode" else status, _ENTER_DETAIL.get(status, ""))


_ENTER_DETAIL = {"mode": "pane in copy mode", "gone": "the pane died or changed hands"}


def press_enter(server: TmuxServer, pane_id: str, agent: str) -> EnterOutcome:
    """Press Enter in `pane_id` if it is still `agent`'s live pane and not in copy mode (where Enter
    would act on the selection instead)."""
    return press_enter_many(server, [(pane_id, agent)])[pane_id]


def press_enter_many(server: TmuxServer, targets: Sequence[tuple[str, str]]) -> dict[str, EnterOutcome]:
    """`press_enter` for many (pane_id, agent) pairs in one invocation. Markers carry an index, not the
    pane id: display-message passes its text through strftime. A pane that vanished stops tmux's chain;
    the ones after it get their own call."""
    token = secrets.token_hex(6)
    result = server.call([_enter_cmd(p, a, f"{token}-{i}") for i, (p, a) in enumerate(targets)])
    found = dict(re.findall(rf"^{token}-(\d+)-(entered|mode|gone)$", result.stdout, re.MULTILINE))
    outcomes: dict[str, EnterOutcome] = {}
    for i, (pane_id, agent) in enumerate(targets):
        status = found.get(str(i))
        if status is not None:
            outcomes[pane_id] = EnterOutcome("in-mode" if status == "mode" else status, _ENTER_DETAIL.get(status, ""))
        elif len(targets) > 1:
            outcomes[pane_id] = press_enter(server, pane_id, agent)
        elif "can't find pane" in result.stderr:
            outcomes[pane_id] = EnterOutcome("gone", f"pane {pane_id} is gone")
        else:
            outcomes[pane_id] = EnterOutcome("error", result.stderr or "tmux did not answer")
    return outcomes
