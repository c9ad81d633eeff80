"""Loading: each extract file goes into the warehouse whole or not at all, once.

A file's sha256 identifies it: a file already loaded is skipped, so re-running ingest adds
nothing. Each file is written in one transaction with its lineage row, so a crash part-way
leaves no trace of that file and the next run loads it in full.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.canonical import PERSON_FIELDS
from earlyhelp.ingest.readers import ExtractError, RawTable, read_csv, read_frame, read_xlsx
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.ingest.validate import Validated, validate
from earlyhelp.warehouse.schema import append


@dataclass
class FileReport:
    """Reconciliation for one file: rows read = rows loaded + rows quarantined."""

    source: str
    file: str
    status: str  # loaded, unchanged, failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


def ingest(
    sources: dict[str, SourceSpec],
    data_dir: Path,
    con: duckdb.DuckDBPyConnection,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[FileReport]:
    """Load every source's files; a failing file is reported and the others still load."""
    reports: list[FileReport] = []
    for name, spec in sources.items():
        progress(name)
        try:
            targets = _files(name, spec, data_dir)
        except ExtractError as error:
            reports.append(
                FileReport(name, spec.file or spec.table or "", "failed", message=str(error))
            )
            continue
        for target in targets:
            reports.append(_load_one(name, spec, target, con, today or dt.date.today()))
    return reports


def _files(name: str, spec: SourceSpec, data_dir: Path) -> list[str]:
    if spec.format == "sql":
        return [f"{spec.url}#{spec.table}"]
    found = sorted(str(p) for p in data_dir.glob(str(spec.file)))
    if not found:
        raise ExtractError(f"source '{name}': no file matches {data_dir / str(spec.file)}")
    return found


def _load_one(
    name: str, spec: SourceSpec, target: str, con: duckdb.DuckDBPyConnection, today: dt.date
) -> FileReport:
    digest = _sha256(spec, target)
    load_id = f"{name}:{digest[:16]}"
    done = con.execute(
        "SELECT rows_read, rows_loaded, rows_quarantined FROM load_lineage WHERE load_id = ?",
        [load_id],
    ).fetchone()
    if done:
        read, loaded, quarantined = done
        return FileReport(name, target, "unchanged", read, loaded, quarantined, "already loaded")
    try:
        table = _read(spec, target)
        missing = [c for c in spec.required_columns() if c not in table.header]
        if missing:
            raise ExtractError(
                f"{target}: the header lacks {', '.join(map(repr, missing))} "
                f"(source '{name}' maps them)"
            )
        result = validate(spec, table, today)
    except (ExtractError, OSError, UnicodeError, ValueError) as error:
        return FileReport(name, target, "failed", message=str(error))
    report = FileReport(
        name, target, "loaded", table.rows_read, result.rows_loaded, len(result.quarantine)
    )
    _write(con, load_id, name, spec, target, digest, result, report)
    return report


def _read(spec: SourceSpec, target: str) -> RawTable:
    path = Path(target)
    if spec.format == "csv":
        return read_csv(path, spec.encoding)
    if spec.format == "xlsx":
        return read_xlsx(path)
    if spec.format == "parquet":
        return read_frame(pd.read_parquet(path), target)
    from sqlalchemy import create_engine  # only SQL sources need it

    url, table = target.rsplit("#", 1)
    with create_engine(url).connect() as connection:
        return read_frame(pd.read_sql_table(table, connection), target)


def _sha256(spec: SourceSpec, target: str) -> str:
    digest = hashlib.sha256()
    if spec.format == "sql":
        digest.update(target.encode())
        digest.update(dt.datetime.now().isoformat().encode())  # a table is read afresh each run
        return digest.hexdigest()
    with Path(target).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    name: str,
    spec: SourceSpec,
    target: str,
    digest: str,
    result: Validated,
    report: FileReport,
) -> None:
    """Everything from one file, with its lineage, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        stamp = {"load_id": load_id, "source": name, "system": spec.system}
        if len(result.people):
            append(con, "person_record", _distinct_people(result.people), stamp)
        if len(result.events):
            events = result.events.rename(columns={"_line": "line"})
            events["event_id"] = load_id + ":" + events["event_id"]
            append(con, "event", events, stamp)
        if len(result.relations):
            append(
                con,
                "relation",
                result.relations.drop_duplicates(),
                {"load_id": load_id, "system": spec.system},
            )
        if spec.reference and len(result.reference):
            append(con, spec.reference.table, result.reference, {"load_id": load_id})
        if len(result.quarantine):
            append(
                con,
                "quarantine",
                result.quarantine,
                {"load_id": load_id, "source": name, "file": target},
            )
        if spec.mode == "snapshot":  # a full extract replaces the source's earlier ones
            con.execute("UPDATE load_lineage SET superseded = true WHERE source = ?", [name])
        con.execute(
            "INSERT INTO load_lineage VALUES (?, ?, ?, ?, ?, now(), ?, ?, ?, false)",
            [
                load_id,
                name,
                spec.system,
                target,
                digest,
                report.rows_read,
                report.rows_loaded,
                report.rows_quarantined,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _distinct_people(people: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct way the file writes a person, with how often and where first."""
    fields = ["source_record_id", *[f for f in PERSON_FIELDS if f in people.columns]]
    grouped = people.groupby(fields, dropna=False, sort=False)
    return grouped.agg(
        rows_seen=("_line", "size"),
        first_line=("_line", "min"),
        first_seen=("seen_date", "min"),
        last_seen=("seen_date", "max"),
    ).reset_index()
