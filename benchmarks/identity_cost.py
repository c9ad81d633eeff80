"""What linkage errors cost each model, on a synthetic council: the oracle, the model on true
identities and the model on linked identities, measured on the same kind of rows.

    python benchmarks/identity_cost.py --warehouse data/warehouse.duckdb --truth data/council/truth

The warehouse is copied twice: one copy keeps the linkage's people, the other takes its people
from the truth (``earlyhelp link --known-identities``); households are rebuilt from the records'
dated addresses in both. Each copy is validated through time exactly as `earlyhelp train` does,
and each model's out-of-time scores are set beside the oracle's on the rows it scored.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from earlyhelp.features.build import create_feature_matrix
from earlyhelp.linkage.run import link_known_identities
from earlyhelp.modelling.against_oracle import attach_oracle, compare
from earlyhelp.modelling.as_of import quarterly_as_of
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.train import capacity_for, validate_outcome
from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.warehouse.schema import connect


def measure(warehouse: Path, truth: Path) -> dict[str, dict[str, float]]:
    """Out-of-time AUC and precision at capacity, with the oracle's on the same rows."""
    con = connect(warehouse)
    dates = quarterly_as_of(con)
    create_feature_matrix(con, dates)
    out = {}
    for name, outcome in OUTCOMES.items():
        data = assemble(con, outcome, dates, reuse_features=True)
        capacity = capacity_for(data)
        scores = validate_outcome(data, capacity=capacity).scores
        out[name] = compare(attach_oracle(con, truth, name, outcome.unit, scores), capacity)
    con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        linked, known = Path(folder) / "linked.duckdb", Path(folder) / "known.duckdb"
        shutil.copy(args.warehouse, linked)
        shutil.copy(args.warehouse, known)
        con = connect(known)
        link_known_identities(con, args.truth / "record_person.parquet")
        con.close()
        results = {"linked": measure(linked, args.truth), "true": measure(known, args.truth)}
    print(
        f"{'outcome':14} {'oracle AUC':>10} {'true-id AUC':>11} {'linked AUC':>10}  "
        f"{'oracle P@c':>10} {'true-id P@c':>11} {'linked P@c':>10}  rows (true / linked)"
    )
    for name in OUTCOMES:
        t, k = results["true"][name], results["linked"][name]
        print(
            f"{name:14} {k['oracle_auc']:10.3f} {t['auc']:11.3f} {k['auc']:10.3f}  "
            f"{k['oracle_precision_at_capacity']:10.3f} {t['precision_at_capacity']:11.3f} "
            f"{k['precision_at_capacity']:10.3f}  {t['rows_matched']:,} / {k['rows_matched']:,}"
        )


if __name__ == "__main__":
    main()
