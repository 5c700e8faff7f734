"""`python -m gizinterm` behaves exactly like the `gizin` command."""

from gizinterm.cli.entry import main

raise SystemExit(main())
