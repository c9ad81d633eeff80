"""Workbooks as analysts save them: merged cells, formulas without a saved value, several
sheets, a title above the header. Nothing loads as a silent blank."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from earlyhelp.ingest.load import FileReport, ingest
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.warehouse.schema import connect
from tests.ingest.test_load import TODAY, quarantined, spec

COLUMNS = ["PersonID", "Forename", "Surname", "DOB", "EventDate", "Code"]
ROWS = [
    ["P1", "Amy", "Smith", "04/03/2010", "01/02/2024", "REF"],
    ["P2", "Ben", "Smith", "12/11/2008", "02/02/2024", "CON"],
    ["P3", "Cara", "Patel", "06/05/2011", "03/02/2024", "REF"],
]


def workbook(path: Path, *, title: bool = False, notes_first: bool = False) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if notes_first:
        sheet.title = "Notes"
        sheet.append(["Extract of the youth justice system, run monthly"])
        sheet = book.create_sheet("Data")
    else:
        sheet.title = "Data"
    if title:
        sheet.append(["Youth justice extract"])
        sheet.append([])
    sheet.append(COLUMNS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return book


def load(tmp_path: Path, source: SourceSpec) -> tuple[FileReport, object]:
    con = connect(tmp_path / "warehouse.duckdb")
    [report] = ingest({"yj": source}, tmp_path, con, today=TODAY)
    return report, con


XLSX = {"file": "yj.xlsx", "format": "xlsx"}


def test_merged_cells_are_faults_naming_the_cells(tmp_path: Path) -> None:
    book = workbook(tmp_path / "yj.xlsx")
    book["Data"].merge_cells("C2:C3")  # "Smith" typed once for two rows
    book.save(tmp_path / "yj.xlsx")
    report, con = load(tmp_path, spec(**XLSX))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    [(line, field, reason)] = quarantined(con)  # type: ignore[arg-type]
    assert (line, field) == (3, "Surname")
    assert "C3 is inside merged cells C2:C3" in reason


def test_a_formula_saved_without_its_value_is_a_fault_naming_the_cell(tmp_path: Path) -> None:
    book = workbook(tmp_path / "yj.xlsx")
    book["Data"]["E4"] = "=DATE(2024,2,3)"  # openpyxl, like many programs, saves no value
    book.save(tmp_path / "yj.xlsx")
    report, con = load(tmp_path, spec(**XLSX))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    [(line, field, reason)] = quarantined(con)  # type: ignore[arg-type]
    assert (line, field) == (4, "EventDate") and "E4 holds the formula" in reason


def test_other_sheets_are_listed_and_a_notes_sheet_first_points_to_the_data(
    tmp_path: Path,
) -> None:
    workbook(tmp_path / "yj.xlsx", notes_first=True)
    report, _ = load(tmp_path, spec(**XLSX))
    assert report.status == "failed"
    assert "sheet 'Notes'" in report.message and "set `sheet: Data`" in report.message
    report, _ = load(tmp_path, spec(**XLSX, sheet="Data"))
    assert report.rows_loaded == 3
    assert "not read: 'Notes'" in report.message
    report, _ = load(tmp_path, spec(**XLSX, sheet="Sheet9"))
    assert "no sheet 'Sheet9'" in report.message and "'Notes', 'Data'" in report.message


def test_a_title_above_the_header_is_named_and_header_row_reads_past_it(
    tmp_path: Path,
) -> None:
    workbook(tmp_path / "yj.xlsx", title=True)
    report, _ = load(tmp_path, spec(**XLSX))
    assert report.status == "failed" and "set `header_row: 3`" in report.message
    report, con = load(tmp_path, spec(**XLSX, header_row=3))
    assert (report.rows_loaded, report.rows_quarantined) == (3, 0)
    lines = con.execute("SELECT first_line FROM person_record ORDER BY 1").fetchall()  # type: ignore[attr-defined]
    assert lines == [(4,), (5,), (6,)]


@pytest.mark.parametrize("header_row", [1, 3])
def test_header_row_works_for_text_files_too(tmp_path: Path, header_row: int) -> None:
    title = "Children's social care extract\n\n" if header_row == 3 else ""
    (tmp_path / "people.csv").write_text(
        title + ",".join(COLUMNS) + "\n" + "".join(",".join(r) + "\n" for r in ROWS)
    )
    con = connect(tmp_path / "warehouse.duckdb")
    [report] = ingest({"p": spec(header_row=header_row)}, tmp_path, con, today=TODAY)
    assert report.rows_loaded == 3
