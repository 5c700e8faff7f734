"""The operator's dashboard (Textual). Nothing outside this package imports textual.

The package root imports nothing: `gizin ui` loads `gizinterm.tui.app` on demand, and every other
command never pays textual's ~0.5 s import.
"""
