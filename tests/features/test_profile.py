"""Profile features: attendance, census flags, open episodes, age and place, as known then."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from earlyhelp.features.person_events import create_person_event_view
from earlyhelp.features.profile import profile_features
from earlyhelp.warehouse.schema import connect
from tests.warehouse_rows import current_load

AS_OF = dt.date(2024, 9, 1)


def term(
    end: str, known: str, missed: int, unauthorised: int, possible: int = 100
) -> dict[str, object]:
    attributes = {
        "sessions_possible": str(possible),
        "authorised": str(missed - unauthorised),
        "unauthorised": str(unauthorised),
    }
    return {
        "event_id": f"t{end}",
        "load_id": "load",
        "source": "s",
        "system": "education",
        "subject": "person",
        "subject_key": "U1",
        "event_type": "edu.absence_term",
        "event_date": end,
        "known_date": known,
        "attributes": json.dumps(attributes),
        "line": 1,
    }


def test_profile_sees_attendance_census_and_episodes_as_known_then(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    current_load(con, "education")
    con.execute(
        "INSERT INTO person_record (load_id, source, system, source_record_id, dob, sex) "
        "VALUES ('load', 's', 'education', 'U1', '2012-03-01', 'M')"
    )
    con.execute("INSERT INTO person_link VALUES ('education', 'U1', 'P1', NULL, 1)")
    con.execute("INSERT INTO membership VALUES ('P1', 'H1', '2020-01-01', NULL, 'child')")
    con.execute("INSERT INTO household VALUES ('H1', '1', 'E01', '2020-01-01', NULL)")
    con.execute("INSERT INTO area VALUES ('load', 'E01', 'Somewhere', 2)")
    census = {"fsm": "True", "sen": "K"}
    rows = [
        term("2023-12-20", "2024-01-10", missed=5, unauthorised=0),
        term("2024-03-28", "2024-04-18", missed=10, unauthorised=4),
        term("2024-07-20", "2024-08-10", missed=30, unauthorised=20),
        term("2024-07-21", "2024-09-15", missed=90, unauthorised=90),  # known after the as-of
        {
            **term("2024-05-01", "2024-05-01", 0, 0),
            "event_id": "c",
            "event_type": "edu.census",
            "attributes": json.dumps(census),
        },
        {
            **term("2024-06-01", "2024-06-01", 0, 0),
            "event_id": "h",
            "event_type": "eh.episode_start",
            "attributes": "{}",
        },
    ]
    events = pd.DataFrame(rows)
    con.register("incoming", events)
    con.execute("INSERT INTO event BY NAME SELECT * FROM incoming")
    create_person_event_view(con)
    row = profile_features(con, [AS_OF]).set_index("person_id").loc["P1"]
    assert row["absence_last_term"] == 0.30
    assert abs(row["absence_last_year"] - 45 / 300) < 1e-9
    assert abs(row["unauthorised_last_year"] - 24 / 300) < 1e-9
    assert abs(row["absence_trend"] - 0.20) < 1e-9
    assert abs(row["absence_all_terms"] - 45 / 300) < 1e-9  # not the term known afterwards
    assert row["household_absence_last_year"] == row["absence_last_year"]  # the only child
    assert (row["free_school_meals"], row["special_needs"], row["open_early_help"]) == (1, 1, 1)
    assert (row["male"], row["imd_decile"]) == (1, 2)
    assert 12.4 < row["age"] < 12.6
