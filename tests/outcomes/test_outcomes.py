"""Cohorts and labels on a hand-made warehouse: the window, the cohort's ages, open plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.warehouse.schema import connect
from tests.warehouse_rows import current_load, event

AS_OF = dt.date(2024, 7, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "w.duckdb")
    current_load(con)
    people = {
        "C1": "2015-05-05",
        "C2": "2012-01-01",
        "C3": "2010-03-03",
        "A1": "1980-02-02",
        "Y1": "2006-09-09",
    }
    records = pd.DataFrame(
        {
            "load_id": "load",
            "source": "test",
            "system": "csc",
            "source_record_id": list(people),
            "dob": pd.to_datetime(list(people.values())),
        }
    )
    con.register("incoming", records)
    con.execute("INSERT INTO person_record BY NAME SELECT * FROM incoming")
    links = pd.DataFrame(
        {
            "system": "csc",
            "source_record_id": list(people),
            "person_id": [f"P{k}" for k in people],
            "run_id": 1,
        }
    )
    con.register("incoming", links)
    con.execute("INSERT INTO person_link BY NAME SELECT * FROM incoming")
    for person in people:
        con.execute(
            "INSERT INTO membership VALUES (?, 'H1', '2020-01-01', NULL, 'x')", [f"P{person}"]
        )
    events = pd.DataFrame(
        [
            event("C1", "csc.cp_plan_start", "2025-03-01"),  # within the window: label
            event("C2", "csc.cp_plan_start", "2025-07-01"),  # the day after it ends: not
            event("C3", "csc.cp_plan_start", "2024-01-01"),  # on a plan at the as-of: not in cohort
            event("Y1", "asb.perpetrator", "2024-07-01"),  # on the as-of date itself: label
            event("A1", "housing.homeless_relief_duty", "2024-09-01"),
            event("CT1", "revs.ct_liability_order", "2025-01-15", subject="account"),
        ]
    )
    con.register("incoming", events)
    con.execute("INSERT INTO event BY NAME SELECT * FROM incoming")
    con.execute(
        "INSERT INTO ct_account VALUES ('load', 'CT1', '1', 'a', 'p', '2019-01-01', NULL), "
        "('load', 'CT2', '2', 'b', 'q', '2019-01-01', '2024-01-01')"
    )
    return con


def labels(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, bool]:
    frame = OUTCOMES[name].cohort_and_labels(con, [AS_OF])
    return dict(zip(frame["unit_id"], frame["label"], strict=True))


def test_safeguarding_counts_plans_in_the_window_among_children_not_already_on_one(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert labels(warehouse, "safeguarding") == {"PC1": True, "PC2": False, "PY1": False}


def test_youth_asb_covers_ages_10_to_24(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert labels(warehouse, "youth_asb") == {"PC2": False, "PC3": False, "PY1": True}


def test_homelessness_is_a_households_outcome(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert labels(warehouse, "homelessness") == {"H1": True}


def test_debt_follows_open_accounts_only(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert labels(warehouse, "debt") == {"CT1": True}
