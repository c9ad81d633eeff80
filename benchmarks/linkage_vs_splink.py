"""Time earlyhelp's linkage against a plain Splink run with the same settings on the same records.

Usage: python benchmarks/linkage_vs_splink.py COUNCIL_FOLDER [RUNS]
"Ours" is standardise + train + predict + cluster (``link_records``); "plain Splink" registers the
already-standardised table and runs the same training calls, predict and clustering directly.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import duckdb
from tests.linkage.synthetic_records import canonical_records

from earlyhelp.linkage.cluster import DEFAULT_MATCH_WEIGHT
from earlyhelp.linkage.model import build_settings, make_linker, populated_columns, train
from earlyhelp.linkage.pipeline import link_records
from earlyhelp.linkage.standardise import standardise_table


def main(folder: Path, runs: int) -> None:
    records = canonical_records(folder)
    ours, plain = [], []
    for _ in range(runs):
        start = time.perf_counter()
        link_records(records)
        ours.append(time.perf_counter() - start)

        con = duckdb.connect()
        con.register("raw", records)
        standardise_table(con, "raw", "std")
        present = populated_columns(con, "std")
        start = time.perf_counter()
        linker = make_linker(con, "std", build_settings(present))
        train(linker, present)
        predictions = linker.inference.predict(threshold_match_weight=DEFAULT_MATCH_WEIGHT)
        linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_weight=DEFAULT_MATCH_WEIGHT
        )
        plain.append(time.perf_counter() - start)
        con.close()
    ours_median, plain_median = statistics.median(ours), statistics.median(plain)
    print(f"records: {len(records)}, runs: {runs}")
    print(f"earlyhelp linkage: median {ours_median:.2f}s")
    print(f"plain Splink:      median {plain_median:.2f}s")
    print(f"ratio (ours / plain): {ours_median / plain_median:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
