"""Readers: every format becomes a header and rows of text, with each row's line number.

Rows that cannot even be read as rows (undecodable bytes, the wrong number of fields, an exact
repeat of an earlier row, a NUL byte, a merged or uncached spreadsheet cell, a list where one
value belongs) are set aside here with the reason, so validation only meets rows of the right
shape; problems with the whole file raise :class:`ExtractError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from earlyhelp.errors import ExtractError

__all__ = ["ExtractError", "Problem", "RawTable", "read_csv", "read_frame", "read_xlsx"]

NESTED = (list, tuple, dict, np.ndarray)  # what a Parquet list, struct or map column holds
# How far down a file the header is looked for, to suggest `header_row:` when it is not where
# the source says.
HEADER_SEARCH_ROWS = 20


@dataclass
class Problem:
    """A row set aside: where it was, which field, why, and its text."""

    line: int
    field: str
    reason: str
    raw: str


@dataclass
class RawTable:
    """An extract as text: header, rows, their line numbers, the rows set aside, and notes
    for the report (sheets not read, an encoding found from a byte-order mark)."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.problems)

    def frame(self) -> pd.DataFrame:
        """The readable rows as a frame of strings, with a `_line` column."""
        frame = pd.DataFrame(self.rows, columns=self.header, dtype=object)
        frame["_line"] = self.lines
        return frame


