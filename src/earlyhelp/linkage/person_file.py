"""A council's person file as it comes: any encoding, its own column names, UK date formats.

Nothing is dropped silently. A file that cannot be decoded as UTF-8 is read as Windows-1252
(what Excel on a council desktop writes); columns are renamed by a mapping whose every entry
must name a column of the file; dates of birth are read in the format given or, without one,
in whichever of the usual UK formats reads the most values, and every value that could not be
read is counted and reported by column.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from earlyhelp.canonical import LINKAGE_FIELDS
from earlyhelp.errors import LinkageInputError
from earlyhelp.linkage.standardise import CONTACT_FIELDS

REQUIRED_COLUMNS: tuple[str, ...] = ("record_id", "first_name", "surname", "dob")
KNOWN_COLUMNS: tuple[str, ...] = ("record_id", *LINKAGE_FIELDS, *CONTACT_FIELDS)
# Day before month always: a UK file's 03/04/1990 is the 3rd of April, never March the 4th.
UK_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%d/%m/%y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)


@dataclass
class PersonFile:
    """Canonical records read from one file, with what could not be read in it."""

    records: pd.DataFrame  # source, source_record_id and canonical columns, all text
    unreadable: dict[str, int] = field(default_factory=dict)  # column -> values not read
    encoding: str = "utf-8"
    dob_format: str | None = None

    def notes(self, path: Path) -> list[str]:
        """Lines for a person: how the file was read and what it held that could not be."""
        out = []
        if self.encoding != "utf-8":
            out.append(f"{path}: not UTF-8, read as {self.encoding}")
        for column, n in self.unreadable.items():
            if n:
                how = f" as {self.dob_format}" if column == "dob" and self.dob_format else ""
                out.append(f"{path}: {n} value(s) of '{column}' could not be read{how}")
        return out


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """``file_column=canonical_column`` strings (the command line's ``--map``) as a dict."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        file_column, sep, canonical = pair.partition("=")
        if not sep or not file_column.strip() or not canonical.strip():
            raise LinkageInputError(f"--map {pair!r}: expected FILE_COLUMN=CANONICAL_COLUMN")
        mapping[file_column.strip()] = canonical.strip()
    return mapping


def _decode(path: Path, encoding: str | None) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LinkageInputError(f"{path}: cannot be read ({err})") from err
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as err:
            raise LinkageInputError(f"{path}: cannot be decoded as {encoding} ({err})") from err
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _rename(frame: pd.DataFrame, path: Path, mapping: Mapping[str, str]) -> pd.DataFrame:
    """File columns renamed to canonical ones; a mapping entry naming nothing is an error."""
    by_lower = {str(c).strip().lower(): str(c) for c in frame.columns}
    renames: dict[str, str] = {}
    for file_column, canonical in mapping.items():
        found = by_lower.get(file_column.strip().lower())
        if found is None:
            raise LinkageInputError(
                f"{path}: mapped column '{file_column}' is not in the file "
                f"(columns: {', '.join(map(str, frame.columns))})"
            )
        if canonical.lower() not in KNOWN_COLUMNS:
            raise LinkageInputError(
                f"{path}: '{file_column}' is mapped to '{canonical}', which is not a person "
                f"field (known: {', '.join(KNOWN_COLUMNS)})"
            )
        renames[found] = canonical.lower()
    frame = frame.rename(columns=renames)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def parse_dates(values: pd.Series, fmt: str | None) -> tuple[pd.Series, str | None, int]:
    """``YYYY-MM-DD`` text (blank where unreadable), the format that read the most, and how
    many non-blank values could not be read. Without ``fmt`` every usual UK format is tried,
    the one reading the most first, so a column mixing two formats is read whole."""
    text = values.fillna("").astype(str).str.strip()
    given = text != ""
    formats = [fmt] if fmt else list(UK_DATE_FORMATS)
    parsed = {f: pd.to_datetime(text.where(given), format=f, errors="coerce") for f in formats}
    ranked = sorted(formats, key=lambda f: -int(parsed[f].notna().sum()))
    result = parsed[ranked[0]]
    for other in ranked[1:]:
        result = result.fillna(parsed[other])
    unreadable = int((given & result.isna()).sum())
    return result.dt.strftime("%Y-%m-%d").fillna(""), ranked[0], unreadable


def read_person_file(
    path: Path,
    source: str,
    *,
    mapping: Mapping[str, str] | None = None,
    dob_format: str | None = None,
    encoding: str | None = None,
) -> PersonFile:
    """A person CSV as canonical records of ``source``; every value is read as text so that
    identifiers keep their leading zeros."""
    text, used = _decode(path, encoding)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as err:
        raise LinkageInputError(f"{path}: the file is empty (no header row)") from err
    except pd.errors.ParserError as err:
        raise LinkageInputError(f"{path}: cannot be read as CSV ({err})") from err
    frame = _rename(frame, path, mapping or {})
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            hint = " (map a column to it with --map FILE_COLUMN=" + column + ")"
            raise LinkageInputError(f"{path}: required column '{column}' is missing{hint}")
    if frame.empty:
        raise LinkageInputError(f"{path}: the file has a header but no records")
    blank = frame["record_id"].str.strip() == ""
    if blank.any():
        raise LinkageInputError(f"{path}: column 'record_id' is blank on {int(blank.sum())} rows")
    repeated = frame["record_id"].duplicated()
    if repeated.any():
        first = frame.loc[repeated, "record_id"].iloc[0]
        raise LinkageInputError(f"{path}: column 'record_id' repeats values (e.g. {first!r})")
    frame["dob"], chosen, unreadable = parse_dates(frame["dob"], dob_format)
    if unreadable and not (frame["dob"] != "").any():
        raise LinkageInputError(
            f"{path}: no value of 'dob' could be read as a date"
            f"{' as ' + dob_format if dob_format else ''} (give its format, e.g. "
            f"--dob-format %m-%d-%Y)"
        )
    keep = [c for c in KNOWN_COLUMNS if c in frame.columns]
    records = frame[keep].rename(columns={"record_id": "source_record_id"})
    records.insert(0, "source", source)
    return PersonFile(records, {"dob": unreadable}, used, chosen)
