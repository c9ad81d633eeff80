"""Time and peak memory of `earlyhelp ingest` and `earlyhelp link` on a synthetic council, and
the ratio of `earlyhelp link` to a plain Splink run with the same settings on the same records.

    python benchmarks/ingest_link.py --residents 176000 [--council DIR] [--runs 3]

With --council, an existing council folder is used; otherwise one is built first (not timed).
"Plain Splink" registers the same standardised records and runs the same training calls,
prediction and clustering directly; `earlyhelp link` adds reading the warehouse, stable ids,
households and writing the results. Timings are medians over the runs, taken side by side.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from earlyhelp.ingest.load import ingest
from earlyhelp.ingest.spec import load_sources
from earlyhelp.linkage.model import build_settings, make_linker, populated_columns, train
from earlyhelp.linkage.report import linkage_report
from earlyhelp.linkage.run import run_linkage
from earlyhelp.linkage.standardise import standardise_table
from earlyhelp.linkage.warehouse_io import canonical_records
from earlyhelp.synth.council import generate
from earlyhelp.synth.params import SynthParams
from earlyhelp.warehouse.schema import connect

SOURCES = Path(__file__).resolve().parents[1] / "config" / "sources.yaml"


def plain_splink(records_table: str, con: object) -> float:
    """Seconds for Splink alone: train, predict and cluster the standardised records."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    standardise_table(con, records_table, "plain_std")
    present = populated_columns(con, "plain_std")
    start = time.perf_counter()
    linker = make_linker(con, "plain_std", build_settings(present))
    train(linker, present)
    predictions = linker.inference.predict(threshold_match_weight=6.0)
    linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=6.0
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=176_000)
    parser.add_argument("--council", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        council = args.council or Path(scratch) / "council"
        if args.council is None:
            generate(SynthParams(residents=args.residents, seed=1), council)
        ingest_times, link_times, plain_times = [], [], []
        for run in range(args.runs):
            con = connect(Path(scratch) / f"warehouse-{run}.duckdb")
            start = time.perf_counter()
            ingest(load_sources(SOURCES), council, con)
            ingest_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            summary = run_linkage(con, Path(scratch) / f"model-{run}")
            link_times.append(time.perf_counter() - start)
            con.register("bench_records", canonical_records(con))
            plain_times.append(plain_splink("bench_records", con))
            quality = linkage_report(con, council / "truth")["against_truth"]
            con.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    ingest_s, link_s, plain_s = (
        statistics.median(t) for t in (ingest_times, link_times, plain_times)
    )
    print(f"council: {args.council or f'{args.residents:,} residents, seed 1'}; runs: {args.runs}")
    print(
        f"records {summary.records:,}  people {summary.people:,}  households {summary.households:,}"
    )
    print(f"ingest        median {ingest_s:7.1f} s")
    print(f"earlyhelp link median {link_s:7.1f} s")
    print(f"plain Splink  median {plain_s:7.1f} s   ratio link / Splink {link_s / plain_s:.2f}")
    print(f"ingest + link {ingest_s + link_s:7.1f} s  peak memory {peak:.2f} GiB")
    print(
        "against truth: "
        + ", ".join(
            f"{k} {quality[k]:.4f}"
            for k in (
                "pairwise_precision",
                "pairwise_recall",
                "pairwise_f1",
                "bcubed_f1",
                "over_merge_rate",
            )
        )
    )


if __name__ == "__main__":
    main()
