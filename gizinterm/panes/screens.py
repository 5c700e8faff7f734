"""What the real agent CLIs show on screen, recognised positively: their input box at rest, their dialogs,
their work in progress. Anything else is `unknown`, never `idle`.

The rules are data, one `Recogniser` per CLI, written from the screens the real programs drew in a tmux
pane (the corpus in tests/fixtures/screens/<kind>/<version>/, whose every screen a test reads back) and
from the titles they set. `verified` names the version they were taken from; a newer version may draw
differently, and then unrecognised screens make messages wait, which is the safe way to be wrong.

Why positive: Enter on a screen read as "idle by default" approved shell commands, accepted folder-trust
and API-key dialogs and answered questions on the operator's behalf. A dialog can sit anywhere on the
screen (Codex's approval question is 13 lines above the bottom), so dialogs are searched on the whole
visible screen, and the input box must be found, at rest, before anything is typed into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

BRAILLE_SPINNER = r"^[\u2800-\u28ff] "  # a spinner frame in the pane title, then a space


@dataclass(frozen=True)
class Recogniser:
    kind: str
    verified: str  # the CLI version whose real screens these rules were written from
    box: str  # the live input box; group "text" is its content (MULTILINE|DOTALL)
    empty: str  # the box's content when nothing is typed: blank, or the CLI's placeholder
    at_rest: tuple[str, ...] = ()  # also on screen whenever the CLI waits for input with an empty box
    dialogs: tuple[tuple[str, str], ...] = ()  # (what it is, pattern): any on screen means a person must act
    working: tuple[str, ...] = ()  # any on screen means the CLI is busy
    working_title: str = ""  # the pane title while busy
    waiting_title: str = ""  # the pane title while a person must act
    pasted: tuple[str, ...] = ()  # what a long paste shows in the box instead of its text
    enter_delay: float = 0.1  # seconds between the paste and Enter (Gemini takes an earlier Enter as a newline)
    settle: float = 0.0  # seconds the box must have been at rest before the first paste (Claude drops an early Enter)
    continuation: str = "  "  # indentation of the box's further lines
    # The CLI's "usage limit reached" message (group "reset": when it ends, as the CLI words it), and a
    # prompt already sent as it shows in the history: a limit message no prompt followed is the latest word.
    limits: tuple[str, ...] = ()
    prompt: str = ""


@dataclass(frozen=True)
class Reading:
    """What one screen says. state: waiting | working | idle | unknown. `box` is the input box's text
    ("" when empty), or None when no input box is on screen."""

    state: str
    detail: str = ""
    box: str | None = None
    reset: str = ""  # `limited`: when the limit ends, as the CLI wrote it ("11:13 PM"); "" when it did not say

    @property
    def ready(self) -> bool:
        """The CLI waits for input with an empty box: the only screen a message may be pasted into."""
        return self.state == "idle" and self.box == ""


RULE = "\u2500{20,}"  # ─ across the pane

RECOGNISERS: dict[str, Recogniser] = {
    "claude": Recogniser(
        kind="claude",
        verified="2.1.197",
        # ❯ and a NO-BREAK SPACE open the live box between two full-width rules; prompts in the
        # scroll-back use a plain space, so they never match.
        box=rf"^{RULE}\n\u276f\u00a0(?P<text>.*?)\n{RULE}$",
        empty=r"",
        dialogs=(
            ("permission prompt", r"Do you want to proceed\?"),
            ("permission prompt", r"Do you want to allow Claude to"),
            ("permission prompt", r"Esc to cancel · Tab to amend"),
            ("question", r"Enter to select · ↑/↓ to navigate"),
            ("API-key dialog", r"Do you want to use this API key\?"),
            ("folder-trust dialog", r"Is this a project you created or one you trust\?|Yes, I trust this folder"),
            ("theme dialog", r"Choose the text style that looks best"),
            ("onboarding", r"Press Enter to continue"),
            ("bypass-permissions warning", r"Bypass Permissions mode"),
            ("dialog", r"Enter to confirm · Esc to cancel"),
            ("dialog", r"^ ?\u276f 1\. .*\n(?:.*\n){0,3}?\s+2\. "),  # a numbered list with the cursor on 1.
        ),
        working=(r"esc to interrupt", r"^[·✢✳✶✻✽*] \S+… "),  # "✽ Sprouting… (6s · ↓ 3 tokens)"
        working_title=BRAILLE_SPINNER,
        pasted=(r"\[Pasted text #\d+(?: \+\d+ lines)?\]",),
        enter_delay=0.1,
        settle=0.5,  # measured: an Enter within ~0.2 s of the box first appearing is lost
    ),
    "codex": Recogniser(
        kind="codex",
        verified="0.171.0",
        # The composer is the last "› " line; its further lines are indented by two spaces, or empty (a
        # blank line of the text, or the line C-u just emptied).
        box=r"^\u203a (?P<text>[^\n]*(?:\n(?:  [^\n]*)?)*?)\n\n  \S+ \S+ · /",
        empty=r"Ask Codex to do anything|Ask a follow-up question",
        at_rest=(r"^  \u2190 for agents · \? for shortcuts",),
        dialogs=(
            ("approval prompt", r"Would you like to run the following command\?"),
            ("approval prompt", r"Would you like to make the following edits\?"),
            ("approval prompt", r"Press enter to confirm or esc to cancel"),
            ("folder-trust dialog", r"Trust this folder\?"),
            ("restricted-mode dialog", r"\u203a 1\. Open restricted"),
            ("hooks review", r"^  Hooks need review|t trust all · enter review · esc close"),
            ("sign-in dialog", r"Welcome to Codex, OpenAI's command-line coding agent"),
            ("agent command center", r"^  Agent command center"),
            ("warnings", r"k keep & next · esc dismiss & close"),
        ),
        working=(r"^[\u2022\u25e6] (?:Working|Thinking)\b.*esc to interrupt", r"Waiting for startup"),
        working_title=BRAILLE_SPINNER,
        waiting_title=r"Action Required",
        pasted=(r"\[Pasted Content \d+ chars\]",),
        enter_delay=0.1,
        limits=(
            # codex-rs error.rs: "… Try again at T." / "… or try again at T." / "Try again later." without one.
            r"You[\u2019']ve hit your usage limit\b[^\n]*?[Tt]ry again (?:later\b|at "
            r"(?P<reset>(?:[A-Z][a-z]{2} \d{1,2}(?:st|nd|rd|th)?(?:, \d{4})? )?\d{1,2}:\d{2} ?[AP]M))",
        ),
        prompt=r"^\u203a ",
    ),
    "gemini": Recogniser(
        kind="gemini",
        verified="0.61.0",
        # History repeats the box's look for each prompt sent; the live one sits right above the footer.
        # (Without 256 colours the half-block borders are blank lines.)
        # An Enter taken as a newline leaves an empty row in the box.
        box=(
            r"^(?:\u2584{10,})?\n > (?P<text>[^\n]*(?:\n(?:   [^\n]*)?)*?)\n(?:\u2580{10,})?\n"
            r" workspace \(/directory\)"
        ),
        empty=r"Type your message or @path/to/file",
        continuation="   ",
        dialogs=(
            ("approval prompt", r"Allow execution of|Apply this change\?|Allow once"),
            ("folder-trust dialog", r"Do you trust the files in this folder\?"),
            ("sign-in dialog", r"How would you like to authenticate|Enter Gemini API Key"),
            ("dialog", r"\(Use Enter to select|\(Press Enter to submit"),
        ),
        # The empty box stays on screen while Gemini works: only these (and the title) tell.
        working=(r"^ [\u2800-\u28ff] .*\(esc to cancel", r"Shell awaiting input", r"^  Queued \(press"),
        working_title=r"^\u2726\s+Working",
        waiting_title=r"^\u270b\s+Action Required",
        pasted=(r"\[Pasted Text: \d+ (?:lines|chars)\]",),
        # Measured: an Enter within ~40 ms of a paste becomes a newline (a 5-line paste needed 150 ms);
        # one that still lands as a newline is followed by one more Enter, which always submitted.
        enter_delay=0.3,
        settle=1.5,  # at start-up the box shows, the screen is cleared and redrawn ~0.7 s later
        # A dialog (keep trying / stop) over the box; "Access resets at …" follows when the API said when.
        limits=(r"Usage limit reached for \S+\.(?:[\s\u2502]*Access resets at (?P<reset>[^\n\u2502]+?)\.)?",),
        prompt=r"^ > ",
    ),
}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE | re.DOTALL)


def _visible(screen: str) -> str:
    """The screen without trailing blanks on each line (tmux pads captures with spaces)."""
    return "\n".join(line.rstrip(" ") for line in screen.split("\n"))


def box_text(rec: Recogniser, screen: str) -> str | None:
    """The live input box's text, its lines joined by newlines; "" when it is empty; None when absent."""
    matches = list(_compiled(rec.box).finditer(_visible(screen)))
    if not matches:
        return None
    lines = matches[-1]["text"].split("\n")
    cut = len(rec.continuation)
    text = "\n".join([lines[0], *(line[cut:] if line.startswith(rec.continuation) else line for line in lines[1:])])
    text = text.replace("\u00a0", " ").strip()
    return "" if not text or (rec.empty and _compiled(rf"^(?:{rec.empty})$").match(text)) else text