def read_csv(
    path: Path, encoding: str, required: Sequence[str] = (), header_row: int = 1
) -> RawTable:
    """A CSV file read by Python's csv module, so quoted fields keep their commas and newlines;
    each record keeps the line it starts on. Undecodable, short, long, oversized or repeated
    records are set aside, not lost."""
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty (no header, no rows)")
    text, used, notes = _decode(path, data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _records(reader)
    header_line, header = _header(path, records, header_row, required, used)
    if header_line > 1:
        notes.append(f"lines above the header (line {header_line}) not read")
    table = RawTable(header, [], [], [], notes)
    suspect = "\x00" in text or _has_escapes(text)
    seen: dict[tuple[str, ...], int] = {}
    for line, end, values in records:
        if isinstance(values, str):  # the csv module could not read this record
            table.problems.append(Problem(line, "", values, ""))
            continue
        if len(values) != len(header):
            span = f" (lines {line}-{end}: an unclosed quote?)" if end > line else ""
            table.problems.append(
                Problem(
                    line,
                    "",
                    f"{len(values)} fields where the header has {len(header)} "
                    f"(a truncated or shifted row){span}",
                    _as_csv(values),
                )
            )
            continue
        if suspect and (fault := _field_fault(header, values, used)):
            table.problems.append(Problem(line, fault[0], fault[1], _as_csv(values, clean=True)))
            continue
        key = tuple(values)
        if key in seen:
            table.problems.append(
                Problem(line, "", f"repeats line {seen[key]} exactly", _as_csv(values))
            )
            continue
        seen[key] = line
        table.rows.append(values)
        table.lines.append(line)
    return table


def _decode(path: Path, data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    """The file as text. A byte-order mark says the encoding whatever the source declares;
    bytes invalid in the encoding are kept as escapes so that only their rows are set aside."""
    declared = codecs.lookup(encoding).name
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(mark):
            notes = [] if declared.startswith(name) else [f"read as {name} (byte-order mark)"]
            body = data[len(mark) :] if name == "utf-8" else data
            try:
                return body.decode(name, errors="surrogateescape"), name, notes
            except UnicodeDecodeError as error:
                raise ExtractError(f"{path}: not valid {name}: {error.reason}") from error
    sample = data[:4096]
    if not declared.startswith("utf-16") and sample.count(b"\x00") > len(sample) // 4:
        raise ExtractError(
            f"{path}: looks like UTF-16 without a byte-order mark; set `encoding: utf-16-le` "
            "(or utf-16-be) for this source"
        )
    try:
        return data.decode(declared, errors="surrogateescape"), declared, []
    except UnicodeDecodeError as error:  # a multi-byte codec that cannot escape
        raise ExtractError(f"{path}: not valid {declared}: {error.reason}") from error


ESCAPED = re.compile("[\udc80-\udcff]")  # how surrogateescape keeps undecodable bytes


def _has_escapes(text: str) -> bool:
    return not text.isascii() and ESCAPED.search(text) is not None


Record = tuple[int, int, list[str] | str]


class _LineReader(Protocol):
    line_num: int

    def __next__(self) -> list[str]: ...


def _records(reader: _LineReader) -> list[Record]:
    """(first line, last line, fields or why unreadable) for every non-blank record."""
    out: list[Record] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return out
        except csv.Error as error:  # e.g. a field beyond csv.field_size_limit (128 KiB)
            out.append((start, reader.line_num, f"cannot be read as CSV: {error}"))
            continue
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        out.append((start, reader.line_num, values))


def _header(
    path: Path, records: list[Record], header_row: int, required: Sequence[str], encoding: str
) -> tuple[int, list[str]]:
    """Take the header at `header_row` and drop every record above it."""
    above = [r for r in records if r[0] < header_row]
    del records[: len(above)]
    if not records:
        raise ExtractError(f"{path}: no header at or below line {header_row}")
    line, _, values = records.pop(0)
    if isinstance(values, str):
        raise ExtractError(f"{path}: the header {values[0].lower()}{values[1:]}")
    header = [v.strip() for v in values]
    if _has_escapes("".join(header)):
        raise ExtractError(f"{path}: the header is not valid {encoding}")
    candidates = [(r[0], r[2]) for r in [*above, *records[:HEADER_SEARCH_ROWS]]]
    _check_header(path, header, required, _rows_as_lists(candidates), "line")
    return line, header


def _rows_as_lists(rows: list[tuple[int, list[str] | str]]) -> list[tuple[int, list[str]]]:
    return [(n, [v.strip() for v in r]) for n, r in rows if not isinstance(r, str)]


def _field_fault(header: list[str], values: list[str], encoding: str) -> tuple[str, str] | None:
    """The first field holding a NUL byte or bytes invalid in the encoding, with why."""
    for name, value in zip(header, values, strict=True):
        if "\x00" in value:
            return name, "a NUL byte (\\x00) in the field: binary data or a broken export"
        if bad := ESCAPED.search(value):
            return name, f"bytes not valid {encoding} at position {bad.start()}"
    return None


def _as_csv(values: Sequence[str], clean: bool = False) -> str:
    """A record as one CSV line, for the quarantine's `raw` column."""
    if clean:
        values = [
            v.replace("\x00", "\\x00").encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            for v in values
        ]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def read_xlsx(
    path: Path, required: Sequence[str] = (), sheet: str | None = None, header_row: int = 1
) -> RawTable:
    """One sheet of an Excel workbook (openpyxl: DuckDB's excel extension is not available
    offline). Merged cells and formulas saved without their value would load as blanks, so the
    rows holding them are set aside naming the cells; other sheets are listed in the notes."""
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)  # not read-only: merged ranges need the full load
    names = list(book.sheetnames)
    if sheet is not None and sheet not in names:
        raise ExtractError(
            f"{path}: no sheet {sheet!r}; the workbook's sheets are {', '.join(map(repr, names))}"
        )
    chosen = sheet or names[0]
    grid = [[_text(v) for v in row] for row in book[chosen].iter_rows(values_only=True)]
    header = [h.strip() for h in grid[header_row - 1]] if len(grid) >= header_row else []
    others = [n for n in names if n != chosen]
    candidates = [(n, r) for n, r in enumerate(grid[:HEADER_SEARCH_ROWS], start=1)]
    try:
        _check_header(path, header, required, candidates, "row", chosen)
    except ExtractError as error:
        elsewhere = [n for n in others if _holds(book[n], required)]
        if elsewhere:
            raise ExtractError(
                f"{error} The header is on sheet {elsewhere[0]!r}: set `sheet: {elsewhere[0]}`"
            ) from None
        raise
    faults = _merged_faults(book[chosen], header, header_row)
    faults.update(
        {k: v for k, v in _uncached_formulas(path, chosen, header, header_row).items() if k}
    )
    book.close()
    table = RawTable(header, [], [])
    if others:
        table.notes.append(f"sheet {chosen!r} read; not read: {', '.join(map(repr, others))}")
    if header_row > 1:
        table.notes.append(f"rows above the header (row {header_row}) not read")
    seen: dict[tuple[str, ...], int] = {}
    for number, values in enumerate(grid[header_row:], start=header_row + 1):
        values = (values + [""] * len(header))[: len(header)]
        if number in faults:
            column, reason = faults[number]
            table.problems.append(Problem(number, column, reason, ",".join(values)))
            continue
        if not any(values):
            continue
        key = tuple(values)
        if key in seen:
            table.problems.append(
                Problem(number, "", f"repeats row {seen[key]} exactly", ",".join(values))
            )
            continue
        seen[key] = number
        table.rows.append(values)
        table.lines.append(number)
    return table


def _holds(worksheet: object, required: Sequence[str]) -> bool:
    """Whether a sheet's first rows include one holding every mapped column."""
    rows = worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)  # type: ignore[attr-defined]
    return bool(required) and any(set(required) <= {_text(v).strip() for v in r} for r in rows)


Faults = dict[int, tuple[str, str]]  # row -> (column, reason)


