"""Features: what the council knew about each person at an as-of date, and nothing later."""
