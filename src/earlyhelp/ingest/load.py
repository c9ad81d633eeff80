"""Loading: each extract file goes into the warehouse whole or not at all, once per mapping.

A load is identified by the file's sha256 and the hash of the source's mapping that read it:
a file already loaded with this mapping is skipped, so re-running ingest adds nothing, and a
fixed `sources.yaml` reads the files again. Each file is written in one transaction with its
lineage row, so a crash part-way leaves no trace of that file and the next run loads it in full.

A snapshot replaces the current one only if it passes its source's checks (see
:mod:`earlyhelp.ingest.snapshots`); otherwise it is held, the current one stays, and a person
decides (:func:`accept`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.canonical import PERSON_FIELDS
from earlyhelp.errors import ExtractError, IngestError
from earlyhelp.ingest.readers import RawTable, read_csv, read_frame, read_xlsx
from earlyhelp.ingest.snapshots import Choice, check_snapshot, choose_files
from earlyhelp.ingest.spec import SourceSpec
from earlyhelp.ingest.urls import without_credentials
from earlyhelp.ingest.validate import Validated, validate
from earlyhelp.warehouse.schema import append


@dataclass
class FileReport:
    """Reconciliation for one file: rows read = rows loaded + rows quarantined."""

    source: str
    file: str
    status: str  # loaded, unchanged, restored, held, skipped, failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined

    @property
    def needs_attention(self) -> bool:
        """A file that failed, or a snapshot held back until a person accepts it."""
        return self.status in ("failed", "held") or not self.reconciles


def ingest(
    sources: dict[str, SourceSpec],
    data_dir: Path,
    con: duckdb.DuckDBPyConnection,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    reload: Collection[str] = (),
) -> list[FileReport]:
    """Load every source's files; a failing file is reported and the others still load.
    Sources named in `reload` are read again even where file and mapping are unchanged."""
    unknown = sorted(set(reload) - set(sources))
    if unknown:
        raise IngestError(f"--reload names no source in the file: {', '.join(unknown)}")
    reports: list[FileReport] = []
    for name, spec in sources.items():
        progress(name)
        try:
            choice = _files(name, spec, data_dir)
        except ExtractError as error:
            reports.append(FileReport(name, _display(spec), "failed", message=str(error)))
            continue
        for skipped in choice.skipped:
            reports.append(FileReport(name, skipped, "skipped", message=choice.reason))
        for target in choice.files:
            report = _load_one(name, spec, target, con, today or dt.date.today(), name in reload)
            if choice.reason and choice.skipped:
                report.message = "; ".join(m for m in (report.message, choice.reason) if m)
            reports.append(report)
    return reports


def accept(con: duckdb.DuckDBPyConnection, source: str, by: str, reason: str) -> str:
    """Make the source's latest held snapshot current, recording who decided and why."""
    if not by.strip() or not reason.strip():
        raise IngestError("accepting a held snapshot needs --by (a name) and --reason")
    # fetchall, not fetchone: DuckDB leaves a result open until it is read to the end.
    rows = con.execute(
        "SELECT load_id, file, held_reason FROM load_lineage WHERE source = ? AND superseded "
        "AND held_reason IS NOT NULL AND decision IS NULL ORDER BY loaded_at DESC LIMIT 1",
        [source],
    ).fetchall()
    if not rows:
        raise IngestError(f"source '{source}' has no held snapshot to accept")
    load_id, file, held = rows[0]
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE load_lineage SET superseded = true WHERE source = ?", [source])
    con.execute(
        "UPDATE load_lineage SET superseded = false, decision = ? WHERE load_id = ?",
        [f"accepted by {by} on {dt.date.today()}: {reason}", load_id],
    )
    con.execute("COMMIT")
    return f"{file} is now current for '{source}' (it was held: {held})"


def _display(spec: SourceSpec) -> str:
    if spec.format == "sql":
        return f"{without_credentials(str(spec.url))}#{spec.table}"
    return str(spec.file)


def _files(name: str, spec: SourceSpec, data_dir: Path) -> Choice:
    if spec.format == "sql":
        return Choice([_display(spec)])
    found = sorted(data_dir.glob(str(spec.file)))
    files = [p for p in found if p.is_file()]
    if not files:
        raise ExtractError(f"source '{name}': no file matches {data_dir / str(spec.file)}")
    return choose_files(name, spec, files)


