"""Ingest of hand-made extracts: every bad input gets a clear error or a quarantine row, and
every row read is loaded or quarantined."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from earlyhelp.ingest.load import FileReport, ingest
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.warehouse.schema import connect

TODAY = dt.date(2026, 1, 31)
HEADER = "PersonID,Forename,Surname,DOB,EventDate,Code\n"
GOOD = [
    "P1,Amy,Smith,04/03/2010,01/02/2024,REF\n",
    "P2,Ben,Jones,12/11/2008,02/02/2024,CON\n",
    "P3,Cara,Patel,2011-05-06,03/02/2024,REF\n",
]


def spec(file: str = "people.csv", **overrides: Any) -> SourceSpec:
    raw: dict[str, object] = {
        "system": "test",
        "file": file,
        "date_formats": ["%d/%m/%Y", "%Y-%m-%d"],
        "record_id": "PersonID",
        "person": {"first_name": "Forename", "surname": "Surname", "dob": "DOB"},
        "events": [
            {
                "type_column": "Code",
                "types": {"REF": "csc.referral", "CON": "csc.contact"},
                "date": "EventDate",
            }
        ],
    }
    raw.update(overrides)
    return SourceSpec.model_validate(raw)


def load(
    tmp_path: Path, content: bytes | str, source: SourceSpec | None = None
) -> tuple[FileReport, duckdb.DuckDBPyConnection]:
    path = tmp_path / "people.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    con = connect(tmp_path / "warehouse.duckdb")
    [report] = ingest({"people": source or spec()}, tmp_path, con, today=TODAY)
    return report, con


def quarantined(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    return con.execute("SELECT line, field, reason FROM quarantine ORDER BY line").fetchall()


def test_a_clean_file_loads_every_row_with_mixed_date_formats(tmp_path: Path) -> None:
    report, con = load(tmp_path, HEADER + "".join(GOOD))
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_quarantined) == (
        "loaded",
        3,
        3,
        0,
    )
    dobs = con.execute("SELECT source_record_id, dob FROM person_record ORDER BY 1").fetchall()
    assert dobs == [
        ("P1", dt.date(2010, 3, 4)),
        ("P2", dt.date(2008, 11, 12)),
        ("P3", dt.date(2011, 5, 6)),
    ]
    kinds = con.execute("SELECT subject_key, event_type FROM event ORDER BY 1").fetchall()
    assert kinds == [("P1", "csc.referral"), ("P2", "csc.contact"), ("P3", "csc.referral")]


def test_loading_the_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    load(tmp_path, HEADER + "".join(GOOD))
    con = connect(tmp_path / "warehouse.duckdb")
    [again] = ingest({"people": spec()}, tmp_path, con, today=TODAY)
    assert again.status == "unchanged"
    assert con.execute("SELECT count(*) FROM event").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM load_lineage").fetchone() == (1,)


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("P4,Dan,Evans,31/02/2010,01/02/2024,REF\n", "DOB", "none of the formats"),
        ("P4,Dan,Evans,01/01/1800,01/02/2024,REF\n", "DOB", "before 1900"),
        ("P4,Dan,Evans,01/01/2030,01/02/2024,REF\n", "DOB", "in the future"),
        ("P4,Dan,Evans,01/01/2010,01/02/2031,REF\n", "EventDate", "in the future"),
        ("P4,Dan,Evans,01/01/2010,01/02/1985,REF\n", "EventDate", "before 1990"),
        ("P4,Dan,Evans,01/01/2010,,REF\n", "EventDate", "blank"),
        ("P4,Dan,Evans,01/01/2010,01/02/2024,XYZ\n", "Code", "'XYZ' is not one of"),
        ("P4,=cmd|' /C calc'!A0,Evans,01/01/2010,01/02/2024,REF\n", "Forename", "formula"),
        ("P4,Dan,@SUM(1+1),01/01/2010,01/02/2024,REF\n", "Surname", "formula"),
        (",Dan,Evans,01/01/2010,01/02/2024,REF\n", "PersonID", "record id is blank"),
    ],
)
def test_a_bad_row_is_quarantined_with_its_line_field_and_reason(
    tmp_path: Path, row: str, field: str, reason: str
) -> None:
    report, con = load(tmp_path, HEADER + "".join(GOOD) + row)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 3, 1)
    [(line, got_field, got_reason)] = quarantined(con)
    assert (line, got_field) == (5, field)
    assert reason in got_reason
    assert con.execute("SELECT count(*) FROM event").fetchone() == (3,)


def test_a_hyphenated_or_negative_value_is_not_taken_for_a_formula(tmp_path: Path) -> None:
    report, _ = load(tmp_path, HEADER + "P4,Anne-Marie,Smith-Jones,01/01/2010,01/02/2024,REF\n")
    assert report.rows_quarantined == 0


def test_undecodable_bytes_quarantine_only_their_row(tmp_path: Path) -> None:
    content = (
        (HEADER + GOOD[0]).encode()
        + b"P9,Jos\xe9,Ruiz,01/01/2010,01/02/2024,REF\n"
        + GOOD[1].encode()
    )
    report, con = load(tmp_path, content)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    [(line, _, reason)] = quarantined(con)
    assert line == 3 and "utf-8" in reason


def test_the_same_bytes_read_as_windows_1252_load(tmp_path: Path) -> None:
    content = HEADER.encode() + b"P9,Jos\xe9,Ruiz,01/01/2010,01/02/2024,REF\n"
    report, con = load(tmp_path, content, spec(encoding="cp1252"))
    assert report.rows_loaded == 1
    assert con.execute("SELECT first_name FROM person_record").fetchone() == ("José",)


def test_duplicate_rows_and_a_truncated_last_line_are_quarantined(tmp_path: Path) -> None:
    report, con = load(tmp_path, HEADER + "".join(GOOD) + GOOD[1] + "P5,Eve,Brown,01/0")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 3, 2)
    reasons = [r for _, _, r in quarantined(con)]
    assert "repeats line 3 exactly" in reasons[0]
    assert "4 fields where the header has 6" in reasons[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("PersonID,Forename,Forename,DOB,EventDate,Code\n", "more than once"),
        (
            "PersonID,Forename,DOB,EventDate,Code\n" + "P1,Amy,04/03/2010,01/02/2024,REF\n",
            "lacks 'Surname'",
        ),
    ],
)
def test_a_file_that_cannot_load_fails_whole_with_a_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    report, con = load(tmp_path, content)
    assert report.status == "failed" and message in report.message
    assert "people.csv" in report.message
    assert con.execute("SELECT count(*) FROM load_lineage").fetchone() == (0,)


def test_a_source_with_no_file_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    con = connect(tmp_path / "warehouse.duckdb")
    reports = ingest(
        {"absent": spec("missing_*.csv"), "people": spec()}, tmp_path, con, today=TODAY
    )
    assert [(r.source, r.status) for r in reports] == [("absent", "failed"), ("people", "loaded")]
    assert "source 'absent': no file matches" in reports[0].message


def test_a_header_only_file_loads_nothing_and_reconciles(tmp_path: Path) -> None:
    report, _ = load(tmp_path, HEADER)
    assert (report.status, report.rows_read, report.rows_loaded) == ("loaded", 0, 0)