def read(rec: Recogniser, screen: str, title: str = "", now: float | None = None) -> Reading:
    """The state the screen positively shows: a usage limit beats a dialog, a dialog beats work, work
    beats the input box. With `now`, a limit whose reset time has passed no longer counts (the message
    stays in the history until the next prompt; a message delivered then is what continues the work)."""
    visible = _visible(screen)
    boxes = list(_compiled(rec.box).finditer(visible))
    live = boxes[-1].start() if boxes else -1
    limit = _limit(rec, visible, live)
    if limit is not None:
        reset = (limit.groupdict().get("reset") or "").strip()
        ends = reset_time(reset, now) if now is not None and reset else None
        if ends is None or ends > (now or 0):
            return Reading("limited", "usage limit reached" + (f"; resets {reset}" if reset else ""), reset=reset)
    for what, pattern in rec.dialogs:
        # A dialog is drawn where the input box would be, or over it; the same words above a live box
        # are history (a dialog answered before the CLI restarted, an answer quoting one).
        if any(found.start() > live for found in _compiled(pattern).finditer(visible)):
            return Reading("waiting", what)
    if rec.waiting_title and _compiled(rec.waiting_title).search(title):
        return Reading("waiting", "action required")
    if (rec.working_title and _compiled(rec.working_title).search(title)) or any(
        _compiled(p).search(visible) for p in rec.working
    ):
        return Reading("working")
    box = box_text(rec, visible)
    if box:  # text typed or pasted: the CLI waits for its Enter (footers give way to the text)
        return Reading("idle", "its input box holds text", box)
    if box == "" and all(_compiled(p).search(visible) for p in rec.at_rest):
        return Reading("idle", "", box)
    return Reading("unknown", f"screen not recognised as {rec.kind} {rec.verified}'s input box or a known dialog")


