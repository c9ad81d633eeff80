"""The mistakes council analysts make every month, run as one table: each case, what earlyhelp
did, and the reconciliation (rows read = loaded + quarantined; what is current afterwards).

    python benchmarks/bad_inputs.py

Every case runs on small hand-made extracts in a temporary folder, through the same code the
`earlyhelp` command runs (the command-line cases through the command itself). The table is
recorded in docs/ingest.md; tests/ingest and tests/test_cli_inputs.py assert each case.
"""

from __future__ import annotations

import argparse
import codecs
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from earlyhelp.cli import app
from earlyhelp.ingest.load import FileReport, ingest
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.warehouse.schema import connect

COLUMNS = ["PersonID", "Forename", "Surname", "DOB", "EventDate", "Code"]
HEADER = ",".join(COLUMNS) + "\n"
ROWS = [f"P{i},Name{i},Surname{i},01/01/2010,0{1 + i % 9}/02/2024,REF\n" for i in range(20)]
MAPPING: dict[str, object] = {
    "system": "csc",
    "date_formats": ["%d/%m/%Y"],
    "record_id": "PersonID",
    "person": {"first_name": "Forename", "surname": "Surname", "dob": "DOB"},
    "events": [{"type_column": "Code", "types": {"REF": "csc.referral"}, "date": "EventDate"}],
}
SOURCES_YAML = """sources:
  people:
    system: csc
    file: people.csv
    date_formats: ["%d/%m/%Y"]
    record_id: PersonID
    person: {first_name: Forename, surname: Surname, dob: DOB}
    events: [{type_column: Code, types: {REF: csc.referral}, date: EventDate}]
"""


@dataclass
class Outcome:
    """What one case came to."""

    result: str
    reconciliation: str


def spec(file: str = "people.csv", **overrides: Any) -> SourceSpec:
    return SourceSpec.model_validate({**MAPPING, "file": file, **overrides})


def load(folder: Path, sources: dict[str, SourceSpec]) -> list[FileReport]:
    con = connect(folder / "warehouse.duckdb")
    try:
        return ingest(sources, folder, con)
    finally:
        con.close()


def counts(folder: Path) -> str:
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        people, events = (
            con.execute(f"SELECT count(*) FROM current_{t}").fetchone() or (0,)
            for t in ("person_record", "event")
        )
    finally:
        con.close()
    return f"current: {people[0]} records, {events[0]} events"


def summary(report: FileReport) -> str:
    return (
        f"{report.rows_read} read = {report.rows_loaded} loaded + "
        f"{report.rows_quarantined} quarantined"
    )


def one_file(content: bytes, **overrides: Any) -> Callable[[Path], Outcome]:
    """A case of one CSV file: its status, first note or quarantine reason, reconciliation."""

    def case(folder: Path) -> Outcome:
        (folder / "people.csv").write_bytes(content)
        [report] = load(folder, {"people": spec(**overrides)})
        con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
        reason = con.execute("SELECT reason FROM quarantine LIMIT 1").fetchone()
        con.close()
        notes = [reason[0] if reason else "", report.message]
        return Outcome(": ".join([report.status, *filter(None, notes)]), summary(report))

    return case


def snapshot_then(second: str, restore: bool = False) -> Callable[[Path], Outcome]:
    """A good snapshot, then another; optionally the good one put back."""

    def case(folder: Path) -> Outcome:
        good = HEADER + "".join(ROWS)
        (folder / "people.csv").write_text(good)
        load(folder, {"people": spec()})
        (folder / "people.csv").write_text(second)
        [report] = load(folder, {"people": spec()})
        if restore:
            (folder / "people.csv").write_text(good)
            [report] = load(folder, {"people": spec()})
        return Outcome(f"{report.status}: {report.message}", f"{summary(report)}; {counts(folder)}")

    return case


def older_file_last(folder: Path) -> Outcome:
    (folder / "a_people_2025-12-31.csv").write_text(HEADER + "".join(ROWS))
    (folder / "b_people_2025-11-30.csv").write_text(HEADER + "".join(ROWS[:12]))
    reports = load(folder, {"people": spec("*_people_*.csv")})
    chosen = next(r for r in reports if r.status != "skipped")
    return Outcome(f"{Path(chosen.file).name} {chosen.status}: {chosen.message}", counts(folder))


