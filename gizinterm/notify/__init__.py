"""Attention outside the dashboard: the operator is called when an agent needs them (issue 16).

- `episodes`: pure; which conditions are news (an agent waiting past `waiting_after`, dead, limited; a
  message `unknown` or `failed`; a blocked outbound attempt), each with the key of its episode.
- `channels`: the operator's terminal (tmux), the desktop (notify-send), and ntfy, Slack and webhooks
  through the audited outbound gateway (the blocklist applies to notifications too).
- `service`: the `Notifier` the deliverer's lease holder runs each cycle, and `gizin notify test`.

Nothing here prints or imports the UI; the deliverer module never imports this package (the workspace
hands it a notifier), so `gizin send --wait` stays as light as before.
"""