def _limit(rec: Recogniser, visible: str, live: int) -> re.Match[str] | None:
    """The last limit message on screen that no sent prompt followed (before the live box, if any)."""
    found = [m for pattern in rec.limits for m in _compiled(pattern).finditer(visible)]
    if not found:
        return None
    last = max(found, key=lambda m: m.start())
    end = live if live > last.end() else len(visible)
    later = rec.prompt and any(last.end() < p.start() < end for p in _compiled(rec.prompt).finditer(visible))
    return None if later else last


def reset_time(reset: str, now: float) -> float | None:
    """Epoch seconds of a reset as Codex words it in local time: "11:13 PM" on the day it happens (read as
    the one within 12 hours of `now`, ahead or behind, since the screen outlives midnight), otherwise
    "Dec 5th, 2026 1:13 AM" (codex-rs `format_retry_timestamp`: `%b %-d{st|nd|rd|th}, %Y %-I:%M %p`, seen
    in 0.171.0); the day without its suffix or year is accepted too. None when not understood."""
    from datetime import datetime, timedelta

    found = re.fullmatch(
        r"(?:([A-Z][a-z]{2}) (\d{1,2})(?:st|nd|rd|th)?(?:, (\d{4}))? )?(\d{1,2}):(\d{2}) ?([AP]M)", reset.strip()
    )
    if found is None:
        return None
    month, day, year, hour, minute, half = found.groups()
    here = datetime.fromtimestamp(now).astimezone().replace(second=0, microsecond=0)
    hours, minutes = int(hour) % 12 + (12 if half == "PM" else 0), int(minute)
    try:
        if month:
            date = datetime.strptime(f"{month} {day} {year or here.year}", "%b %d %Y")
            at = here.replace(year=date.year, month=date.month, day=date.day, hour=hours, minute=minutes)
            if not year and at < here - timedelta(days=180):
                at = at.replace(year=at.year + 1)
        else:
            at = here.replace(hour=hours, minute=minutes)
            if at > here + timedelta(hours=12):
                at -= timedelta(days=1)
            elif at < here - timedelta(hours=12):
                at += timedelta(days=1)
    except ValueError:
        return None
    return at.timestamp()


def squashed(text: str) -> str:
    return "".join(text.split())


def shows_placeholder(rec: Recogniser, box: str) -> bool:
    """The box shows the CLI's stand-in for a long paste ("[Pasted Content 1345 chars]")."""
    return any(_compiled(p).search(box) for p in rec.pasted)


def holds(rec: Recogniser, box: str | None, text: str) -> bool:
    """The box shows `text` (its end, whitespace aside) or the placeholder of a paste: the paste landed
    in the input box, nowhere else."""
    if not box:
        return False
    if shows_placeholder(rec, box):
        return True
    tail = squashed(text)[-32:]
    return bool(tail) and squashed(box).endswith(tail)
