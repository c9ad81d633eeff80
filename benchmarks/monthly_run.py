"""Time and peak memory of `earlyhelp run` for one month (features at one date, every outcome
scored with its promoted model, the scores written to the warehouse, the alerts published), on
SQLite and on PostgreSQL, each run into a fresh store.

    python benchmarks/monthly_run.py --data DIR --month 2026-01 [--runs 3]

DIR is a data folder with a linked warehouse and promoted models (`earlyhelp train`, then
`earlyhelp models promote`). The warehouse is copied for each run, so the folder is left as it
was. Each run is its own process, so its peak resident memory is the command's own.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _one_run(data: Path, month: str, store_url: str) -> tuple[float, float]:
    """Seconds and peak GiB of one `earlyhelp run` in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(data / "warehouse.duckdb", Path(folder) / "warehouse.duckdb")
        env = {
            **os.environ,
            "EARLYHELP_DATA_DIR": str(data),
            "EARLYHELP_WAREHOUSE_URL": str(Path(folder) / "warehouse.duckdb"),
            "EARLYHELP_STORE_URL": store_url,
        }
        command = [str(Path(sys.executable).parent / "earlyhelp"), "run", "--month", month]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return seconds, max(peak, before) / 1024**2


def _postgres_schema() -> tuple[str, sa.Engine, str]:
    engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", engine, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--month", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for engine_name in ("sqlite", "postgresql"):
        times, peaks = [], []
        for _ in range(args.runs):
            if engine_name == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    seconds, peak = _one_run(
                        args.data, args.month, f"sqlite:///{Path(folder) / 'store.sqlite'}"
                    )
            else:
                url, engine, schema = _postgres_schema()
                try:
                    seconds, peak = _one_run(args.data, args.month, url)
                finally:
                    with engine.connect() as connection:
                        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                    engine.dispose()
            times.append(seconds)
            peaks.append(peak)
        print(
            f"{engine_name}: median {statistics.median(times):.1f} s over {args.runs} runs "
            f"({', '.join(f'{t:.1f}' for t in times)}); peak memory {max(peaks):.2f} GiB"
        )


if __name__ == "__main__":
    main()
