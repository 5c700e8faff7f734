"""The agents' panes in tmux: bring-up, lifecycle, per-pane state, the per-CLI profiles, the demo agent."""
