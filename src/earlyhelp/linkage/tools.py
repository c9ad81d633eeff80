"""Linkage for a council's own files: deduplicate one CSV, or pair two, without the warehouse.

The CSVs follow the canonical person record with ``record_id`` as the key. Columns that are
absent are simply not compared; the four a person cannot be linked without must be present.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from earlyhelp.canonical import LINKAGE_FIELDS
from earlyhelp.errors import EarlyHelpError
from earlyhelp.linkage.pipeline import link_records

REQUIRED_CSV_COLUMNS: tuple[str, ...] = ("record_id", "first_name", "surname", "dob")
OPTIONAL_CSV_COLUMNS: tuple[str, ...] = tuple(
    f for f in LINKAGE_FIELDS if f not in ("first_name", "surname", "dob")
)


class LinkageInputError(EarlyHelpError, ValueError):
    """A council file that cannot be linked as it stands (named, with the reason)."""


def read_person_csv(path: Path, source: str) -> pd.DataFrame:
    """A person CSV as canonical records of ``source``; every value is read as text so that
    identifiers keep their leading zeros."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise LinkageInputError(f"{path}: cannot be read as CSV ({err})") from err
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for column in REQUIRED_CSV_COLUMNS:
        if column not in frame.columns:
            raise LinkageInputError(f"{path}: required column '{column}' is missing")
    blank = frame["record_id"].str.strip() == ""
    if blank.any():
        raise LinkageInputError(f"{path}: column 'record_id' is blank on {int(blank.sum())} rows")
    repeated = frame["record_id"].duplicated()
    if repeated.any():
        first = frame.loc[repeated, "record_id"].iloc[0]
        raise LinkageInputError(f"{path}: column 'record_id' repeats values (e.g. {first!r})")
    keep = [c for c in (*REQUIRED_CSV_COLUMNS, *OPTIONAL_CSV_COLUMNS) if c in frame.columns]
    records = frame[keep].rename(columns={"record_id": "source_record_id"})
    records.insert(0, "source", source)
    return records


def _person_ids(clusters: pd.DataFrame) -> pd.Series:
    """Dense person ids 1..n, numbered in order of each person's first record in the output."""
    codes, _ = pd.factorize(clusters["cluster_id"])
    return pd.Series(codes + 1, index=clusters.index, dtype="int64")


def dedupe_csv(
    input_path: Path,
    output_path: Path,
    *,
    settings_path: Path | None = None,
    threshold_match_weight: float | None = None,
) -> pd.DataFrame:
    """Write ``record_id, person_id`` for one file: records of one person share a person_id."""
    records = read_person_csv(input_path, "input")
    result = link_records(
        records, settings_path=settings_path, threshold_match_weight=threshold_match_weight
    )
    order = records[["source_record_id"]].merge(result.clusters, on="source_record_id")
    out = pd.DataFrame({"record_id": order["source_record_id"], "person_id": _person_ids(order)})
    out.to_csv(output_path, index=False)
    return out


def pair_csv(
    left_path: Path,
    right_path: Path,
    output_path: Path,
    *,
    settings_path: Path | None = None,
    threshold_match_weight: float | None = None,
) -> pd.DataFrame:
    """Write ``record_id, side, person_id`` for two files (side is ``left`` or ``right``).

    Records on either side (or both) that are the same person share a person_id; duplicates
    within one file are found too.
    """
    left = read_person_csv(left_path, "left")
    right = read_person_csv(right_path, "right")
    records = pd.concat([left, right], ignore_index=True)
    result = link_records(
        records, settings_path=settings_path, threshold_match_weight=threshold_match_weight
    )
    order = records[["source", "source_record_id"]].merge(
        result.clusters, on=["source", "source_record_id"]
    )
    out = pd.DataFrame(
        {
            "record_id": order["source_record_id"],
            "side": order["source"],
            "person_id": _person_ids(order),
        }
    )
    out.to_csv(output_path, index=False)
    return out
