"""The command line under the mistakes councils make: a mistyped warehouse, an output over an
input, a typo in sources.yaml, a warehouse in use. One readable line, exit 1, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlyhelp.cli import app
from earlyhelp.errors import ConfigurationError
from tests.ingest.test_load import GOOD, HEADER

runner = CliRunner()

SOURCES = """
sources:
  people:
    system: test
    file: people.csv
    date_formats: ["%d/%m/%Y", "%Y-%m-%d"]
    record_id: PersonID
    person: {first_name: Forename, surname: Surname, dob: DOB}
    events:
      - {type_column: Code, types: {REF: csc.referral, CON: csc.contact}, date: EventDate}
"""


def council(tmp_path: Path, sources: str = SOURCES) -> tuple[Path, Path]:
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    (tmp_path / "sources.yaml").write_text(sources)
    return tmp_path / "sources.yaml", tmp_path / "warehouse.duckdb"


def ingest(sources: Path, warehouse: Path, *extra: str) -> list[str]:
    return [
        "ingest",
        "--sources",
        str(sources),
        "--data",
        str(sources.parent),
        "--warehouse",
        str(warehouse),
        *extra,
    ]


def features(warehouse: Path, output: Path) -> list[str]:
    return [
        "features",
        "--as-of",
        "2024-06-30",
        "--output",
        str(output),
        "--warehouse",
        str(warehouse),
    ]


def test_a_mistyped_warehouse_is_refused_and_not_created(tmp_path: Path) -> None:
    for args in (
        features(tmp_path / "wh.duckbd", tmp_path / "f.parquet"),
        ["link", "--warehouse", str(tmp_path / "other.duckdb")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "no warehouse at" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_ingest_makes_a_warehouse_only_at_a_duckdb_name(tmp_path: Path) -> None:
    sources, _ = council(tmp_path)
    result = runner.invoke(app, ingest(sources, tmp_path / "x.csv"))
    assert result.exit_code == 1 and "ending .duckdb" in result.output
    assert not (tmp_path / "x.csv").exists()
    result = runner.invoke(app, ingest(sources, tmp_path / "x.db", "--new-warehouse-anywhere"))
    assert result.exit_code == 0, result.output


def test_a_file_that_is_not_a_warehouse_is_refused_untouched(tmp_path: Path) -> None:
    sources, _ = council(tmp_path)
    before = (tmp_path / "people.csv").read_bytes()
    result = runner.invoke(app, ingest(sources, tmp_path / "people.csv"))
    assert result.exit_code == 1 and "is not a DuckDB warehouse" in result.output
    assert (tmp_path / "people.csv").read_bytes() == before


def test_link_dedupe_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("record_id,first_name,surname,dob\n1,Amy,Smith,2010-03-04\n")
    before = people.read_bytes()
    for args in (
        ["link", "dedupe", str(people), "--output", str(people)],
        ["link", "pair", str(people), str(tmp_path / "b.csv"), "--output", str(people)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and "is an input" in " ".join(result.output.split())
    assert people.read_bytes() == before


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (SOURCES.replace("file:", "fiel:"), "sources.people.fiel: not a key here; allowed:"),
        (SOURCES.replace("record_id: PersonID", "record_id: [PersonID"), "not valid YAML"),
        (SOURCES + "    encoding: utf8x\n", "unknown encoding 'utf8x'"),
    ],
    ids=["key typo", "YAML syntax", "encoding"],
)
def test_a_sources_yaml_mistake_is_one_or_two_lines_and_exit_1(
    tmp_path: Path, sources: str, expected: str
) -> None:
    path, warehouse = council(tmp_path, sources)
    result = runner.invoke(app, ingest(path, warehouse))
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split()) and str(path.name) in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 4
    debug = runner.invoke(app, ["--debug", *ingest(path, warehouse)])
    assert isinstance(debug.exception, ConfigurationError)


def test_a_held_snapshot_exits_1_and_is_accepted_with_a_reason(tmp_path: Path) -> None:
    sources, warehouse = council(tmp_path)
    assert runner.invoke(app, ingest(sources, warehouse)).exit_code == 0
    (tmp_path / "people.csv").write_text(HEADER)
    result = runner.invoke(app, ingest(sources, warehouse))
    assert result.exit_code == 1 and "held" in result.output
    refused = runner.invoke(app, ingest(sources, warehouse, "--accept", "people"))
    assert refused.exit_code == 1 and "--by" in refused.output
    accepted = runner.invoke(
        app,
        ingest(
            sources, warehouse, "--accept", "people", "--by", "A. Analyst", "--reason", "closed"
        ),
    )
    assert accepted.exit_code == 0 and "now current" in " ".join(accepted.output.split())


def test_a_warehouse_in_use_names_the_command_holding_it(tmp_path: Path) -> None:
    sources, warehouse = council(tmp_path)
    assert runner.invoke(app, ingest(sources, warehouse)).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(60)", str(warehouse)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = runner.invoke(app, ingest(sources, warehouse))
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert f"PID {holder.pid}" in text and "time.sleep" in text


def test_a_sql_sources_password_is_stored_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb
    import pandas as pd
    import sqlalchemy

    real = sqlalchemy.create_engine
    database = tmp_path / "csc.sqlite"
    (tmp_path / "people.csv").write_text(HEADER + "".join(GOOD))
    pd.read_csv(tmp_path / "people.csv", dtype=str).to_sql(
        "persons", real(f"sqlite:///{database}"), index=False
    )
    monkeypatch.setattr(sqlalchemy, "create_engine", lambda url: real(f"sqlite:///{database}"))
    url = "postgresql+psycopg://alice:s3cret@db.council.local/csc"
    sources = SOURCES.replace(
        "file: people.csv", f"format: sql\n    url: {url}\n    table: persons"
    )
    path, warehouse = council(tmp_path, sources)
    result = runner.invoke(app, ingest(path, warehouse))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(warehouse), read_only=True)
    stored = con.execute("SELECT load_id, file FROM load_lineage").fetchall()
    assert stored and "db.council.local" in stored[0][1]
    assert not any("s3cret" in v or "alice" in v for row in stored for v in row)
    assert "s3cret" not in result.output


def test_train_checks_truth_and_the_data_directory_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = runner.invoke(app, ["train", "--truth", str(tmp_path / "truht")])
    assert missing.exit_code == 1 and "is not a folder" in missing.output
    (tmp_path / "blocker").write_text("a file where the data directory should be")
    monkeypatch.setenv("EARLYHELP_DATA_DIR", str(tmp_path / "blocker" / "data"))
    unwritable = runner.invoke(app, ["train", "--warehouse", str(tmp_path / "absent.duckdb")])
    assert unwritable.exit_code == 1
    assert "cannot write to" in " ".join(unwritable.output.split())
