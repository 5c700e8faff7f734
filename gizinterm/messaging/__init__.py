"""Messages between colleagues: the outbox, framing, and the exactly-once deliverer."""
