"""The office as configured: the roster (agents.toml), layouts, the seating plan, who is calling."""
