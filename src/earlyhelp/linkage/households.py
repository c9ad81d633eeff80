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

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.linkage.standardise import address_sql


def address_key_sql(address: str, postcode: str) -> str:
    """SQL for a normalised address plus compact postcode: '12 elm road|TH11AB'.

    In DuckDB rather than pandas: it runs over every sighting (hundreds of thousands)."""
    code = f"upper(regexp_replace(coalesce({postcode}, ''), '\\s+', '', 'g'))"
    return f"coalesce({address_sql(address)}, '') || '|' || {code}"


def sightings(con: duckdb.DuckDBPyConnection, links: pd.DataFrame) -> pd.DataFrame:
    """Dated sightings of linked people at properties: ``person_id, uprn, seen_from, seen_to``.

    A record from a person table (no dates of its own) is dated by its system's events about it.
    """
    con.register("linked_records", links[["key", "person_id"]])
    try:
        return con.execute(f"""
            WITH gazetteer AS (
                SELECT {address_key_sql("address", "postcode")} AS place, min(uprn) AS uprn
                FROM current_ct_account WHERE uprn IS NOT NULL GROUP BY place
            ), record_events AS (  -- when a person table's records were active, from their events
                SELECT system, subject_key AS source_record_id, min(event_date) AS first_event,
                       max(event_date) AS last_event
                FROM current_event WHERE subject = 'person' GROUP BY system, subject_key
            ), seen AS (
                SELECT p.system, p.source_record_id, p.uprn, p.address, p.postcode,
                       coalesce(p.first_seen, e.first_event) AS first_seen,
                       coalesce(p.last_seen, e.last_event) AS last_seen
                FROM current_person_record p LEFT JOIN record_events e
                  USING (system, source_record_id)
                WHERE coalesce(p.first_seen, e.first_event) IS NOT NULL
                UNION ALL
                -- an open account is seen to the end of the data, not to today's date: a
                -- wall clock would end everyone else's spell when extracts are a year old
                SELECT r.system, r.source_record_id, a.uprn, a.address, a.postcode, a.start_date,
                       coalesce(a.end_date, (SELECT max(event_date) FROM current_event))
                FROM current_relation r JOIN current_ct_account a
                  ON r.subject = 'account' AND r.subject_key = a.account_ref
            )
            SELECT l.person_id, coalesce(nullif(s.uprn, ''), g.uprn) AS uprn,
                   s.first_seen AS seen_from, s.last_seen AS seen_to
            FROM seen s
            JOIN linked_records l ON l.key = s.system || '|' || s.source_record_id
            LEFT JOIN gazetteer g ON g.place = {address_key_sql("s.address", "s.postcode")}
            WHERE coalesce(nullif(s.uprn, ''), g.uprn) IS NOT NULL
        """).df()
    finally:
        con.unregister("linked_records")


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
