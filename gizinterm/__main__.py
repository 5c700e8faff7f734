"""`python -m gizinterm` behaves exactly like the `gizin` command."""

from gizinterm.entry import main

raise SystemExit(main())
