"""Households: linked people grouped by the property they live at, over time.

Every dated sighting of a person at an address (a school census, a police notification, a
benefit claim, a council tax liability) is resolved to a property: by UPRN where the system
holds one, else by matching the normalised address and postcode against the council's own
gazetteer (council tax and tenancy records carry UPRNs). A person's run of sightings at one
property is a spell, ending when they are next seen elsewhere. People whose spells at a property
overlap form one household; when a property empties and is occupied again, that is a new
household.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd

_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "cl": "close",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "gdns": "gardens",
    "pl": "place",
    "cres": "crescent",
}
_PUNCTUATION = re.compile(r"[^a-z0-9 ]+")


def address_key(address: pd.Series, postcode: pd.Series) -> pd.Series:
    """Normalised address plus compact postcode: '12 elm road|TH11AB'."""
    words = address.fillna("").str.lower().str.replace(_PUNCTUATION, " ", regex=True).str.split()
    line = words.map(lambda ws: " ".join(_ABBREVIATIONS.get(w, w) for w in ws))
    code = postcode.fillna("").str.upper().str.replace(r"\s+", "", regex=True)
    return line + "|" + code


def sightings(con: duckdb.DuckDBPyConnection, links: pd.DataFrame) -> pd.DataFrame:
    """Dated sightings of linked people at properties: ``person_id, uprn, seen_from, seen_to``."""
    people = con.execute(
        "SELECT system, source_record_id, uprn, address, postcode, first_seen, last_seen "
        "FROM current_person_record WHERE first_seen IS NOT NULL"
    ).df()
    accounts = con.execute(
        "SELECT r.system, r.source_record_id, a.uprn, a.address, a.postcode, "
        "a.start_date AS first_seen, coalesce(a.end_date, current_date) AS last_seen "
        "FROM current_relation r JOIN current_ct_account a "
        "ON r.subject = 'account' AND r.subject_key = a.account_ref"
    ).df()
    gazetteer = con.execute(
        "SELECT DISTINCT uprn, address, postcode FROM current_ct_account WHERE uprn IS NOT NULL"
    ).df()
    rows = pd.concat([people, accounts], ignore_index=True)
    rows["key"] = rows["system"] + "|" + rows["source_record_id"]
    rows = rows.merge(links[["key", "person_id"]], on="key", how="inner")
    lookup = dict(
        zip(
            address_key(gazetteer["address"], gazetteer["postcode"]), gazetteer["uprn"], strict=True
        )
    )
    resolved = address_key(rows["address"], rows["postcode"]).map(lookup)
    rows["uprn"] = rows["uprn"].where(rows["uprn"].notna() & (rows["uprn"] != ""), resolved)
    rows = rows.dropna(subset=["uprn"])
    return rows[["person_id", "uprn", "first_seen", "last_seen"]].rename(
        columns={"first_seen": "seen_from", "last_seen": "seen_to"}
    )


def spells(seen: pd.DataFrame) -> pd.DataFrame:
    """Each person's spells at properties: a run of sightings at one, until seen elsewhere."""
    seen = seen.assign(
        seen_from=pd.to_datetime(seen["seen_from"]), seen_to=pd.to_datetime(seen["seen_to"])
    )
    seen = seen.sort_values(["person_id", "seen_from", "seen_to"], kind="stable")
    moved = (seen["uprn"] != seen.groupby("person_id")["uprn"].shift()) | (
        seen["person_id"] != seen["person_id"].shift()
    )
    seen["spell"] = moved.cumsum()
    runs = seen.groupby("spell").agg(
        person_id=("person_id", "first"),
        uprn=("uprn", "first"),
        from_date=("seen_from", "min"),
        last=("seen_to", "max"),
    )
    following = runs.groupby("person_id")["from_date"].shift(-1)
    runs["to_date"] = following - pd.Timedelta(days=1)  # open (NaT) for the latest spell
    return runs.reset_index(drop=True)[["person_id", "uprn", "from_date", "to_date", "last"]]


STALE_AFTER = pd.Timedelta(days=365)  # not seen for a year: taken to have left


def households(runs: pd.DataFrame, dob: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households (``household_id, uprn, from_date, to_date``) and memberships with roles.

    A latest spell stays open while the person was seen in the last year of the data; one not
    seen for longer ends at their last sighting (they have most likely left the area).
    """
    far = pd.Timestamp("2262-01-01")
    latest = runs["last"].max()
    gone = runs["to_date"].isna() & (runs["last"] + STALE_AFTER < latest)
    runs = runs.assign(to_date=runs["to_date"].where(~gone, runs["last"]))
    runs = runs.assign(end=runs["to_date"].fillna(far)).sort_values(
        ["uprn", "from_date"], kind="stable"
    )
    reach = runs.groupby("uprn")["end"].cummax()
    previous_reach = reach.groupby(runs["uprn"]).shift()
    new_household = previous_reach.isna() | (runs["from_date"] > previous_reach)
    epoch = new_household.groupby(runs["uprn"]).cumsum()
    runs["household_id"] = "H" + runs["uprn"].astype(str) + "-" + epoch.astype(str)
    born = pd.to_datetime(runs["person_id"].map(dob))
    age = (runs["from_date"] - born).dt.days / 365.25
    runs["role"] = np.where(age < 18, "child", "adult")
    members = runs[["person_id", "household_id", "from_date", "to_date", "role"]]
    homes = (
        runs.groupby("household_id")
        .agg(uprn=("uprn", "first"), from_date=("from_date", "min"), to_date=("end", "max"))
        .reset_index()
    )
    homes["to_date"] = homes["to_date"].where(homes["to_date"] < far)
    return homes, members.reset_index(drop=True)
