"""Widgets of the main screen's bottom region."""
