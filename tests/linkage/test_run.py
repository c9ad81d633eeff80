"""`earlyhelp link` on a synthetic council: quality against the truth, households, and ids that
stay put when next month's extracts arrive."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from earlyhelp.ingest.load import ingest
from earlyhelp.ingest.spec import load_sources
from earlyhelp.linkage.report import linkage_report
from earlyhelp.linkage.run import link_known_identities, run_linkage
from earlyhelp.synth.records import typo
from earlyhelp.warehouse.schema import connect

SOURCES = load_sources(Path(__file__).resolve().parents[2] / "config" / "sources.yaml")
pytestmark = pytest.mark.slow

# Files whose rows carry a date: the month before holds only rows dated before the cut.
DATED = {
    "police_notifications.csv": ("IncidentDateTime", "%d/%m/%Y %H:%M", "utf-8"),
    "asb_cases.csv": ("Incident Date", "%d/%m/%Y", "cp1252"),
    "csc_events.csv": ("EVENT_DATE", "%d/%m/%Y", "utf-8"),
    "benefit_claims.csv": ("StartDate", "%Y-%m-%d", "utf-8"),
    "ctax_recovery.csv": ("StageDate", "%Y-%m-%d", "utf-8"),
    "school_attendance.csv": ("TermEnd", "%Y-%m-%d", "utf-8"),
    "early_help_episodes.csv": ("START_DATE", "%Y-%m-%d", "utf-8"),
}
# Files in which the month before held names with slips that have since been corrected.
CORRECTED = {"csc_persons.csv": "SURNAME", "ctax_liable_parties.csv": "Surname"}


def month_before(council: Path, out: Path, cut: str) -> Path:
    """The council's extracts as they stood a month earlier."""
    shutil.copytree(council / "extracts", out / "extracts")
    rng = np.random.default_rng(0)
    for name, (column, fmt, encoding) in DATED.items():
        path = out / "extracts" / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        dated = pd.to_datetime(frame[column], format=fmt, errors="coerce")
        frame[dated < pd.Timestamp(cut)].to_csv(path, index=False, encoding=encoding)
    for name, column in CORRECTED.items():
        path = out / "extracts" / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        slipped = rng.random(len(frame)) < 0.03
        frame.loc[slipped, column] = [typo(s, rng) for s in frame.loc[slipped, column]]
        frame.to_csv(path, index=False)
    return out


def test_linkage_of_a_council_is_accurate_and_builds_households(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    con = connect(tmp_path / "w.duckdb")
    ingest(SOURCES, council, con)
    summary = run_linkage(con, tmp_path / "model")
    assert (tmp_path / "model" / "splink_settings.json").exists()
    report = linkage_report(con, council / "truth")
    quality = report["against_truth"]
    assert quality["pairwise_f1"] >= 0.99
    assert quality["over_merge_rate"] <= 0.001
    members = con.execute("SELECT * FROM membership").df()
    homes = con.execute("SELECT * FROM household").df()
    assert summary.households == len(homes) > 0
    assert set(members["household_id"]) == set(homes["household_id"])
    per_home = members[members["to_date"].isna()].groupby("household_id").size()
    assert 1.5 < per_home.mean() < 3.5
    assert {"adult", "child"} <= set(members["role"])
    assert homes["lsoa"].notna().mean() > 0.95


def test_next_months_extracts_keep_the_ids_of_people_seen_before(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    earlier = month_before(council, tmp_path / "earlier", "2025-12-01")
    con = connect(tmp_path / "w.duckdb")
    ingest(SOURCES, earlier, con)
    first = run_linkage(con, tmp_path / "model")
    reports = ingest(SOURCES, council, con)
    assert {r.source for r in reports if r.status == "loaded"} >= {"police", "csc_persons"}
    second = run_linkage(con, tmp_path / "model")
    assert second.records > first.records
    assert second.seen_before > 0.95 * first.people
    assert second.kept_ids / second.seen_before >= 0.995
    history = con.execute("SELECT DISTINCT kind FROM person_id_history").fetchall()
    assert set(history) <= {("merge",), ("split",)}


def test_known_identities_give_a_perfect_linkage_and_still_build_households(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    con = connect(tmp_path / "w.duckdb")
    ingest(SOURCES, council, con)
    summary = link_known_identities(con, council / "truth" / "record_person.parquet")
    quality = linkage_report(con, council / "truth")["against_truth"]
    assert quality["pairwise_f1"] == 1.0
    assert quality["over_merge_rate"] == 0.0
    truth = pd.read_parquet(council / "truth" / "record_person.parquet")
    assert summary.people == truth["person_id"].nunique()
    assert summary.households > 0


def test_known_identities_refuse_records_the_truth_does_not_hold(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    con = connect(tmp_path / "w.duckdb")
    ingest(SOURCES, council, con)
    truth = pd.read_parquet(council / "truth" / "record_person.parquet")
    truth.iloc[5:].to_parquet(tmp_path / "partial.parquet")
    with pytest.raises(ValueError, match=r"not in .*partial\.parquet"):
        link_known_identities(con, tmp_path / "partial.parquet")
