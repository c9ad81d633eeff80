import datetime as dt
from pathlib import Path

import pandas as pd

from earlyhelp.modelling.as_of import quarterly_as_of
from earlyhelp.warehouse.schema import append, connect
from tests.warehouse_rows import current_load, event


def test_as_of_dates_wait_for_every_system_and_leave_a_full_window(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    current_load(con)
    rows = [
        event("A", "csc.cla_start", "2015-03-01"),  # care history long before the extracts
        event("B", "edu.census", "2019-01-31", system="education"),
        event("C", "csc.referral", "2025-12-20"),
    ]
    append(con, "event", pd.DataFrame(rows))
    dates = quarterly_as_of(con)
    assert dates[0] == dt.date(2020, 4, 1)  # a year after education's first record
    assert dates[-1] == dt.date(2024, 10, 1)  # its 12-month window ends before the last event
