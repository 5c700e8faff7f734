"""The UTS #39 prototype table, rebuilt from the Unicode data that `confusable_homoglyphs` ships.

That package stores confusables.txt as an undirected map (each source lists its prototype and each
prototype lists its sources), so the direction is recovered here: a character with exactly one
partner whose own list is longer, or whose partner is a sequence, is a source. An isolated pair
(each the other's only partner) forms a class of two; mapping either way gives equal skeletons,
which is all matching needs, so the lower code point is kept as the prototype.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

LRM = "\u200e"  # the data wraps right-to-left characters in LRM marks for display


@functools.cache
def prototype_table() -> dict[int, str]:
    """`str.translate` table: code point of a confusable source -> its prototype sequence."""
    raw = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    partners: dict[str, list[str]] = {}
    for key, entries in raw.items():
        bucket = partners.setdefault(key.replace(LRM, ""), [])
        bucket.extend(entry["c"].replace(LRM, "") for entry in entries)
    table: dict[int, str] = {}
    for char, others in partners.items():
        if len(char) != 1 or len(others) != 1:
            continue
        target = others[0]
        if not target or target == char:
            continue
        if len(target) > 1 or len(partners.get(target, ())) > 1 or char > target:
            table[ord(char)] = target
    return table
