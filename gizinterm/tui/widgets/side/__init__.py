"""Widgets of the main screen's side region."""
