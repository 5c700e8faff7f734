"""Widgets, grouped by the screen region they live in: office (the floors of cards), side (the pane
preview) and bottom (the task feed and the alert strip). Each widget defines its own messages."""
