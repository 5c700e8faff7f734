"""Phone numbers as E.164, through Google's libphonenumber port (`phonenumbers`).

`phonenumbers` costs ~40 ms to import, and the guard runs before every tool call, so free text is
first screened for digit runs that could hold a blocked number's national digits; only a possible
hit pays for the real parse.
"""

from __future__ import annotations

import re

from gizinterm.policy.text import fold

# Vanity letters on a phone keypad, for numbers like 1-800-FLOWERS.
KEYPAD = str.maketrans("abcdefghijklmnopqrstuvwxyz", "22233344455566677778889999")
CANDIDATE = re.compile(r"(?<![\w])(?:tel:|sms:|callto:)?\+?[(\d][\d ()./\-\u2010-\u2015]{5,30}\d(?![\d])")
IDD_PREFIXES = ("00", "011")


def digits_of(text: str) -> str:
    folded = fold(text)
    return "".join(ch for ch in folded.translate(KEYPAD) if ch.isdigit())


def e164_readings(text: str, region: str) -> list[str]:
    """Every E.164 number `text` can dial: as written in `region`, and with `00`/`011` as `+`."""
    import phonenumbers  # deferred: ~40 ms, only when a blocked number could be present

    raw = fold(text).strip()
    for prefix in ("tel:", "sms:", "callto:"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
    raw = raw.split(";", 1)[0].split("?", 1)[0]
    attempts = [raw]
    compact = "".join(ch for ch in raw if ch.isalnum() or ch == "+")
    for prefix in IDD_PREFIXES:
        if compact.startswith(prefix):
            attempts.append("+" + compact[len(prefix) :])
    if compact.isdigit() and len(compact) >= 10 and not compact.startswith("0"):
        attempts.append("+" + compact)  # 14155552671: an international number without its '+'
    found: list[str] = []
    for attempt in attempts:
        try:
            number = phonenumbers.parse(attempt, region or None)
        except phonenumbers.NumberParseException:
            continue
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if formatted not in found:
            found.append(formatted)
    return found


def national_digits(e164: str) -> str:
    """The national significant number of a blocked E.164 number: the digits every spelling keeps."""
    import phonenumbers  # deferred: see module docstring

    number = phonenumbers.parse(e164, None)
    return phonenumbers.national_significant_number(number)


def normalize_phone_entry(text: str, region: str) -> tuple[str, str]:
    """(E.164, national digits) of a blocklist number; raises ValueError when it is not a number."""
    import phonenumbers  # deferred: see module docstring

    readings = e164_readings(text, region)
    if not readings:
        raise ValueError(text)
    number = phonenumbers.parse(readings[0], None)
    if not phonenumbers.is_possible_number(number):
        raise ValueError(text)
    return readings[0], national_digits(readings[0])


def candidates(text: str) -> list[str]:
    """Phone-like runs in free text (digits, full-width digits after folding, `tel:` URIs)."""
    folded = fold(text) if not text.isascii() else text
    return [m.group(0) for m in CANDIDATE.finditer(folded)]