def _load_one(
    name: str,
    spec: SourceSpec,
    target: str,
    con: duckdb.DuckDBPyConnection,
    today: dt.date,
    reload: bool,
) -> FileReport:
    digest = _sha256(spec, target)
    identity = spec.identity()
    load_id = f"{name}:{hashlib.sha256((digest + identity).encode()).hexdigest()[:16]}"
    done = con.execute(
        "SELECT rows_read, rows_loaded, rows_quarantined, superseded, held_reason, decision "
        "FROM load_lineage WHERE load_id = ?",
        [load_id],
    ).fetchall()
    if done and not reload:
        return _seen_before(con, name, spec, target, load_id, done[0])
    try:
        table = _read(spec, target)
        result = validate(spec, table, today)
    except (ExtractError, OSError, UnicodeError, ValueError) as error:
        return FileReport(name, target, "failed", message=str(error))
    report = FileReport(
        name, target, "loaded", table.rows_read, result.rows_loaded, len(result.quarantine)
    )
    held, current = None, None
    if spec.mode == "snapshot":
        rows = con.execute(
            "SELECT file, rows_read FROM current_load WHERE source = ? AND load_id <> ?",
            [name, load_id],
        ).fetchall()
        current = rows[0] if rows else None
        held = check_snapshot(spec, report.rows_read, report.rows_quarantined, current)
    notes = list(table.notes)
    overlap = _write(con, load_id, name, spec, target, digest, identity, result, report, held)
    notes += overlap
    if held:
        report.status = "held"
        stays = "; the current snapshot stays" if current else "; no snapshot is current yet"
        advice = f"`earlyhelp ingest --accept {name}` makes it current"
        notes.insert(0, f"not made current ({held}){stays}; {advice}")
    report.message = "; ".join(notes)
    return report


def _seen_before(
    con: duckdb.DuckDBPyConnection,
    name: str,
    spec: SourceSpec,
    target: str,
    load_id: str,
    done: tuple[int, int, int, bool, str | None, str | None],
) -> FileReport:
    """A file loaded before with this mapping: unchanged, still held, or (a snapshot put back
    after another replaced it) made current again."""
    read, loaded, quarantined, superseded, held, decision = done
    if spec.mode == "snapshot" and superseded:
        if held and not decision:
            message = f"still held: {held}; `earlyhelp ingest --accept {name}` makes it current"
            return FileReport(name, target, "held", read, loaded, quarantined, message)
        con.execute("BEGIN TRANSACTION")
        con.execute("UPDATE load_lineage SET superseded = true WHERE source = ?", [name])
        con.execute("UPDATE load_lineage SET superseded = false WHERE load_id = ?", [load_id])
        con.execute("COMMIT")
        message = "loaded before and put back: current again"
        return FileReport(name, target, "restored", read, loaded, quarantined, message)
    return FileReport(name, target, "unchanged", read, loaded, quarantined, "already loaded")


def _read(spec: SourceSpec, target: str) -> RawTable:
    path = Path(target)
    required = spec.required_columns()
    if spec.format == "csv":
        return read_csv(path, spec.encoding, required, spec.header_row)
    if spec.format == "xlsx":
        return read_xlsx(path, required, spec.sheet, spec.header_row)
    if spec.format == "parquet":
        return read_frame(pd.read_parquet(path), target, required)
    from sqlalchemy import create_engine  # only SQL sources need it

    with create_engine(str(spec.url)).connect() as connection:
        return read_frame(pd.read_sql_table(str(spec.table), connection), target, required)


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
    identity: str,
    result: Validated,
    report: FileReport,
    held: str | None,
) -> list[str]:
    """Everything from one file, with its lineage, in one transaction; returns notes on events
    that other loads already hold."""
    con.execute("BEGIN TRANSACTION")
    try:
        _forget(con, load_id)  # a forced reload replaces the earlier read of this load
        stamp = {"load_id": load_id, "source": name, "system": spec.system}
        if len(result.people):
            append(con, "person_record", _distinct_people(result.people), stamp)
        notes: list[str] = []
        if len(result.events):
            _append_events(con, result.events, load_id, stamp)
            notes = _overlaps(con, load_id, name, spec)
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
        if held is None:
            # A snapshot replaces the source's earlier loads; any load replaces an earlier
            # read of the same file under another mapping.
            con.execute(
                "UPDATE load_lineage SET superseded = true WHERE source = ? "
                + ("" if spec.mode == "snapshot" else "AND sha256 = ?"),
                [name] if spec.mode == "snapshot" else [name, digest],
            )
        con.execute(
            "INSERT INTO load_lineage (load_id, source, system, file, sha256, loaded_at, "
            "rows_read, rows_loaded, rows_quarantined, superseded, spec_sha256, held_reason) "
            "VALUES (?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                name,
                spec.system,
                target,
                digest,
                report.rows_read,
                report.rows_loaded,
                report.rows_quarantined,
                held is not None,
                identity,
                held,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return notes


LOAD_TABLES = (
    "person_record",
    "event",
    "relation",
    "quarantine",
    "area",
    "postcode_lsoa",
    "ct_account",
    "load_lineage",
)


def _forget(con: duckdb.DuckDBPyConnection, load_id: str) -> None:
    for table in LOAD_TABLES:
        con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id])


