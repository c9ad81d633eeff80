"""Features see only what was known before the as-of date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from earlyhelp.features.build import build_features
from earlyhelp.features.families import FAMILIES, Family
from earlyhelp.warehouse.schema import append, connect
from tests.warehouse_rows import current_load, event

AS_OF = dt.date(2024, 7, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "w.duckdb")
    current_load(con)
    events = pd.DataFrame(
        [
            event("A", "csc.referral", "2024-05-01", "2024-05-02"),  # seen: 61 days before
            event("A", "csc.referral", "2023-01-10", "2023-01-10"),  # seen: 18 months before
            event("A", "csc.referral", "2024-06-20", "2024-07-05"),  # happened before, known after
            event("A", "csc.referral", "2024-08-01", "2024-08-01"),  # in the future
            event("B", "police.da_incident", "2024-03-01", "2024-03-04"),  # a housemate's
            event("B", "police.da_incident", "2024-03-01", "2024-03-04"),  # (the same, twice)
        ]
    ).drop_duplicates("event_id")
    con.register("incoming", events)
    con.execute("INSERT INTO event BY NAME SELECT * FROM incoming")
    links = pd.DataFrame(
        {
            "system": ["csc", "csc"],
            "source_record_id": ["A", "B"],
            "person_id": ["P1", "P2"],
            "link_confidence": [None, None],
            "run_id": [1, 1],
        }
    )
    con.register("incoming", links)
    con.execute("INSERT INTO person_link BY NAME SELECT * FROM incoming")
    con.execute(
        "INSERT INTO membership VALUES ('P1', 'H1', '2020-01-01', NULL, 'child'), "
        "('P2', 'H1', '2020-01-01', NULL, 'adult'), ('P3', 'H2', '2025-01-01', NULL, 'adult')"
    )
    return con


def test_only_events_known_before_the_as_of_date_count(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    features = build_features(warehouse, [AS_OF]).set_index("person_id")
    child = features.loc["P1"]
    assert (
        child["csc_referrals_3m"],
        child["csc_referrals_12m"],
        child["csc_referrals_24m"],
        child["csc_referrals_ever"],
    ) == (1, 1, 2, 2)
    assert child["csc_referrals_days_since"] == 61


def test_a_housemates_events_count_once_for_the_household_not_for_the_person(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    child = build_features(warehouse, [AS_OF]).set_index("person_id").loc["P1"]
    assert child["police_da_12m"] == 0
    assert child["household_police_da_6m"] == 1 and child["household_police_da_3m"] == 0


def test_the_cohort_is_who_lived_here_at_the_as_of_date(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    features = build_features(warehouse, [AS_OF, dt.date(2025, 6, 1)])
    assert set(features[features["as_of"] == pd.Timestamp(AS_OF)]["person_id"]) == {"P1", "P2"}
    later = features[features["as_of"] == pd.Timestamp("2025-06-01")].set_index("person_id")
    assert set(later.index) == {"P1", "P2", "P3"}
    assert later.loc["P1", "csc_referrals_ever"] == 4  # all four known by then
    assert later["csc_referrals_days_since"].isna()["P3"]


def test_every_feature_says_what_it_is_in_words() -> None:
    family = next(f for f in FAMILIES if f.name == "household_police_da")
    assert family.describe("household_police_da_6m", 2) == (
        "2 police domestic-abuse notifications in the household in the last 6 months"
    )
    single = Family("x", ("csc.referral",), "referral", "referrals")
    assert single.describe("x_ever", 1) == "1 referral ever"
    names = [n for f in FAMILIES for n in f.feature_names()]
    assert len(names) == len(set(names))


def test_a_family_can_count_only_the_events_where_the_person_had_a_role(tmp_path: Path) -> None:
    con = connect(tmp_path / "roles.duckdb")
    current_load(con)
    rows = [
        event("A", "police.da_incident", day, attributes=json.dumps({"role": role}))
        for day, role in (
            ("2024-02-01", "victim"),
            ("2024-03-01", "child present"),
            ("2024-04-01", "victim"),
        )
    ]
    append(con, "event", pd.DataFrame(rows))
    append(
        con,
        "person_link",
        pd.DataFrame(
            {"system": ["csc"], "source_record_id": ["A"], "person_id": ["P1"], "run_id": [1]}
        ),
    )
    con.execute("INSERT INTO membership VALUES ('P1', 'H1', '2020-01-01', NULL, 'adult')")
    victim = Family(
        "victim", ("police.da_incident",), "notification", "notifications", role="victim"
    )
    row = build_features(con, [AS_OF], [victim]).set_index("person_id").loc["P1"]
    assert row["victim_ever"] == 2 and row["victim_3m"] == 1
    # A family may choose windows no other family uses.
    recent = Family("recent", ("police.da_incident",), "n", "ns", role="victim", windows=(1, 18))
    row = build_features(con, [AS_OF], [recent]).set_index("person_id").loc["P1"]
    assert {"recent_1m", "recent_18m", "recent_days_since"} <= set(row.index)
    assert row["recent_1m"] == 0 and row["recent_18m"] == 2  # April is three months back


def test_features_are_the_same_on_every_run(linked_small_council: Path, tmp_path: Path) -> None:
    shutil.copy(linked_small_council, tmp_path / "w.duckdb")
    con = connect(tmp_path / "w.duckdb")
    dates = [dt.date(2022, 1, 1), dt.date(2023, 7, 1)]
    runs = [
        build_features(con, dates).sort_values(["person_id", "as_of"]).reset_index(drop=True)
        for _ in range(3)
    ]
    for again in runs[1:]:
        # Sums in a different order may differ in the last bit; nothing else may.
        pd.testing.assert_frame_equal(runs[0], again, check_exact=False, rtol=1e-12, atol=1e-12)
