"""The usage ledger: tokens and estimated cost per agent, provider and model, from the session files the
agent CLIs write themselves (Claude Code, Codex, Gemini CLI).

`readers` turns each CLI's files into one row per model request, `ingest` reads them incrementally into the
store, `attribution` names the agent of each session from the roster, `prices` holds the price table and
`ledger` sums it all up. `service` is what the workspace calls.
"""
