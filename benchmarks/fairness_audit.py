"""Time and peak memory of the fairness audit of a large scored file.

    python benchmarks/fairness_audit.py [--rows 1000000] [--bootstrap 1000]

Writes a scored Parquet file with five group columns (ethnicity, sex, age band, disability, IMD
decile: 5, 2, 8, 2 and 10 groups) and one intersection, then times
``earlyhelp fairness audit`` on it end to end (reading the file, flagging the top 2%, every
group's rates and disparities, the bootstrap and writing the report), median of three runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from earlyhelp.cli import app

GROUPS = {
    "ethnicity": (["White", "Asian", "Black", "Mixed", "Other"], [0.81, 0.096, 0.042, 0.03, 0.022]),
    "sex": (["female", "male"], [0.5, 0.5]),
    "age_band": (["0-4", "5-10", "11-15", "16-17", "18-24", "25-44", "45-64", "65+"], None),
    "disability": (["disabled", "not"], [0.15, 0.85]),
    "imd_decile": ([str(d) for d in range(1, 11)], None),
}


def scored_file(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {name: rng.choice(values, rows, p=p) for name, (values, p) in GROUPS.items()}
    )
    deprivation = (10 - frame["imd_decile"].astype(int)) / 10
    frame["risk"] = rng.beta(1, 30, rows) * (1 + deprivation)
    frame["label"] = (rng.random(rows) < frame["risk"]).astype(int)
    frame.to_parquet(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scored = Path(folder) / "scores.parquet"
        scored_file(scored, args.rows)
        command = ["fairness", "audit", str(scored), "--score", "risk", "--label", "label"]
        for name in GROUPS:
            command += ["--group", name]
        command += ["--intersect", "ethnicity,imd_decile", "--top-frac", "0.02"]
        command += ["--bootstrap", str(args.bootstrap), "--seed", "1"]
        command += ["--output", str(Path(folder) / "report.json")]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = CliRunner().invoke(app, command)
            times.append(time.perf_counter() - start)
            if result.exit_code != 0:
                raise SystemExit(result.output)
        report = json.loads((Path(folder) / "report.json").read_text())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    groups = sum(len(v) for v in report["metrics"].values())
    print(
        f"{args.rows:,} rows, {len(GROUPS)} group columns + 1 intersection ({groups} groups), "
        f"{args.bootstrap} resamples: median {statistics.median(times):.1f} s "
        f"(runs {', '.join(f'{t:.1f}' for t in times)}), peak memory {peak:.2f} GiB; "
        f"{len(report['failures'])} failing disparities, {len(report['too_small'])} too small"
    )


if __name__ == "__main__":
    main()
