"""Readers: every format becomes a header and rows of text, with each row's line number.

Rows that cannot even be read as rows (undecodable bytes, the wrong number of fields, an exact
repeat of an earlier row) are set aside here with the reason, so validation only meets rows of
the right shape; problems with the whole file raise :class:`ExtractError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from earlyhelp.errors import EarlyHelpError


class ExtractError(EarlyHelpError):
    """A file that cannot be loaded at all (missing, empty, bad header); nothing of it loads."""


@dataclass
class Problem:
    """A row set aside: where it was, which field, why, and its text."""

    line: int
    field: str
    reason: str
    raw: str


@dataclass
class RawTable:
    """An extract as text: header, rows, their line numbers, and the rows set aside."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.problems)

    def frame(self) -> pd.DataFrame:
        """The readable rows as a frame of strings, with a `_line` column."""
        frame = pd.DataFrame(self.rows, columns=self.header, dtype=object)
        frame["_line"] = self.lines
        return frame


def read_csv(path: Path, encoding: str) -> RawTable:
    """A CSV file; undecodable, short, long or repeated rows are set aside, not lost."""
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty (no header, no rows)")
    lines = data.split(b"\n")
    texts: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for number, chunk in enumerate(lines, start=1):
        chunk = chunk.rstrip(b"\r")
        if not chunk.strip():
            continue
        try:
            texts.append((number, chunk.decode(encoding)))
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    number,
                    "",
                    f"bytes not valid {encoding} at position {error.start}",
                    chunk.decode(encoding, errors="replace"),
                )
            )
    header_line, header_text = texts[0]
    if header_line != 1 and not problems:
        raise ExtractError(f"{path}: the header is not on the first line")
    header = next(csv.reader([header_text]))
    _check_header(path, header)
    table = RawTable(header, [], [], problems)
    seen: dict[str, int] = {}
    for number, text in texts[1:]:
        values = next(csv.reader(io.StringIO(text)), [])
        if len(values) != len(header):
            table.problems.append(
                Problem(
                    number,
                    "",
                    f"{len(values)} fields where the header has "
                    f"{len(header)} (a truncated or shifted row)",
                    text,
                )
            )
            continue
        if text in seen:
            table.problems.append(Problem(number, "", f"repeats line {seen[text]} exactly", text))
            continue
        seen[text] = number
        table.rows.append(values)
        table.lines.append(number)
    return table


def read_xlsx(path: Path) -> RawTable:
    """The first sheet of an Excel workbook (read with openpyxl: DuckDB's excel extension is
    not available offline)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_text(v) for v in next(rows)]
    except StopIteration as error:
        raise ExtractError(f"{path}: the workbook's first sheet is empty") from error
    _check_header(path, header)
    table = RawTable(header, [], [])
    seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows, start=2):
        values = [_text(v) for v in row]
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
    book.close()
    return table


def read_frame(frame: pd.DataFrame, where: str) -> RawTable:
    """A Parquet file or SQL table already in a frame; row n is reported as line n + 1."""
    header = [str(c) for c in frame.columns]
    _check_header(Path(where), header)
    text = frame.astype(object).where(frame.notna(), "").map(_text)
    table = RawTable(header, [], [])
    duplicated = text.duplicated(keep="first").to_numpy()
    first_of: dict[tuple[str, ...], int] = {}
    for number, (values, repeat) in enumerate(
        zip(text.itertuples(index=False), duplicated, strict=True), start=2
    ):
        row = list(values)
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


def _check_header(path: Path, header: list[str]) -> None:
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ExtractError(
            f"{path}: the header names {', '.join(map(repr, repeated))} more than once"
        )


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
    return str(value)
