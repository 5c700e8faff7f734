"""Reports over the task log: the daily Next Move, the week, one employee, and provider shares.

Each report is built as plain data (`model`), by pure functions (`compose`, `week`, `providers`), from
rows the store reads (`gizinterm.store.reports`); renderers then turn the data into text, rich, Markdown,
HTML or JSON. Keeping building and rendering apart is what lets the CLI, the dashboard and a cron job
all print the same report, and lets tests check the content once and each format separately.

Nothing here prints, and only `render_rich` imports rich (inside its functions).
"""