def mapping_fixed(folder: Path) -> Outcome:
    (folder / "people.csv").write_text(HEADER + "".join(ROWS))
    load(folder, {"people": spec(date_formats=["%m/%d/%Y"], checks={"max_quarantine_share": 1})})
    [report] = load(folder, {"people": spec()})
    return Outcome(f"{report.status} again with the fixed mapping", counts(folder))


def two_source_names(folder: Path) -> Outcome:
    (folder / "people.csv").write_text(HEADER + "".join(ROWS))
    reports = load(folder, {"people": spec(), "people_copy": spec()})
    return Outcome(reports[1].message, counts(folder))


def overlapping_increments(folder: Path) -> Outcome:
    (folder / "people_2025-11.csv").write_text(HEADER + "".join(ROWS[:14]))
    (folder / "people_2025-12.csv").write_text(HEADER + "".join(ROWS[6:]))
    reports = load(folder, {"people": spec("people_*.csv", mode="increment")})
    return Outcome(reports[1].message, f"14 + 14 rows loaded; {counts(folder)}")


def command(args: Callable[[Path], list[str]]) -> Callable[[Path], Outcome]:
    """A case run through the `earlyhelp` command itself."""

    def case(folder: Path) -> Outcome:
        (folder / "people.csv").write_text(HEADER + "".join(ROWS))
        (folder / "sources.yaml").write_text(SOURCES_YAML)
        before = sorted(p.name for p in folder.iterdir())
        result = CliRunner().invoke(app, args(folder))
        lines = [line for line in result.output.splitlines() if line.strip()]
        message = " ".join(" ".join(lines[:2]).split()).replace(str(folder) + "/", "")
        after = sorted(p.name for p in folder.iterdir())
        files = "no file made or changed" if after == before else f"files now {after}"
        return Outcome(f"exit {result.exit_code}: {message}", files)

    return case


def ingest_args(folder: Path, *extra: str) -> list[str]:
    return ["ingest", "--sources", str(folder / "sources.yaml"), "--data", str(folder), *extra]


def yaml_typo(folder: Path) -> list[str]:
    (folder / "sources.yaml").write_text(SOURCES_YAML.replace("file:", "fiel:"))
    return ingest_args(folder, "--warehouse", str(folder / "w.duckdb"))


def workbook(folder: Path, change: Callable[[Workbook], None], **overrides: Any) -> Outcome:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(COLUMNS)
    for row in ROWS[:5]:
        sheet.append(row.strip().split(","))
    change(book)
    book.save(folder / "yj.xlsx")
    return one_file(b"", file="yj.xlsx", format="xlsx", **overrides)(folder)


def merged(book: Workbook) -> None:
    book["Data"].merge_cells("C2:C3")


def formula(book: Workbook) -> None:
    book["Data"]["E4"] = "=DATE(2024,2,3)"


def notes_first(book: Workbook) -> None:
    book.move_sheet(book.create_sheet("Notes"), offset=-1)


def title_row(book: Workbook) -> None:
    book["Data"].insert_rows(1, amount=2)
    book["Data"]["A1"] = "Youth justice extract"


def parquet_list(folder: Path) -> Outcome:
    frame = pd.DataFrame([r.strip().split(",") for r in ROWS], columns=COLUMNS)
    frame["Forename"] = pd.Series([["Amy", "Jo"], *([[name] for name in frame["Forename"][1:]])])
    frame.to_parquet(folder / "people.parquet")
    return one_file(b"", file="people.parquet", format="parquet")(folder)


def sql_password(folder: Path) -> Outcome:
    import sqlalchemy

    database = folder / "csc.sqlite"
    frame = pd.DataFrame([r.strip().split(",") for r in ROWS], columns=COLUMNS)
    frame.to_sql("persons", sqlalchemy.create_engine(f"sqlite:///{database}"), index=False)
    real = sqlalchemy.create_engine
    sqlalchemy.create_engine = lambda url: real(f"sqlite:///{database}")  # type: ignore[assignment]
    try:
        url = "postgresql+psycopg://alice:s3cret@db.council.local/csc"
        sql = SourceSpec.model_validate(
            {**MAPPING, "format": "sql", "url": url, "table": "persons"}
        )
        load(folder, {"csc": sql})
    finally:
        sqlalchemy.create_engine = real
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    (stored,) = con.execute("SELECT file FROM load_lineage").fetchone() or ("",)
    con.close()
    leaked = "s3cret" in stored or "alice" in stored
    return Outcome(f"lineage names {stored}", "password stored" if leaked else "no credentials")