def _merged_faults(worksheet: object, header: list[str], header_row: int) -> Faults:
    """Row -> (column, reason) for every data row a merged range covers beyond its first cell."""
    faults: Faults = {}
    for merged in worksheet.merged_cells.ranges:  # type: ignore[attr-defined]
        anchor = merged.start_cell.coordinate
        for row, column in merged.cells:
            if row <= header_row or (row, column) == (merged.min_row, merged.min_col):
                continue
            name = header[column - 1] if column <= len(header) else f"column {column}"
            cell = f"{_column_letter(column)}{row}"
            reason = (
                f"cell {cell} is inside merged cells {merged.coord}: only {anchor} holds the "
                "value, the others would load blank"
            )
            faults.setdefault(row, (name, reason))
    return faults


def _uncached_formulas(path: Path, sheet: str, header: list[str], header_row: int) -> Faults:
    """Row -> (column, reason) for formula cells saved without a value (a workbook written by a
    program, never opened in Excel): their value cannot be known without recalculating."""
    from openpyxl import load_workbook

    values = load_workbook(path, read_only=True, data_only=True)[sheet]
    formulas = load_workbook(path, read_only=True, data_only=False)[sheet]
    faults: Faults = {}
    pairs = zip(
        values.iter_rows(min_row=header_row + 1, values_only=True),
        formulas.iter_rows(min_row=header_row + 1, values_only=True),
        strict=False,
    )
    for number, (cached, written) in enumerate(pairs, start=header_row + 1):
        for column, (value, formula) in enumerate(zip(cached, written, strict=False), start=1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                name = header[column - 1] if column <= len(header) else f"column {column}"
                cell = f"{_column_letter(column)}{number}"
                reason = (
                    f"cell {cell} holds the formula {formula} saved without its value: open "
                    "and save the workbook in Excel, or export values"
                )
                faults.setdefault(number, (name, reason))
    return faults


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def read_frame(frame: pd.DataFrame, where: str, required: Sequence[str] = ()) -> RawTable:
    """A Parquet file or SQL table already in a frame; row n is reported as line n + 1. A list
    or record where a mapped column should hold one value is set aside naming the field, not
    stored as its Python text."""
    header = [str(c) for c in frame.columns]
    _check_header(Path(where), header, required, [], "row")
    nested = pd.Series("", index=frame.index, dtype=object)
    for column in required:
        cells = frame[column]
        given = cells.dropna() if cells.dtype == object else cells.iloc[:0]
        # A Parquet column has one type: its first value says whether it holds lists.
        if len(given) and isinstance(given.iloc[0], NESTED):
            hit = cells.map(lambda v: isinstance(v, NESTED))
            nested[hit & (nested == "")] = column
    text = pd.DataFrame({c: _column_text(frame[c]) for c in frame.columns}, index=frame.index)
    table = RawTable(header, [], [])
    duplicated = text.duplicated(keep="first").to_numpy()
    first_of: dict[tuple[str, ...], int] = {}
    for number, (values, repeat, column) in enumerate(
        zip(text.itertuples(index=False), duplicated, nested, strict=True), start=2
    ):
        row = list(values)
        if column:
            reason = f"holds a list or record ({row[header.index(column)][:60]}), not one value"
            table.problems.append(Problem(number, column, reason, ",".join(row)))
            continue
        if repeat:
            key = tuple(row)
            table.problems.append(
                Problem(number, "", f"repeats row {first_of.get(key, '?')} exactly", ",".join(row))
            )
            continue
        first_of.setdefault(tuple(row), number)
        table.rows.append(row)
        table.lines.append(number)
    return table


def _column_text(values: pd.Series) -> pd.Series:
    """A column as text (see :func:`_text`); a column of strings is taken as it is rather than
    cell by cell, which is most of a Parquet file's cost."""
    cells = values.astype(object).where(values.notna(), "")
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return cells
    return cells.map(_text)


def _check_header(
    path: Path,
    header: list[str],
    required: Sequence[str],
    candidates: list[tuple[int, list[str]]],
    unit: str,
    sheet: str | None = None,
) -> None:
    """A header names each column once and holds every column the mapping reads; when it does
    not, say where in the file a header that would work is."""
    where = f"{path}" + (f" (sheet {sheet!r})" if sheet else "")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise ExtractError(
            f"{where}: the header names {', '.join(map(repr, repeated))} more than once"
        )
    missing = [c for c in required if c not in header]
    if missing:
        found = next((n for n, row in candidates if set(required) <= set(row)), None)
        hint = f" The header is on {unit} {found}: set `header_row: {found}`." if found else ""
        raise ExtractError(
            f"{where}: the header lacks {', '.join(map(repr, missing))} (the source maps "
            f"them).{hint}"
        )
    for i, name in enumerate(header):  # unnamed columns are not mapped: keep them apart
        if not name:
            header[i] = f"(column {i + 1})"


def _text(value: object) -> str:
    """A cell as text: dates as ISO, whole numbers without a decimal point, None as blank."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, np.ndarray):
        return str(value.tolist())
    return str(value)