def _append_events(
    con: duckdb.DuckDBPyConnection, events: pd.DataFrame, load_id: str, stamp: dict[str, str]
) -> None:
    """Events with their natural key: the system's event id where the source maps one, else
    everything the event says (subject, type, date, attributes), so that the same event in two
    files has the same key and is counted once."""
    incoming = events.rename(columns={"_line": "line"})
    incoming["event_id"] = load_id + ":" + incoming["event_id"]
    for column, value in stamp.items():
        incoming[column] = value
    con.register("incoming_events", incoming)
    try:
        con.execute(
            """
            INSERT INTO event BY NAME
            SELECT * EXCLUDE (natural_id),
                   md5(concat_ws(chr(31), system, subject, subject_key, event_type,
                       coalesce('id:' || nullif(natural_id, ''),
                                CAST(event_date AS VARCHAR) || chr(31) || attributes)))
                   AS event_key
            FROM incoming_events
            """
        )
    finally:
        con.unregister("incoming_events")


def _overlaps(
    con: duckdb.DuckDBPyConnection, load_id: str, name: str, spec: SourceSpec
) -> list[str]:
    """How many of this load's events repeat each other, or are already held by another
    current load of the same system (an earlier increment, the same file under another name)."""
    (repeats,) = con.execute(
        "SELECT count(*) - count(DISTINCT event_key) FROM event WHERE load_id = ?", [load_id]
    ).fetchall()[0]
    notes = [f"{repeats:,} events repeat another row's in this file (counted once)"] * bool(repeats)
    others = con.execute(
        "SELECT load_id FROM current_load WHERE system = ? AND load_id <> ?"
        + (" AND source <> ?" if spec.mode == "snapshot" else ""),
        [spec.system, load_id, name] if spec.mode == "snapshot" else [spec.system, load_id],
    ).fetchall()
    if not others:
        return notes
    con.execute("CREATE OR REPLACE TEMP TABLE other_loads (load_id VARCHAR)")
    con.executemany("INSERT INTO other_loads VALUES (?)", others)
    (shared,) = con.execute(
        """
        SELECT count(DISTINCT n.event_key) FROM event n
        WHERE n.load_id = ? AND n.event_key IN (
            SELECT o.event_key FROM event o SEMI JOIN other_loads USING (load_id)
            WHERE o.system = ?)
        """,
        [load_id, spec.system],
    ).fetchall()[0]
    if shared:
        notes.append(f"{shared:,} events already loaded from other files (counted once)")
    return notes


def _distinct_people(people: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct way the file writes a person, with how often and where first."""
    fields = ["source_record_id", *[f for f in PERSON_FIELDS if f in people.columns]]
    # As datetimes, not date objects: pandas reduces those in Python, one group at a time.
    seen = people.assign(seen_date=pd.to_datetime(people["seen_date"]))
    grouped = seen.groupby(fields, dropna=False, sort=False)
    out = grouped.agg(
        rows_seen=("_line", "size"),
        first_line=("_line", "min"),
        first_seen=("seen_date", "min"),
        last_seen=("seen_date", "max"),
    ).reset_index()
    for column in ("first_seen", "last_seen"):
        out[column] = out[column].dt.date
    return out