GOOD = (HEADER + "".join(ROWS)).encode()
EVENT = b",01/01/2010,01/02/2024,REF\n"
NEW_FORMAT = HEADER + "".join(r.replace("01/01/2010", "2010.01.01") for r in ROWS)


def features_args(folder: Path) -> list[str]:
    output = str(folder / "x.parquet")
    return [
        "features",
        "--as-of",
        "2024-06-30",
        "--output",
        output,
        "--warehouse",
        str(folder / "wh.duckbd"),
    ]


def dedupe_args(folder: Path) -> list[str]:
    people = str(folder / "people.csv")
    return ["link", "dedupe", people, "--output", people]


CASES: list[tuple[str, Callable[[Path], Outcome]]] = [
    ("1 header-only snapshot after a good one", snapshot_then(HEADER)),
    ("1 supplier changes its date format", snapshot_then(NEW_FORMAT)),
    ("1 good file put back after a smaller one", snapshot_then(HEADER + "".join(ROWS[:15]), True)),
    ("1 older file sorts last in the glob", older_file_last),
    ("2 sources.yaml fixed after a load", mapping_fixed),
    ("3 one file under two source names", two_source_names),
    ("3 monthly increments that overlap", overlapping_increments),
    ("4 features --warehouse wh.duckbd", command(features_args)),
    (
        "4 ingest --warehouse x.csv",
        command(lambda f: ingest_args(f, "--warehouse", str(f / "x.csv"))),
    ),
    ("5 link dedupe X.csv --output X.csv", command(dedupe_args)),
    ("6 merged cells C2:C3", lambda f: workbook(f, merged)),
    ("6 formula saved without its value", lambda f: workbook(f, formula)),
    ("6 a notes sheet first", lambda f: workbook(f, notes_first)),
    ("6 ... with sheet: Data", lambda f: workbook(f, notes_first, sheet="Data")),
    ("6 a title above the header", lambda f: workbook(f, title_row)),
    ("6 ... with header_row: 3", lambda f: workbook(f, title_row, header_row=3)),
    ("7 quoted field with a newline", one_file(HEADER.encode() + b'P1,"Mary\nAnne",Smith' + EVENT)),
    ("7 UTF-8 byte-order mark", one_file(codecs.BOM_UTF8 + GOOD)),
    ("7 UTF-16 with a byte-order mark", one_file(GOOD.decode().encode("utf-16"))),
    ("7 UTF-16 without a mark", one_file(GOOD.decode().encode("utf-16-le"))),
    ("7 CR-only line ends", one_file(GOOD.replace(b"\n", b"\r"))),
    ("7 a 1 MB field", one_file(GOOD + b"P9,Dan," + b"x" * 1_000_000 + EVENT)),
    ("7 no line end at all (1 MB)", one_file(b"x" * 1_000_000)),
    ("8 NUL byte in a name", one_file(GOOD + b"P9,Da\x00n,Evans" + EVENT)),
    ("8 Parquet list column", parquet_list),
    ("errors: sources.yaml key typo", command(yaml_typo)),
    ("secrets: SQL URL with a password", sql_password),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="Print a Markdown table.")
    markdown = parser.parse_args().markdown
    table = Table(title="Bad inputs: what earlyhelp does (python benchmarks/bad_inputs.py)")
    for column in ("case", "result", "reconciliation"):
        table.add_column(column, overflow="fold")
    rows = []
    for name, case in CASES:
        with tempfile.TemporaryDirectory() as folder:
            outcome = case(Path(folder))
        result = outcome.result.replace(folder + "/", "").replace(folder, ".")
        rows.append((name, result.replace("\n", " "), outcome.reconciliation))
        table.add_row(*rows[-1])
    if not markdown:
        Console(width=200).print(table)
        return
    print("| case | result | reconciliation |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")


if __name__ == "__main__":
    main()
