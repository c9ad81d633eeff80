"""Council files as they come: date formats, encodings, column mappings and tiny files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from earlyhelp.errors import LinkageInputError
from earlyhelp.linkage.person_file import parse_dates, parse_mapping, read_person_file
from earlyhelp.linkage.tools import dedupe_file, pair_csv

ROWS = [
    ("1", "Ann", "Lee", "02/01/1990"),
    ("2", "Bob", "Khan", "04/03/1985"),
    ("3", "Cat", "Ng", "31/12/1970"),
    ("4", "Dan", "Wu", "not known"),
]


def _csv(
    path: Path, rows: Sequence[tuple[str, ...]], columns: list[str], encoding: str = "utf-8"
) -> Path:
    pd.DataFrame(list(rows), columns=columns).to_csv(path, index=False, encoding=encoding)
    return path


def test_uk_dates_are_read_day_first_and_unreadable_ones_counted(tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", ROWS, ["record_id", "first_name", "surname", "dob"])
    read = read_person_file(path, "input")
    assert read.records["dob"].tolist() == ["1990-01-02", "1985-03-04", "1970-12-31", ""]
    assert read.unreadable == {"dob": 1}
    assert any("1 value(s) of 'dob' could not be read" in n for n in read.notes(path))


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("19900102", "%Y%m%d"), ("02-01-1990", "%d-%m-%Y"), ("2 Jan 1990", "%d %b %Y")],
)
def test_each_usual_format_is_recognised(text: str, fmt: str) -> None:
    values, chosen, bad = parse_dates(pd.Series([text]), None)
    assert (values.tolist(), chosen, bad) == (["1990-01-02"], fmt, 0)


def test_a_given_date_format_is_used(tmp_path: Path) -> None:
    rows = [(r[0], r[1], r[2], "01-02-1990") for r in ROWS]
    path = _csv(tmp_path / "us.csv", rows, ["record_id", "first_name", "surname", "dob"])
    read = read_person_file(path, "input", dob_format="%m-%d-%Y")
    assert set(read.records["dob"]) == {"1990-01-02"}


def test_dates_no_format_reads_are_refused_not_dropped(tmp_path: Path) -> None:
    rows = [(r[0], r[1], r[2], "1990.13.45") for r in ROWS]
    path = _csv(tmp_path / "odd.csv", rows, ["record_id", "first_name", "surname", "dob"])
    with pytest.raises(LinkageInputError, match=r"odd\.csv.*'dob'.*--dob-format"):
        read_person_file(path, "input")


def test_a_windows_1252_file_is_read(tmp_path: Path) -> None:
    rows = [("1", "Zoë", "Brontë", "1990-01-02"), ("2", "José", "Nuñez", "1980-05-06")]
    path = _csv(
        tmp_path / "w.csv", rows, ["record_id", "first_name", "surname", "dob"], encoding="cp1252"
    )
    read = read_person_file(path, "input")
    assert read.records["first_name"].tolist() == ["Zoë", "José"]
    assert read.encoding == "cp1252"


def test_columns_are_mapped_and_a_bad_mapping_names_the_column(tmp_path: Path) -> None:
    columns = ["ID", "Given Name", "Family Name", "Date of Birth"]
    path = _csv(tmp_path / "m.csv", ROWS, columns)
    mapping = parse_mapping(
        ["ID=record_id", "Given Name=first_name", "Family Name=surname", "Date of Birth=dob"]
    )
    read = read_person_file(path, "input", mapping=mapping)
    assert read.records["surname"].tolist()[:2] == ["Lee", "Khan"]
    with pytest.raises(LinkageInputError, match=r"m\.csv.*'Forename' is not in the file"):
        read_person_file(path, "input", mapping={"Forename": "first_name"})
    with pytest.raises(LinkageInputError, match=r"'ID' is mapped to 'nickname'"):
        read_person_file(path, "input", mapping={"ID": "nickname"})
    with pytest.raises(LinkageInputError, match=r"required column 'record_id'.*--map"):
        read_person_file(path, "input")
    with pytest.raises(LinkageInputError, match="FILE_COLUMN=CANONICAL_COLUMN"):
        parse_mapping(["first_name"])


def test_a_header_only_or_empty_file_gets_a_clear_message(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("record_id,first_name,surname,dob\n")
    with pytest.raises(LinkageInputError, match=r"header\.csv.*no records"):
        dedupe_file(header, tmp_path / "out.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(LinkageInputError, match=r"empty\.csv.*empty"):
        dedupe_file(empty, tmp_path / "out.csv")


def test_one_row_is_one_person(tmp_path: Path) -> None:
    path = _csv(tmp_path / "one.csv", ROWS[:1], ["record_id", "first_name", "surname", "dob"])
    result = dedupe_file(path, tmp_path / "out.csv")
    assert result.output.to_dict("list") == {"record_id": ["1"], "person_id": [1]}
    assert "exact agreement" in result.threshold


def test_identical_records_in_tiny_files_are_paired(tmp_path: Path) -> None:
    columns = ["record_id", "first_name", "surname", "dob"]
    left = _csv(tmp_path / "l.csv", ROWS[:3], columns)
    right = _csv(tmp_path / "r.csv", [("9", "ann", "LEE", "1990-01-02"), *ROWS[1:2]], columns)
    out = pair_csv(left, right, tmp_path / "out.csv")
    keys = zip(out["side"], out["record_id"], out["person_id"], strict=True)
    ids = {(s, r): p for s, r, p in keys}
    assert ids[("left", "1")] == ids[("right", "9")]
    assert ids[("left", "2")] == ids[("right", "2")]
    assert ids[("left", "3")] not in {ids[("right", "9")], ids[("right", "2")]}


def test_the_command_takes_a_mapping_and_a_date_format_and_reports_what_it_read(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from earlyhelp.cli import app

    rows = [(r[0], r[1], r[2], "19900102" if r[0] != "4" else "?") for r in ROWS]
    path = _csv(tmp_path / "f.csv", rows, ["ID", "Given", "Family", "Born"])
    out = tmp_path / "out.csv"
    args = ["link", "dedupe", str(path), "--output", str(out), "--dob-format", "%Y%m%d"]
    maps = ["ID=record_id", "Given=first_name", "Family=surname", "Born=dob"]
    result = CliRunner().invoke(app, [*args, *(x for m in maps for x in ("--map", m))])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "1 value(s) of 'dob' could not be read as %Y%m%d" in said
    assert "exact agreement" in said
    assert pd.read_csv(out)["record_id"].tolist() == [1, 2, 3, 4]
    bad = CliRunner().invoke(app, [*args, "--map", "Nope=first_name"])
    assert bad.exit_code == 1 and "'Nope' is not in the file" in " ".join(bad.output.split())
