"""Bands and probabilities an alert can stand behind: ventiles by rank, precision with an
interval, calibration never certain on thin evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyhelp.alerts.evidence import (
    Evidence,
    alert_evidence,
    calibration_blocks,
    ventile_table,
    ventiles,
)


def validation(rows: int = 4000, seed: int = 3) -> pd.DataFrame:
    """Out-of-time scores where the chance of the outcome rises with the score."""
    rng = np.random.default_rng(seed)
    score = rng.random(rows)
    label = rng.random(rows) < score**4  # the top scores come true most often
    as_of = np.where(np.arange(rows) % 2 == 0, "2023-01-01", "2023-04-01")
    return pd.DataFrame({"lightgbm": score, "label": label, "as_of": pd.to_datetime(as_of)})


def test_ventiles_rank_within_the_cohort_and_ties_share_one() -> None:
    found = ventiles(np.arange(100, dtype=float))
    assert found[0] == 1 and found[-1] == 20
    assert (np.bincount(found)[1:] == 5).all()
    assert set(ventiles([0.3, 0.3, 0.3, 0.3])) == {20}


def test_each_ventiles_precision_is_what_its_rows_came_to() -> None:
    frame = validation()
    table = ventile_table(frame)
    assert [v["ventile"] for v in table] == list(range(1, 21))
    assert sum(v["rows"] for v in table) == len(frame)
    assert sum(v["positives"] for v in table) == int(frame["label"].sum())
    top = table[-1]
    assert top["precision"] == top["positives"] / top["rows"]
    assert top["low"] < top["precision"] < top["high"]
    assert table[-1]["precision"] > table[9]["precision"] > table[0]["precision"]


def test_calibration_is_never_certain_and_rests_on_enough_rows() -> None:
    frame = validation()
    blocks = calibration_blocks(frame, min_rows=100)
    assert all(b["rows"] >= 100 for b in blocks)
    assert sum(b["rows"] for b in blocks) == len(frame)
    rates = [b["rate"] for b in blocks]
    assert rates == sorted(rates), "a higher score never reads as a lower probability"
    assert rates[0] > 0 and rates[-1] < 1
    # a perfectly separated top: isotonic alone would say 1.000
    frame.loc[frame["lightgbm"] > 0.99, "label"] = True
    top = calibration_blocks(frame, min_rows=100)[-1]
    assert top["rate"] < 1 and top["high"] <= 1 and top["low"] < top["rate"]


def test_evidence_reads_back_a_probability_per_raw_score() -> None:
    evidence = Evidence.of({"alert_evidence": alert_evidence(validation())}, "test v1")
    low, high = evidence.probability([0.01, 0.999])
    assert low[0] < high[0]
    assert low[1] <= low[0] <= low[2] and high[1] <= high[0] <= high[2]
    assert evidence.band(20)["rows"] > 0
