"""The label-bias finding as a table for the terminal: recorded-label and true-harm
disparities side by side, per group."""

from __future__ import annotations

from typing import Any

from rich.table import Table

COLUMNS = (
    ("n", "n", "{:,}"),
    ("recorded rate", "recorded_rate", "{:.4f}"),
    ("true harm rate", "true_harm_rate", "{:.4f}"),
    ("harm recorded", "harm_recorded_share", "{:.2f}"),
    ("recorded disp.", "recorded_rate_disparity", "{:.2f}"),
    ("true harm disp.", "true_harm_disparity", "{:.2f}"),
    ("flag-rate disp.", "flag_rate_disparity", "{:.2f}"),
    ("amplification", "amplification", "{:.2f}"),
)


def cell(value: Any, form: str) -> str:
    return "-" if value is None else form.format(value)


def label_bias_table(bias: dict[str, Any]) -> Table:
    """One section per group column; disparities are ratios to that column's reference."""
    table = Table(
        title=f"Label bias ({bias['outcome']}): the recorded label against true harm, "
        f"{bias['rows']:,} validation rows; disparities are ratios to the reference group"
    )
    table.add_column("group")
    for header, _, _ in COLUMNS:
        table.add_column(header, justify="right")
    for key, entries in bias["table"].items():
        reference = bias["audits"]["label"]["reference"][key]
        table.add_section()
        for entry in entries:
            name = f"{key}={entry['group']}" + (" (ref)" if entry["group"] == reference else "")
            table.add_row(name, *(cell(entry[field], form) for _, field, form in COLUMNS))
    return table
