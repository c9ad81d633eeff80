"""Time and peak memory of features and training for every outcome, and the speed of scoring
and explaining, on a linked warehouse.

    python benchmarks/train_models.py --warehouse DIR/warehouse.duckdb [--truth DIR/truth]

The warehouse is copied first, so the benchmark leaves it as it was; models go to a temporary
registry. Scoring speed is people scored a second by a registered model (features already
built), taken as the median of three passes over every row of one outcome's dataset.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from earlyhelp.features.build import create_feature_matrix
from earlyhelp.modelling.as_of import quarterly_as_of
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.explain import top_factors_frame
from earlyhelp.modelling.pipeline import train_outcome
from earlyhelp.modelling.registry import ModelRegistry
from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.warehouse.schema import connect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--truth", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "warehouse.duckdb"
        shutil.copy(args.warehouse, copy)
        con = connect(copy)
        registry = ModelRegistry(Path(folder) / "models")
        dates = quarterly_as_of(con)
        start = time.perf_counter()
        columns = create_feature_matrix(con, dates)
        built = time.perf_counter() - start
        counted = con.execute("SELECT count(*) FROM feature_matrix").fetchone()
        print(f"features: {built:.1f} s, {counted[0] if counted else 0:,} rows x {len(columns)}")
        for name, outcome in OUTCOMES.items():
            began = time.perf_counter()
            done = train_outcome(con, outcome, dates, registry, args.truth)
            m = done.metrics
            print(
                f"{name}: {time.perf_counter() - began:.1f} s, {m['rows']:,} test rows, "
                f"AUC {m['auc']:.3f}, ECE {m['ece']:.4f}"
                + (f", AUC/oracle {m['beside_oracle']['auc_ratio']:.3f}" if args.truth else "")
            )
        total = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(f"features and training, all outcomes: {total:.1f} s; peak memory {peak:.2f} GiB")

        data = assemble(con, OUTCOMES["safeguarding"], dates, reuse_features=True)
        model = registry.get("safeguarding", "v1")
        rows = model.feature_frame(data)
        timings = []
        for _ in range(3):
            began = time.perf_counter()
            model.predict(rows)
            timings.append(time.perf_counter() - began)
        median = statistics.median(timings)
        print(f"scoring: {len(rows):,} people, median {median:.2f} s, {len(rows) / median:,.0f}/s")
        began = time.perf_counter()
        top_factors_frame(model.booster, rows)
        seconds = time.perf_counter() - began
        print(f"explaining: {len(rows):,} people, {seconds:.1f} s, {len(rows) / seconds:,.0f}/s")


if __name__ == "__main__":
    main()
