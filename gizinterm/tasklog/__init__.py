"""The task log: what each AI employee did. Writing it (`record`, light enough for `gizin log`), and the
little of agents.toml that writing needs (`office`). Queries and corrections live in `store.tasks`."""
