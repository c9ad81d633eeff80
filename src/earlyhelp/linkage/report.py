"""`earlyhelp link report`: how the last linkage run went, and how right it was where a truth
exists (a synthetic council's)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.linkage.evaluate import evaluate

CONFIDENCE_BINS = [0.0, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0]


def linkage_report(con: duckdb.DuckDBPyConnection, truth_dir: Path | None = None) -> dict[str, Any]:
    """The report as a dict (written as JSON by the command)."""
    runs = con.execute("SELECT * FROM link_run ORDER BY run_id").df()
    if runs.empty:
        raise ValueError("linkage has not run on this warehouse yet: run `earlyhelp link` first")
    links = con.execute(
        "SELECT system, source_record_id, person_id, link_confidence FROM person_link"
    ).df()
    sizes = links.groupby("person_id").size()
    confidence = links["link_confidence"].dropna()
    counts, _ = np.histogram(confidence, bins=CONFIDENCE_BINS)
    last = runs.iloc[-1]
    report: dict[str, Any] = {
        "run_id": int(last["run_id"]),
        "records": len(links),
        "people": int(sizes.size),
        "households": int(last["households"]),
        "threshold_match_weight": float(last["threshold"]),
        "link_confidence": {
            "records_linked_to_another": int(confidence.size),
            "records_alone": int(links["link_confidence"].isna().sum()),
            "quantiles": {str(q): float(confidence.quantile(q)) for q in (0.01, 0.05, 0.5)}
            if confidence.size
            else {},
            "histogram": [
                {"from": lo, "to": hi, "records": int(n)}
                for lo, hi, n in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:], counts, strict=False)
            ],
        },
        "cluster_sizes": {
            int(str(k)): int(v) for k, v in sizes.value_counts().sort_index().items()
        },
        "id_history": con.execute(
            "SELECT run_id, kind, count(*) AS n FROM person_id_history GROUP BY ALL ORDER BY ALL"
        )
        .df()
        .to_dict("records"),
    }
    if truth_dir is not None:
        truth = pd.read_parquet(truth_dir / "record_person.parquet")
        clusters = links.rename(columns={"system": "source", "person_id": "cluster_id"})
        quality = evaluate(clusters, truth.astype({"person_id": str}))
        report["against_truth"] = dataclasses.asdict(quality)
        report["against_truth"].pop("cluster_sizes")
    return report
