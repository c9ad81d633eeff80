"""An event seen in two files (overlapping increments, one file under two source names) is
counted once, and the overlap is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from earlyhelp.ingest.load import ingest
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.warehouse.schema import connect
from tests.ingest.test_load import GOOD, HEADER, TODAY, spec

EVENTS_HEADER = "PersonID,EventId,EventDate,Code\n"
EVENTS = [f"P{i},E{i},0{1 + i % 9}/02/2024,REF\n" for i in range(1, 9)]


def events_spec(file: str, **overrides: Any) -> SourceSpec:
    raw: dict[str, object] = {
        "system": "test",
        "file": file,
        "mode": "increment",
        "date_formats": ["%d/%m/%Y"],
        "record_id": "PersonID",
        "events": [{"type_column": "Code", "types": {"REF": "csc.referral"}, "date": "EventDate"}],
    }
    raw.update(overrides)
    return SourceSpec.model_validate(raw)


def test_the_same_file_under_two_source_names_counts_its_events_once(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    con = connect(tmp_path / "warehouse.duckdb")
    reports = ingest({"people": spec(), "people_again": spec()}, tmp_path, con, today=TODAY)
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (3,)
    assert "3 events already loaded from other files" in reports[1].message


def test_overlapping_monthly_increments_count_each_event_once(tmp_path: Path) -> None:
    (tmp_path / "events_2025-11.csv").write_text(EVENTS_HEADER + "".join(EVENTS[:6]))
    (tmp_path / "events_2025-12.csv").write_text(EVENTS_HEADER + "".join(EVENTS[3:]))
    con = connect(tmp_path / "warehouse.duckdb")
    reports = ingest({"events": events_spec("events_*.csv")}, tmp_path, con, today=TODAY)
    assert [r.rows_loaded for r in reports] == [6, 5]
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (8,)
    assert "3 events already loaded from other files" in reports[1].message


def test_an_event_id_makes_a_revised_event_one_event(tmp_path: Path) -> None:
    (tmp_path / "events_2025-11.csv").write_text(EVENTS_HEADER + EVENTS[0])
    revised = EVENTS[0].replace("02/02/2024", "03/02/2024")  # the date corrected next month
    (tmp_path / "events_2025-12.csv").write_text(EVENTS_HEADER + revised)
    con = connect(tmp_path / "warehouse.duckdb")
    by_content = events_spec("events_*.csv")
    ingest({"events": by_content}, tmp_path, con, today=TODAY)
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (2,)
    con = connect(tmp_path / "warehouse2.duckdb")
    by_id = events_spec(
        "events_*.csv",
        events=[
            {
                "type_column": "Code",
                "types": {"REF": "csc.referral"},
                "date": "EventDate",
                "id": "EventId",
            }
        ],
    )
    ingest({"events": by_id}, tmp_path, con, today=TODAY)
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (1,)


def test_distinct_events_on_one_day_are_not_merged(tmp_path: Path) -> None:
    rows = ["P1,E1,02/02/2024,REF\n", "P2,E2,02/02/2024,REF\n"]
    (tmp_path / "events.csv").write_text(EVENTS_HEADER + "".join(rows))
    con = connect(tmp_path / "warehouse.duckdb")
    ingest({"events": events_spec("events.csv")}, tmp_path, con, today=TODAY)
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (2,)
