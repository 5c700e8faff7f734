"""gizinterm: a terminal workspace manager for an office of AI employees.

The package root stays empty on purpose: `gizin log` and `gizin guard` run before every agent action,
and anything imported here would be paid on each of those calls.
"""

__version__ = "0.1.0"
