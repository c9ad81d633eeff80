"""Text and Parquet files as councils' systems really write them: quoted newlines, byte-order
marks, UTF-16, old Mac line ends, huge fields, NUL bytes, list columns."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from earlyhelp.ingest.load import ingest
from earlyhelp.warehouse.schema import connect
from tests.ingest.test_load import GOOD, HEADER, TODAY, load, quarantined, spec


def test_a_quoted_newline_stays_inside_its_field_and_lines_are_still_counted(
    tmp_path: Path,
) -> None:
    content = HEADER + GOOD[0] + 'P4,"Mary\nAnne",Smith,01/01/2010,01/02/2024,REF\n' + GOOD[1]
    content += "P5,Eve,Brown,01/0\n"
    report, con = load(tmp_path, content)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 3, 1)
    names = con.execute("SELECT first_name, first_line FROM person_record ORDER BY 2").fetchall()
    assert names == [("Amy", 2), ("Mary\nAnne", 3), ("Ben", 5)]
    assert [line for line, _, _ in quarantined(con)] == [6]


@pytest.mark.parametrize(
    ("encode", "note"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), ""),
        (lambda text: text.encode("utf-16"), "utf-16"),
        (lambda text: text.replace("\n", "\r").encode(), ""),
        (lambda text: text.replace("\n", "\r\n").encode(), ""),
    ],
    ids=["utf-8 BOM", "utf-16", "CR only", "CRLF"],
)
def test_byte_order_marks_and_line_ends_of_any_kind_load(
    tmp_path: Path, encode: object, note: str
) -> None:
    report, con = load(tmp_path, encode(HEADER + "".join(GOOD)))  # type: ignore[operator]
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 3, 0)
    assert note in report.message
    lines = con.execute("SELECT first_line FROM person_record ORDER BY 1").fetchall()
    assert lines == [(2,), (3,), (4,)]


def test_utf16_without_a_mark_is_a_clear_failure_and_other_sources_still_load(
    tmp_path: Path,
) -> None:
    (tmp_path / "wide.csv").write_bytes((HEADER + GOOD[0]).encode("utf-16-le"))
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    con = connect(tmp_path / "warehouse.duckdb")
    reports = ingest({"wide": spec("wide.csv"), "people": spec()}, tmp_path, con, today=TODAY)
    assert [r.status for r in reports] == ["failed", "loaded"]
    assert "UTF-16 without a byte-order mark" in reports[0].message
    report, _ = load(tmp_path, (HEADER + GOOD[0]).encode("utf-16-le"), spec(encoding="utf-16-le"))
    assert report.rows_loaded == 1


def test_a_field_of_a_megabyte_quarantines_its_row_only(tmp_path: Path) -> None:
    huge = "P4,Dan," + "x" * 1_000_000 + ",01/01/2010,01/02/2024,REF\n"
    report, con = load(tmp_path, HEADER + GOOD[0] + huge + GOOD[1])
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    [(line, _, reason)] = quarantined(con)
    assert line == 3 and "field larger than field limit" in reason


def test_a_file_with_no_line_end_is_a_header_and_nothing_else(tmp_path: Path) -> None:
    report, _ = load(tmp_path, HEADER.strip())
    assert (report.status, report.rows_read) == ("loaded", 0)
    report, _ = load(tmp_path, "x" * 1_000_000)
    assert report.status == "failed" and "people.csv" in report.message


def test_a_nul_byte_is_a_fault_naming_its_field(tmp_path: Path) -> None:
    report, con = load(tmp_path, HEADER + GOOD[0] + "P4,Da\x00n,Evans,01/01/2010,01/02/2024,REF\n")
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, field, reason)] = quarantined(con)
    assert (line, field) == (3, "Forename") and "NUL" in reason
    assert con.execute(
        "SELECT count(*) FROM person_record WHERE first_name LIKE '%\x00%'"
    ).fetchone() == (0,)


def test_a_parquet_list_column_is_a_fault_naming_its_field(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "PersonID": ["P1", "P2"],
            "Forename": [["Amy", "Jo"], None],
            "Surname": ["Smith", "Jones"],
            "DOB": ["04/03/2010", "12/11/2008"],
            "EventDate": ["01/02/2024", "02/02/2024"],
            "Code": ["REF", "CON"],
        }
    )
    frame.to_parquet(tmp_path / "people.parquet")
    con = connect(tmp_path / "warehouse.duckdb")
    [report] = ingest(
        {"people": spec("people.parquet", format="parquet")}, tmp_path, con, today=TODAY
    )
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, field, reason)] = quarantined(con)
    assert (line, field) == (2, "Forename") and "list" in reason
    assert con.execute("SELECT first_name FROM person_record").fetchall() == [(None,)]
