"""A bad snapshot never replaces the live data; a fixed mapping applies; the newest of several
files is chosen explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from earlyhelp.errors import IngestError
from earlyhelp.ingest.load import FileReport, accept, ingest
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.warehouse.schema import connect
from tests.ingest.test_load import GOOD, HEADER, TODAY, spec

MANY = [f"P{i},Name{i},Surname{i},01/01/2010,01/02/2024,REF\n" for i in range(10, 30)]


def run(
    folder: Path, source: SourceSpec | None = None, reload: tuple[str, ...] = ()
) -> tuple[list[FileReport], duckdb.DuckDBPyConnection]:
    con = connect(folder / "warehouse.duckdb")
    reports = ingest({"people": source or spec()}, folder, con, today=TODAY, reload=reload)
    return reports, con


def current_people(con: duckdb.DuckDBPyConnection) -> int:
    (count,) = con.execute("SELECT count(*) FROM current_person_record").fetchone() or (0,)
    return int(count)


def test_a_header_only_snapshot_is_held_and_the_current_one_stays(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(MANY))
    run(tmp_path)
    (tmp_path / "people.csv").write_text(HEADER)
    [report], con = run(tmp_path)
    assert report.status == "held" and report.needs_attention
    assert "0 rows where the current snapshot (people.csv) has 20" in report.message
    assert current_people(con) == 20
    [again], con = run(tmp_path)  # still there next month: still held, still reported
    assert again.status == "held" and current_people(con) == 20


def test_a_new_date_format_that_quarantines_most_rows_is_held(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(MANY))
    run(tmp_path)
    reformatted = [r.replace("01/01/2010", "2010.01.01") for r in MANY[:18]] + MANY[18:]
    (tmp_path / "people.csv").write_text(HEADER + "".join(reformatted))
    [report], con = run(tmp_path)
    assert report.status == "held"
    assert "18 of 20 rows quarantined" in report.message
    assert current_people(con) == 20
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (18,)  # kept to inspect


def test_a_held_snapshot_becomes_current_when_a_person_accepts_it(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(MANY))
    run(tmp_path)
    (tmp_path / "people.csv").write_text(HEADER + GOOD[0])
    _, con = run(tmp_path)
    with pytest.raises(IngestError, match="--by"):
        accept(con, "people", by="", reason="")
    message = accept(con, "people", by="A. Analyst", reason="the service closed 19 cases")
    assert "now current" in message and current_people(con) == 1
    [decision] = con.execute(
        "SELECT decision FROM load_lineage WHERE NOT superseded"
    ).fetchone() or ("",)
    assert "A. Analyst" in decision and "19 cases" in decision
    with pytest.raises(IngestError, match="no held snapshot"):
        accept(con, "people", by="A. Analyst", reason="again")
    [report], _ = run(tmp_path)
    assert report.status == "unchanged"


def test_putting_the_good_file_back_makes_it_current_again(tmp_path: Path) -> None:
    good = HEADER + "".join(MANY)
    (tmp_path / "people.csv").write_text(good)
    run(tmp_path)
    (tmp_path / "people.csv").write_text(HEADER + "".join(MANY[:15]))  # passes the checks
    run(tmp_path)
    (tmp_path / "people.csv").write_text(good)
    [report], con = run(tmp_path)
    assert report.status == "restored"
    assert current_people(con) == 20


def test_the_newest_file_by_the_date_in_its_name_is_current_whatever_the_name_order(
    tmp_path: Path,
) -> None:
    # Name order puts the older file last ("b_..." sorts after "a_...").
    (tmp_path / "a_persons_2025-12-31.csv").write_text(HEADER + "".join(MANY))
    (tmp_path / "b_persons_2025-11-30.csv").write_text(HEADER + "".join(MANY[:12]))
    reports, con = run(tmp_path, spec("*_persons_*.csv"))
    assert [(Path(r.file).name, r.status) for r in reports] == [
        ("b_persons_2025-11-30.csv", "skipped"),
        ("a_persons_2025-12-31.csv", "loaded"),
    ]
    assert "newest of 2 matching files by the date in its name" in reports[1].message
    assert current_people(con) == 20


def test_several_files_without_dates_are_refused_rather_than_guessed(tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_text(HEADER + "".join(MANY))
    (tmp_path / "persons_old.csv").write_text(HEADER + "".join(MANY[:12]))
    [report], con = run(tmp_path, spec("persons*.csv"))
    assert report.status == "failed"
    assert "name no date" in report.message and "snapshot_pick: name" in report.message
    assert current_people(con) == 0
    by_name = spec("persons*.csv", snapshot_pick="name")
    reports, con = run(tmp_path, by_name)
    assert [r.status for r in reports] == ["skipped", "loaded"]


def test_increments_load_every_file(tmp_path: Path) -> None:
    (tmp_path / "people_2025-11.csv").write_text(HEADER + "".join(MANY[:10]))
    (tmp_path / "people_2025-12.csv").write_text(HEADER + "".join(MANY[10:]))
    reports, con = run(tmp_path, spec("people_*.csv", mode="increment"))
    assert [r.status for r in reports] == ["loaded", "loaded"]
    assert current_people(con) == 20


def test_a_fixed_mapping_reloads_the_file_and_replaces_the_wrong_rows(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    # The first mapping reads the date of birth as month-first: P3's ISO date fails, and the
    # others load with day and month swapped.
    wrong = spec(date_formats=["%m/%d/%Y"], checks={"max_quarantine_share": 1.0})
    [first], con = run(tmp_path, wrong)
    assert first.rows_quarantined == 1
    [fixed], con = run(tmp_path)
    assert fixed.status == "loaded" and fixed.rows_quarantined == 0
    dobs = con.execute("SELECT dob FROM current_person_record ORDER BY 1").fetchall()
    assert [str(d) for (d,) in dobs] == ["2008-11-12", "2010-03-04", "2011-05-06"]
    [same], _ = run(tmp_path)
    assert same.status == "unchanged"


def test_a_fixed_mapping_of_an_increment_replaces_that_files_earlier_read(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    increment: dict[str, Any] = {"mode": "increment", "checks": {"max_quarantine_share": 1.0}}
    run(tmp_path, spec(date_formats=["%m/%d/%Y"], **increment))
    _, con = run(tmp_path, spec(**increment))
    assert con.execute("SELECT count(*) FROM current_event").fetchone() == (3,)
    assert current_people(con) == 3


def test_reload_reads_a_source_again_even_when_nothing_changed(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    run(tmp_path)
    [report], con = run(tmp_path, reload=("people",))
    assert report.status == "loaded"
    assert con.execute("SELECT count(*) FROM load_lineage").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM event").fetchone() == (3,)
    with pytest.raises(IngestError, match="no source"):
        run(tmp_path, reload=("peopel",))
