"""Screens of the dashboard: the main office view and the screens its actions open."""
