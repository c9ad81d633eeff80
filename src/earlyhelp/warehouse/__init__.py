"""The analytical warehouse: one DuckDB file (embedded by default)."""
