"""The network boundary: each agent runs in an OS sandbox (bubblewrap, its own network namespace) whose
only way out is the office's egress proxy, which applies the blocklist to every host an agent's process
tree asks for, and audits each decision.

`rules` decides one destination, `proxy` speaks HTTP proxy, `daemon` keeps the proxy process running,
`sandbox` builds the bubblewrap command that seats an agent inside it.
"""
