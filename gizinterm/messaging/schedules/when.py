"""`when` of a schedule: five-field cron, or a small phrase grammar that reads like the office speaks.

Pure and stdlib-only, so the roster can check a phrase without importing the cron engine. A phrase
translates to exactly one cron expression; `gizin schedule list` shows both.

The grammar (case-insensitive, words separated by spaces):

    phrase := days TIME | "hourly" [":MM"]
    days   := "daily" | "every day" | "weekdays" | "weekends" | DAY ("," DAY)*
    DAY    := mon | tue | wed | thu | fri | sat | sun      (full names too: "monday")
            | DAY "-" DAY                                  (a range: "mon-thu")
    TIME   := HH:MM                                        (24-hour, "9:05" or "09:05")

Examples: "daily 09:00" = "0 9 * * *", "weekdays 17:30" = "30 17 * * 1-5", "mon,wed 10:00" =
"0 10 * * 1,3", "sat-sun 08:15" = "15 8 * * 6,0", "hourly :15" = "15 * * * *".
"""

from __future__ import annotations

import re

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron numbers them 0..6 from Sunday
FULL_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
DAY_GROUPS = {"daily": "*", "every day": "*", "weekdays": "1-5", "weekends": "6,0"}
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
HOURLY = re.compile(r"hourly(?:\s+:([0-5]\d))?")
CRON_FIELDS = 5


class WhenError(ValueError):
    """`when` is neither a valid phrase nor five cron fields; the message says what was expected."""


def is_cron(text: str) -> bool:
    """Five (or more) space-separated fields is cron; a phrase never has more than three words."""
    return len(text.split()) >= CRON_FIELDS


def phrase_to_cron(text: str) -> str:
    """The cron expression a phrase means; WhenError with the expected form otherwise."""
    words = " ".join(text.lower().split())
    hourly = HOURLY.fullmatch(words)
    if hourly:
        return f"{int(hourly.group(1) or 0)} * * * *"
    days_part, _, time_part = words.rpartition(" ")
    clock = TIME.fullmatch(time_part)
    if not days_part or clock is None:
        raise WhenError(
            f'\'{text}\' is not a schedule: write a phrase such as "weekdays 17:30", "daily 09:00", '
            f'"mon,wed 10:00" or "hourly :15", or five cron fields such as "30 17 * * 1-5"'
        )
    hour, minute = int(clock.group(1)), int(clock.group(2))
    return f"{minute} {hour} * * {_days(days_part, text)}"


def _days(words: str, text: str) -> str:
    if words in DAY_GROUPS:
        return DAY_GROUPS[words]
    picked: list[int] = []
    for item in words.replace(" ", "").split(","):
        first, dash, last = item.partition("-")
        start = _day_number(first, text)
        if not dash:
            picked.append(start)
            continue
        end = _day_number(last, text)
        span = (end - start) % 7  # "fri-mon" wraps over the weekend
        picked.extend((start + step) % 7 for step in range(span + 1))
    return ",".join(str(d) for d in dict.fromkeys(picked))


def _day_number(word: str, text: str) -> int:
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in FULL_NAMES:
        return FULL_NAMES.index(word)
    raise WhenError(
        f"'{word}' in '{text}' is not a day: use daily, weekdays, weekends, or days such as mon,wed or mon-fri"
    )


def to_cron(text: str) -> str:
    """`text` as a cron expression: cron is passed through (normalised spaces), a phrase translated.
    Cron fields themselves are checked by the cron engine (see `slots.check_cron`)."""
    stripped = " ".join(text.split())
    if not stripped:
        raise WhenError("is empty")
    if is_cron(stripped):
        if len(stripped.split()) != CRON_FIELDS:
            raise WhenError(f"'{text}' has {len(stripped.split())} fields; cron here has five (minute to weekday)")
        return stripped
    return phrase_to_cron(stripped)
