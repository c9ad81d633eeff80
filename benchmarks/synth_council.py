"""Time and peak memory of `earlyhelp synth` at a given size (default: 176,000 residents).

Prints one line per stage and a total; run `python benchmarks/synth_council.py --residents N`.
Peak memory is the process's maximum resident set size, as the kernel reports it.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from earlyhelp.synth.calibration import TARGET_BY_NAME
from earlyhelp.synth.council import generate
from earlyhelp.synth.params import SynthParams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=176_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--oracle-samples", type=int, default=16)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    params = SynthParams(
        residents=args.residents, seed=args.seed, oracle_samples=args.oracle_samples
    )
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if done == total:
            marks[stage] = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as scratch:
        summary = generate(params, args.out or Path(scratch), progress)
        total = time.perf_counter() - started
    previous = 0.0
    for stage, at in marks.items():
        print(f"{stage:<10} {at - previous:7.1f} s")
        previous = at
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    files = summary.manifest["files"]
    extract_rows = sum(v["rows"] for k, v in files.items() if k.startswith("extracts/"))
    print(f"residents {args.residents:,}  extract rows {extract_rows:,}")
    for name, rate in summary.manifest["calibration"].items():
        target = TARGET_BY_NAME[name]
        print(f"rate {name:<28} {rate:10.4g}  target {target.value:g} ({rate / target.value:.2f}x)")
    for name, row in summary.manifest["oracle"].items():
        print(
            f"oracle {name:<14} AUC {row['auc']:.3f}  mean risk {row['mean_risk']:.4f}  "
            f"realised {row['realised_rate']:.4f}  mean MC s.e. {row['mean_mc_se']:.5f}"
        )
    print(f"total {total:.1f} s  peak memory {peak_gib:.2f} GiB")


if __name__ == "__main__":
    main()
