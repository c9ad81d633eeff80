"""Same seed, same bytes; different seed, different world; mess makes linkage harder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import manifest

pytestmark = pytest.mark.slow


def _hashes(folder: Path) -> dict[str, str]:
    return {k: v["sha256"] for k, v in manifest(folder)["files"].items()}  # type: ignore[attr-defined]


def test_same_seed_gives_the_same_bytes(small_councils: dict[str, Path]) -> None:
    assert _hashes(small_councils["a"]) == _hashes(small_councils["a_again"])
    first = (small_councils["a"] / "manifest.json").read_bytes()
    assert first == (small_councils["a_again"] / "manifest.json").read_bytes()


def test_a_different_seed_gives_a_different_world(small_councils: dict[str, Path]) -> None:
    a, b = _hashes(small_councils["a"]), _hashes(small_councils["b"])
    differing = [name for name in a if name != "extracts/areas.csv" and a[name] != b.get(name)]
    assert len(differing) >= len(a) - 2


def exact_key_match_rate(folder: Path) -> float:
    """Share of pairs of records of one true person, in two systems, that agree exactly on
    first name, surname and date of birth (what a naive exact join would link)."""
    truth = pd.read_parquet(folder / "truth" / "record_person.parquet")
    frames = []
    for name, id_col, first, last, dob, system, date_format in (
        ("csc_persons.csv", "LCS_ID", "FORENAME", "SURNAME", "DOB", "csc", "%d/%m/%Y"),
        (
            "police_notifications.csv",
            "NominalID",
            "Forename",
            "Surname",
            "DOB",
            "police",
            "%d-%b-%Y",
        ),
        (
            "ctax_liable_parties.csv",
            "PartyRef",
            "Forename",
            "Surname",
            "DOB",
            "revenues",
            "%Y-%m-%d",
        ),
        ("asb_cases.csv", "Party ID", "Forename", "Surname", "DOB", "asb", "%d/%m/%Y"),
    ):
        encoding = "cp1252" if system == "asb" else "utf-8"
        path = folder / "extracts" / name
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        born = pd.to_datetime(raw[dob], format=date_format, errors="coerce").astype(str)
        key = raw[first].str.lower() + "|" + raw[last].str.lower() + "|" + born
        frames.append(pd.DataFrame({"source_record_id": raw[id_col], "key": key, "system": system}))
    records = pd.concat(frames).merge(truth, on="source_record_id")
    pairs = records.merge(records, on="person_id")
    pairs = pairs[pairs["system_x"] < pairs["system_y"]]
    return float((pairs["key_x"] == pairs["key_y"]).mean())


def test_exact_key_match_rate_falls_as_mess_rises(small_councils: dict[str, Path]) -> None:
    clean = exact_key_match_rate(small_councils["clean"])
    standard = exact_key_match_rate(small_councils["a"])
    hard = exact_key_match_rate(small_councils["hard"])
    assert clean > standard + 0.05 > hard + 0.1
    assert clean > 0.9


def test_mess_adds_duplicate_records_within_a_system(small_councils: dict[str, Path]) -> None:
    def duplicated_people(folder: Path) -> int:
        truth = pd.read_parquet(folder / "truth" / "record_person.parquet")
        per_system = truth.groupby(["source", "person_id"]).size()
        return int((per_system > 1).sum())

    assert duplicated_people(small_councils["clean"]) == 0
    assert duplicated_people(small_councils["hard"]) > duplicated_people(small_councils["a"]) > 0
