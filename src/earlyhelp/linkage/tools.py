"""Linkage for a council's own files: deduplicate one CSV, or pair two, without the warehouse.

The CSVs hold person records keyed by ``record_id``, in the council's own column names (mapped
with ``mapping``), date format and encoding (``person_file.py``). Columns that are absent are
simply not compared; the four a person cannot be linked without must be present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from earlyhelp.errors import LinkageInputError
from earlyhelp.linkage.person_file import PersonFile, read_person_file
from earlyhelp.linkage.pipeline import link_records

__all__ = ["FileLinkage", "LinkageInputError", "dedupe_csv", "pair_csv"]


@dataclass
class FileLinkage:
    """What a file tool wrote, and what a person should know about how it got there."""

    output: pd.DataFrame
    threshold: str
    notes: list[str] = field(default_factory=list)


def _person_ids(clusters: pd.DataFrame) -> pd.Series:
    """Dense person ids 1..n, numbered in order of each person's first record in the output."""
    codes, _ = pd.factorize(clusters["cluster_id"])
    return pd.Series(codes + 1, index=clusters.index, dtype="int64")


def _read(
    path: Path,
    source: str,
    mapping: Mapping[str, str] | None,
    dob_format: str | None,
    encoding: str | None,
) -> PersonFile:
    return read_person_file(path, source, mapping=mapping, dob_format=dob_format, encoding=encoding)


def dedupe_file(
    input_path: Path,
    output_path: Path,
    *,
    settings_path: Path | None = None,
    threshold_match_weight: float | None = None,
    mapping: Mapping[str, str] | None = None,
    dob_format: str | None = None,
    encoding: str | None = None,
) -> FileLinkage:
    """Write ``record_id, person_id`` for one file: records of one person share a person_id."""
    read = _read(input_path, "input", mapping, dob_format, encoding)
    result = link_records(
        read.records, settings_path=settings_path, threshold_match_weight=threshold_match_weight
    )
    order = read.records[["source_record_id"]].merge(result.clusters, on="source_record_id")
    out = pd.DataFrame({"record_id": order["source_record_id"], "person_id": _person_ids(order)})
    out.to_csv(output_path, index=False)
    return FileLinkage(out, result.threshold.describe(), read.notes(input_path))


def pair_files(
    left_path: Path,
    right_path: Path,
    output_path: Path,
    *,
    settings_path: Path | None = None,
    threshold_match_weight: float | None = None,
    mapping: Mapping[str, str] | None = None,
    dob_format: str | None = None,
    encoding: str | None = None,
) -> FileLinkage:
    """Write ``record_id, side, person_id`` for two files (side is ``left`` or ``right``).

    Records on either side (or both) that are the same person share a person_id; duplicates
    within one file are found too.
    """
    left = _read(left_path, "left", mapping, dob_format, encoding)
    right = _read(right_path, "right", mapping, dob_format, encoding)
    records = pd.concat([left.records, right.records], ignore_index=True)
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
    notes = left.notes(left_path) + right.notes(right_path)
    return FileLinkage(out, result.threshold.describe(), notes)


def dedupe_csv(input_path: Path, output_path: Path, **options: object) -> pd.DataFrame:
    """:func:`dedupe_file`'s output frame alone."""
    return dedupe_file(input_path, output_path, **options).output  # type: ignore[arg-type]


def pair_csv(
    left_path: Path, right_path: Path, output_path: Path, **options: object
) -> pd.DataFrame:
    """:func:`pair_files`'s output frame alone."""
    return pair_files(left_path, right_path, output_path, **options).output  # type: ignore[arg-type]
