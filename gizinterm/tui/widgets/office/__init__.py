"""Widgets of the main screen's office region."""
