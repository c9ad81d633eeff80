"""`earlyhelp link`: the warehouse's person records into people with stable ids, and households.

This module only sequences the steps; each lives in its own module.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.linkage import households as homes
from earlyhelp.linkage.constrained import constrained_clusters
from earlyhelp.linkage.pipeline import link_records
from earlyhelp.linkage.stable_ids import assign_stable_ids
from earlyhelp.linkage.threshold import COUNCIL_MAX_FALSE_LINK_SHARE
from earlyhelp.linkage.warehouse_io import canonical_records, previous_links, save_run


@dataclass
class LinkSummary:
    """What a linkage run produced."""

    run_id: int
    records: int
    people: int
    households: int
    kept_ids: int  # people seen in the last run who kept their id
    seen_before: int  # people of the last run still present
    merges: int
    splits: int
    threshold: str = ""  # what the run chose as its threshold, and why


def run_linkage(
    con: duckdb.DuckDBPyConnection,
    model_dir: Path,
    retrain: bool = True,
    threshold_match_weight: float | None = None,
) -> LinkSummary:
    """Link every person record in the warehouse, keep ids stable, rebuild households.

    The threshold is the model's own choice (``threshold.py``) unless ``threshold_match_weight``
    fixes it: the same rule as the file tools'.
    """
    records = canonical_records(con)
    settings_path = model_dir / "splink_settings.json"
    result = link_records(
        records,
        settings_path=settings_path,
        retrain=retrain,
        threshold_match_weight=threshold_match_weight,
        max_false_link_share=COUNCIL_MAX_FALSE_LINK_SHARE,
        return_pairs=True,
        cluster=False,
    )
    keyed = _keyed(records)
    assert result.pairs is not None
    pairs = result.pairs.rename(columns={"unique_id_l": "key_l", "unique_id_r": "key_r"})
    clusters = constrained_clusters(keyed, pairs)
    digest = (
        hashlib.sha256(settings_path.read_bytes()).hexdigest() if settings_path.exists() else ""
    )
    summary = _save_people(
        con, keyed, clusters, result.pairs, result.threshold.match_weight, digest
    )
    return dataclasses.replace(summary, threshold=result.threshold.describe())


def link_known_identities(con: duckdb.DuckDBPyConnection, record_person: Path) -> LinkSummary:
    """People as the synthetic council's truth says they are, in place of the linkage's guess.

    Only for measuring: features and models built on these people, beside those built on the
    linked ones, show what linkage errors cost each model. Households are still built from the
    records' dated addresses, exactly as after a real linkage run.
    """
    keyed = _keyed(canonical_records(con))
    truth = pd.read_parquet(record_person).rename(columns={"person_id": "true_id"})
    truth["key"] = truth["source"] + "|" + truth["source_record_id"]
    clusters = keyed[["key"]].merge(truth[["key", "true_id"]], on="key", how="left")
    unknown = clusters["true_id"].isna()
    if unknown.any():
        raise ValueError(
            f"{int(unknown.sum())} records are not in {record_person}, e.g. "
            f"{clusters.loc[unknown, 'key'].iloc[0]}: is this the same council?"
        )
    clusters["cluster_id"] = "T" + clusters["true_id"].astype("int64").astype(str)
    return _save_people(con, keyed, clusters[["key", "cluster_id"]], None, float("nan"), "truth")


def _keyed(records: pd.DataFrame) -> pd.DataFrame:
    return records.assign(key=records["source"] + "|" + records["source_record_id"])


def _save_people(
    con: duckdb.DuckDBPyConnection,
    keyed: pd.DataFrame,
    clusters: pd.DataFrame,
    pairs: pd.DataFrame | None,
    threshold: float,
    settings_sha256: str,
) -> LinkSummary:
    """Stable ids for the clusters, households from dated sightings, all saved as one run."""
    clusters = clusters.merge(keyed[["key", "source", "source_record_id"]], on="key")
    previous = previous_links(con)
    links, history = assign_stable_ids(clusters[["key", "cluster_id"]], previous)
    links = links.merge(clusters[["key", "source", "source_record_id"]], on="key")
    links["link_confidence"] = _confidence(links, pairs)

    dob = _usual_dob(keyed.merge(links[["key", "person_id"]], on="key"))
    runs = homes.spells(homes.sightings(con, links))
    households, members = homes.households(runs, dob)
    households = _with_lsoa(con, households)

    stored = links.rename(columns={"source": "system"})[
        ["system", "source_record_id", "person_id", "link_confidence"]
    ]
    run_id = save_run(
        con,
        stored,
        history,
        households,
        members,
        threshold=threshold,
        settings_sha256=settings_sha256,
    )
    kept, seen = _stability(previous, links)
    return LinkSummary(
        run_id,
        len(links),
        links["person_id"].nunique(),
        len(households),
        kept,
        seen,
        int((history["kind"] == "merge").sum()),
        int((history["kind"] == "split").sum()),
    )


def _usual_dob(records: pd.DataFrame) -> pd.Series:
    """Each person's most often recorded date of birth (for household roles)."""
    counts = records.dropna(subset=["dob"]).groupby(["person_id", "dob"]).size()
    usual = counts.sort_values(ascending=False, kind="stable").reset_index()
    return usual.drop_duplicates("person_id").set_index("person_id")["dob"]


def _confidence(links: pd.DataFrame, pairs: pd.DataFrame | None) -> pd.Series:
    """Each record's strongest link to another record of its person (blank when alone)."""
    if pairs is None or pairs.empty:
        return pd.Series(float("nan"), index=links.index)
    person = dict(zip(links["key"], links["person_id"], strict=True))
    same = pairs["unique_id_l"].map(person) == pairs["unique_id_r"].map(person)
    kept = pairs[same]
    best = (
        pd.concat(
            [
                kept[["unique_id_l", "match_probability"]].rename(columns={"unique_id_l": "key"}),
                kept[["unique_id_r", "match_probability"]].rename(columns={"unique_id_r": "key"}),
            ]
        )
        .groupby("key")["match_probability"]
        .max()
    )
    return links["key"].map(best)


def _stability(previous: pd.DataFrame | None, links: pd.DataFrame) -> tuple[int, int]:
    """Of the people of the last run whose records are still here, how many kept their id."""
    if previous is None:
        return 0, 0
    both = previous.merge(links[["key", "person_id"]], on="key", suffixes=("_old", "_new"))
    seen = both["person_id_old"].nunique()
    kept = both.loc[both["person_id_new"] == both["person_id_old"], "person_id_old"].nunique()
    return int(kept), int(seen)


def _with_lsoa(con: duckdb.DuckDBPyConnection, households: pd.DataFrame) -> pd.DataFrame:
    """Each household's LSOA, through its property's postcode and the postcode directory."""
    lookup = (
        con.execute(
            "SELECT DISTINCT a.uprn, p.lsoa FROM current_ct_account a JOIN current_postcode_lsoa p "
            "ON upper(replace(a.postcode, ' ', '')) = upper(replace(p.postcode, ' ', ''))"
        )
        .df()
        .drop_duplicates("uprn")
    )
    return households.merge(lookup, on="uprn", how="left")[
        ["household_id", "uprn", "lsoa", "from_date", "to_date"]
    ]
