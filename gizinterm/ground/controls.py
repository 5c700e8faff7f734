"""Control characters and escape sequences in untrusted text: the one definition every cleaner uses.

Task text, message bodies and pane output all come from agents. Storing, pasting, reporting and
showing them each need a slightly different treatment (drop, show as a picture, keep colours), but they
must agree on what an escape sequence is and which characters are dangerous, or one path lets through
what another stops. Stdlib only: the hot `gizin log` path imports this.
"""

from __future__ import annotations

import re

# Complete sequences first, so "ESC[31m" leaves nothing behind (not "[31m"). Every alternative is
# bounded by a negated class or a fixed set: linear on hostile input.
ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, clipboard (OSC 52), hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # two-character and nF escapes, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)

# Marks, embeddings, overrides and isolates that reorder what a reader sees (Trojan Source).
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _control_pictures() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"}
    table[0x7F] = "\u2421"  # ␡
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls have no pictures
    return table


# For str.translate: each C0 control but LF and TAB as its visible Unicode picture (ESC → ␛, 0x03 → ␃),
# DEL as ␡, C1 controls as U+FFFD. One character for one, so offsets into the text stay valid.
CONTROL_PICTURES: dict[int, str] = _control_pictures()
