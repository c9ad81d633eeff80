"""Canonical person records from a few of a synthetic council's extracts, for linkage tests.

A stand-in for the ingest stage (built separately): it reads only the person-identifying
columns, converts each system's date format, and reduces each record id to one row by taking
the most common value of every field among the rows that share the id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CANONICAL = [
    "source",
    "source_record_id",
    "first_name",
    "middle_names",
    "surname",
    "dob",
    "sex",
    "address",
    "postcode",
    "upn",
    "nhs_number",
    "ni_number",
]


@dataclass(frozen=True)
class Extract:
    """How one extract names the canonical columns and writes its dates."""

    file: str
    source: str  # the system name used by truth/record_person.parquet
    columns: dict[str, str]  # extract column -> canonical column
    dob_format: str | None = None  # strptime format; None for ISO
    encoding: str = "utf-8"


EXTRACTS: tuple[Extract, ...] = (
    Extract(
        "csc_persons.csv",
        "csc",
        {
            "LCS_ID": "source_record_id",
            "FORENAME": "first_name",
            "SURNAME": "surname",
            "DOB": "dob",
            "GENDER": "sex",
            "ADDRESS": "address",
            "POSTCODE": "postcode",
            "NHS_NUMBER": "nhs_number",
            "UPN": "upn",
        },
        dob_format="%d/%m/%Y",
    ),
    Extract(
        "police_notifications.csv",
        "police",
        {
            "NominalID": "source_record_id",
            "Forename": "first_name",
            "Surname": "surname",
            "DOB": "dob",
            "Sex": "sex",
            "Address": "address",
            "Postcode": "postcode",
        },
        dob_format="%d-%b-%Y",
    ),
    Extract(
        "ctax_liable_parties.csv",
        "revenues",
        {
            "PartyRef": "source_record_id",
            "Forename": "first_name",
            "Surname": "surname",
            "DOB": "dob",
            "NINO": "ni_number",
        },
    ),
    Extract(
        "benefit_claims.csv",
        "revenues",
        {
            "ClaimantRef": "source_record_id",
            "NINO": "ni_number",
            "Forename": "first_name",
            "Surname": "surname",
            "DOB": "dob",
            "Address": "address",
            "Postcode": "postcode",
        },
    ),
    Extract(
        "school_census.parquet",
        "education",
        {
            "UPN": "source_record_id",
            "LegalForename": "first_name",
            "LegalSurname": "surname",
            "MiddleNames": "middle_names",
            "DOB": "dob",
            "Gender": "sex",
            "AddressLine1": "address",
            "Postcode": "postcode",
        },
    ),
    Extract(
        "asb_cases.csv",
        "asb",
        {
            "Party ID": "source_record_id",
            "Forename": "first_name",
            "Surname": "surname",
            "DOB": "dob",
            "Address": "address",
            "Postcode": "postcode",
        },
        dob_format="%d/%m/%Y",
        encoding="cp1252",
    ),
)


def _read(folder: Path, extract: Extract) -> pd.DataFrame:
    path = folder / "extracts" / extract.file
    if path.suffix == ".parquet":
        raw = pd.read_parquet(path, columns=list(extract.columns))
        raw = raw.astype("string")
    else:
        raw = pd.read_csv(
            path,
            usecols=list(extract.columns),
            dtype=str,
            keep_default_na=False,
            encoding=extract.encoding,
        )
    frame = raw.rename(columns=extract.columns)
    if "source_record_id" in frame and "upn" not in frame and extract.source == "education":
        frame["upn"] = frame["source_record_id"]
    frame["dob"] = _iso_dates(frame["dob"], extract.dob_format)
    frame["source"] = extract.source
    return frame


def _iso_dates(values: pd.Series, fmt: str | None) -> pd.Series:
    if fmt is None:
        return values.fillna("")
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").fillna("")


def _most_common(values: pd.Series) -> str:
    present = values[values.notna() & (values != "")]
    return "" if present.empty else str(present.mode().iloc[0])


def canonical_records(
    folder: Path, mode: Callable[[pd.Series], str] = _most_common
) -> pd.DataFrame:
    """One canonical row per (source, source_record_id) across the extracts read here."""
    frames = [_read(folder, extract) for extract in EXTRACTS]
    rows = pd.concat(frames, ignore_index=True)
    for column in CANONICAL:
        if column not in rows:
            rows[column] = ""
    rows = rows[CANONICAL].fillna("").drop_duplicates()
    keys = ["source", "source_record_id"]
    repeated = rows.duplicated(keys, keep=False)
    # Only ids whose rows disagree need the (slow) per-column vote.
    voted = rows[repeated].groupby(keys, sort=False).agg(mode).reset_index()
    reduced = pd.concat([rows[~repeated], voted], ignore_index=True)
    return reduced[CANONICAL].sort_values(keys, ignore_index=True)


def truth(folder: Path) -> pd.DataFrame:
    """``source, source_record_id, person_id`` for every record the council's systems hold."""
    return pd.read_parquet(folder / "truth" / "record_person.parquet")
