"""The as-of dates to learn from: quarterly, after a year of history, with a full label window."""

from __future__ import annotations

import datetime as dt

import duckdb

from earlyhelp.modelling.splits import add_months


def quarterly_as_of(con: duckdb.DuckDBPyConnection, window_months: int = 12) -> list[dt.date]:
    """Quarter starts from a year after every system's records begin to a window before the last.

    Systems hold history from different dates (a care episode opened years ago; attendance only
    for the extract's period); before all of them have begun, a feature's zero means "not yet
    recorded" rather than "nothing happened".
    """
    row = con.execute(
        "SELECT max(first), max(last) FROM (SELECT system, min(event_date) AS first, "
        "max(event_date) AS last FROM current_event GROUP BY system)"
    ).fetchone()
    if row is None or row[0] is None:
        return []
    first, last = row
    start = dt.date(first.year + 1, ((first.month - 1) // 3) * 3 + 1, 1)
    start = add_months(start, 3) if start < add_months(first, 12) else start
    out = []
    while add_months(start, window_months) <= last:
        out.append(start)
        start = add_months(start, 3)
    return out
