"""The ranges every number and day a user or agent can type must fall in, in one place.

An unbounded option is a fault waiting for its input: `--ttl inf` makes a lease that never expires,
`--limit 9223372036854775808` overflows SQLite's 64-bit INTEGER, a day in year 1 cannot be shifted back
a week. Declarations (`cli.spec`, the typer modules) take their ranges from here, and a unit test walks
every command so that no numeric option is ever declared without one. Constants only: the hot commands
import it.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: every row id fits, anything above cannot be a row
MAX_ROWS = 1_000_000_000  # any --limit: more rows than an office writes in a lifetime, far below MAX_ID
MAX_ITEMS = 1_000  # items per employee in a report line
MAX_WAIT_SECONDS = 7 * 24 * 3600.0  # `send --wait`: a week is already longer than anyone waits
MAX_LEASE_SECONDS = 3600.0  # `deliver --ttl`: how long standbys may wait on a silent deliverer
MAX_TIMEOUT_SECONDS = 3600.0  # a summarizer's time per employee
MAX_PERIOD_SECONDS = 7 * 24 * 3600.0  # the demo agent's pacing

# Days and times: a report reaches a week back and time zones a day either side, so the ends of the
# calendar (year 1, year 9999) are kept out of reach. Every real office day lies well inside.
FIRST_YEAR = 1900
LAST_YEAR = 9998
