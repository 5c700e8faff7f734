"""`gizin guard selftest --real`: the agent's own CLI, headless, against a stand-in model.

Feeding the hook a synthetic call proves the hook blocks, not that the CLI calls it: a settings layer,
a flag, a trust the CLI wants, or a new CLI version can each switch the hook off while the command still
answers "deny" when asked directly. Here the real CLI is started as the agent is, pointed at a local
stand-in model (`standin`, `wire`) that asks for one shell call to the reserved canary host every policy
blocks (`policy.model.CANARY_DOMAIN`); the run passes only if the guard audited that deny for the agent
and the command did not run (`run`). Results are cached by a hash of everything they depend on
(`cachekey`), so `gizin up` pays for a CLI run only when something changed.
"""
