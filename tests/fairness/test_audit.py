"""The audit's figures: worked out by hand on a small file, agreeing with fairlearn's
MetricFrame on a larger one, with bootstrap intervals that are reproducible and the right size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import precision_score
from typer.testing import CliRunner

from earlyhelp.cli import app
from earlyhelp.fairness.audit import AuditSpec, audit
from earlyhelp.fairness.flags import FlagRule

# Group A: scores 0.9 0.8 0.6 flagged at 0.5 (labels 1 0 1), 0.3 0.2 0.1 not (labels 1 0 0):
#   tp 2, fp 1, fn 1, tn 2.
# Group B: 0.7 0.55 flagged (labels 0 1), 0.4 0.05 not (labels 1 0): tp 1, fp 1, fn 1, tn 1.
# One row with no group: 0.95, label 1 (tp 1).
GOLDEN = """risk,outcome,group
0.9,1,A
0.8,0,A
0.6,1,A
0.3,1,A
0.2,0,A
0.1,0,A
0.7,0,B
0.55,1,B
0.4,1,B
0.05,0,B
0.95,1,
"""


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def golden_report(tmp_path: Path, *extra: str) -> dict[str, object]:
    scored = tmp_path / "golden.csv"
    scored.write_text(GOLDEN)
    out = tmp_path / "report.json"
    code, output = run_cli(
        "fairness", "audit", str(scored), "--score", "risk", "--label", "outcome",
        "--group", "group", "--threshold", "0.5", "--bootstrap", "0", "--min-rows", "1",
        "--output", str(out), *extra,
    )  # fmt: skip
    assert code == 0, output
    report: dict[str, object] = json.loads(out.read_text())
    return report


def test_golden_file_matches_the_hand_computation(tmp_path: Path) -> None:
    report = golden_report(tmp_path, "--html", str(tmp_path / "report.html"))
    a = report["metrics"]["group"]["A"]  # type: ignore[index]
    b = report["metrics"]["group"]["B"]  # type: ignore[index]
    missing = report["metrics"]["group"]["(missing)"]  # type: ignore[index]
    assert a["n"] == 6 and b["n"] == 4 and missing["n"] == 1
    expected_a = {
        "base_rate": 3 / 6, "pprev": 3 / 6, "ppr": 3 / 6, "precision": 2 / 3, "fdr": 1 / 3,
        "for": 1 / 3, "fpr": 1 / 3, "fnr": 1 / 3, "tpr": 2 / 3, "tnr": 2 / 3,
        "mean_score": 2.9 / 6, "calibration_gap": 2.9 / 6 - 0.5,
    }  # fmt: skip
    expected_b = {
        "base_rate": 0.5, "pprev": 0.5, "ppr": 2 / 6, "precision": 0.5, "fdr": 0.5,
        "for": 0.5, "fpr": 0.5, "fnr": 0.5, "tpr": 0.5, "tnr": 0.5,
        "mean_score": 1.7 / 4, "calibration_gap": 1.7 / 4 - 0.5,
    }  # fmt: skip
    for name, value in expected_a.items():
        assert a[name] == pytest.approx(value), name
    for name, value in expected_b.items():
        assert b[name] == pytest.approx(value), name
    assert missing["ppr"] == pytest.approx(1 / 6)
    assert missing["fpr"] is None  # no row without the label: undefined, not 0
    assert report["reference"] == {"group": "A"}
    assert report["reference_chosen"] == {"group": "largest group"}
    ratios = report["disparities"]["group"]["B"]  # type: ignore[index]
    assert ratios["pprev"] == pytest.approx(1.0)
    assert ratios["precision"] == pytest.approx(0.75)
    for name in ("fpr", "fnr", "fdr", "for"):
        assert ratios[name] == pytest.approx(1.5), name
    failing = {(f["value"], f["metric"]) for f in report["failures"]}  # type: ignore[attr-defined]
    # The one ungrouped row is flagged and labelled: flagged twice as often as A, no errors.
    assert failing == {("B", "fpr"), ("B", "fnr"), ("B", "fdr"), ("B", "for")} | {
        ("(missing)", "pprev"),
        ("(missing)", "fnr"),
        ("(missing)", "fdr"),
    }
    undefined = {(f["value"], f["metric"]) for f in report["too_small"]}  # type: ignore[attr-defined]
    assert undefined == {("(missing)", "fpr"), ("(missing)", "for")}
    assert report["passed"] is False
    assert report["flag_rule"]["flagged"] == 6  # type: ignore[index]
    assert report["band"] == [0.8, 1.25]
    assert "not a legal test" in str(report["band_note"])
    assert "<h2>group</h2>" in (tmp_path / "report.html").read_text()


def test_by_default_a_handful_of_rows_is_too_few_to_judge(tmp_path: Path) -> None:
    report = golden_report(tmp_path, "--min-rows", "10")
    assert report["failures"] == []
    assert report["passed"] is True
    assert {f["value"] for f in report["too_small"]} == {"B", "(missing)"}  # type: ignore[attr-defined]


def test_a_given_reference_group_is_used_and_recorded(tmp_path: Path) -> None:
    report = golden_report(tmp_path, "--reference", "group=B")
    assert report["reference"] == {"group": "B"}
    assert report["reference_chosen"] == {"group": "given"}
    assert report["disparities"]["group"]["A"]["fpr"] == pytest.approx((1 / 3) / 0.5)  # type: ignore[index]


def test_top_k_breaks_ties_by_file_order_within_each_list() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.2, 0.7, 0.7])
    lists = pd.Series(["a", "a", "a", "a", "b", "b", "b"])
    flagged = FlagRule("top_k", 2, per="x").flags(scores, lists)
    assert flagged.tolist() == [True, True, False, False, False, True, True]
    top = FlagRule("top_frac", 0.5).flags(scores, None)  # 3.5 rounds half up to 4
    assert top.tolist() == [True, True, False, False, False, True, True]


def scored_frame(rows: int = 6000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["W", "A", "B", "M"], rows, p=[0.7, 0.15, 0.1, 0.05])
    score = rng.beta(1, 6, rows) + np.where(group == "B", 0.05, 0.0)
    return pd.DataFrame(
        {
            "score": score,
            "label": rng.random(rows) < np.clip(score, 0, 1),
            "group": group,
            "sex": rng.choice(["F", "M"], rows),
        }
    )


def test_agrees_with_fairlearn_metricframe_over_the_rows() -> None:
    frame = scored_frame()
    report = audit(
        frame, AuditSpec("score", "label", ["group"], FlagRule("top_frac", 0.1), bootstrap=0)
    )
    flagged = FlagRule("top_frac", 0.1).flags(frame["score"].to_numpy(), None)
    expected = MetricFrame(
        metrics={
            "n": count,
            "pprev": selection_rate,
            "fpr": false_positive_rate,
            "fnr": false_negative_rate,
            "tpr": true_positive_rate,
            "tnr": true_negative_rate,
            "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
        },
        y_true=frame["label"],
        y_pred=flagged,
        sensitive_features=frame["group"],
    ).by_group
    for value, row in expected.iterrows():
        got = report["metrics"]["group"][value]
        for name in expected.columns:
            assert got[name] == pytest.approx(row[name], abs=1e-12), (value, name)
    ratio = expected.loc["B", "fpr"] / expected.loc["W", "fpr"]
    assert report["disparities"]["group"]["B"]["fpr"] == pytest.approx(ratio)


def test_bootstrap_is_reproducible_covers_the_estimate_and_is_the_right_width() -> None:
    frame = scored_frame()
    spec = AuditSpec("score", "label", ["group", "sex"], FlagRule("top_frac", 0.1), bootstrap=400)
    first, again = audit(frame, spec), audit(frame, spec)
    assert first == again
    other = audit(frame, AuditSpec(**{**spec.__dict__, "seed": 5}))
    assert other["metrics"]["group"]["W"]["pprev_ci"] != first["metrics"]["group"]["W"]["pprev_ci"]
    for key in ("group", "sex"):
        for value, measured in first["metrics"][key].items():
            for name in ("pprev", "fpr", "fnr", "precision", "mean_score"):
                low, high = measured[f"{name}_ci"]
                assert low <= measured[name] <= high, (key, value, name)
    # A share's 95% interval is about 2 x 1.96 binomial standard errors wide.
    w = first["metrics"]["group"]["W"]
    se = np.sqrt(w["pprev"] * (1 - w["pprev"]) / w["n"])
    assert w["pprev_ci"][1] - w["pprev_ci"][0] == pytest.approx(2 * 1.96 * se, rel=0.2)
    s = w["mean_score"]
    spread = frame.loc[frame["group"] == "W", "score"].std() / np.sqrt(w["n"])
    assert w["mean_score_ci"][1] - w["mean_score_ci"][0] == pytest.approx(
        4 * 1.96 * spread / 2, rel=0.2
    )
    assert s > 0


def test_a_small_group_is_reported_too_small_not_passed_or_failed() -> None:
    frame = scored_frame()
    frame.loc[frame.index[:8], "group"] = "tiny"
    report = audit(
        frame, AuditSpec("score", "label", ["group"], FlagRule("top_frac", 0.1), bootstrap=300)
    )
    small = [e for e in report["too_small"] if e["value"] == "tiny"]
    assert {e["metric"] for e in small} == set(report["judged"])
    assert all(e["n"] == 8 and e["reason"] for e in small)
    assert not [f for f in report["failures"] if f["value"] == "tiny"]
    assert report["metrics"]["group"]["tiny"]["n"] == 8


def test_intersections_are_groups_of_their_own() -> None:
    frame = scored_frame()
    spec = AuditSpec(
        "score", "label", ["group"], FlagRule("top_k", 300), intersections=[["group", "sex"]],
        reference={"group & sex": "W & F"}, bootstrap=50,
    )  # fmt: skip
    report = audit(frame, spec)
    crossed = report["metrics"]["group & sex"]
    assert set(crossed) == {f"{g} & {s}" for g in "WABM" for s in "FM"}
    rows = frame[(frame["group"] == "B") & (frame["sex"] == "M")]
    assert crossed["B & M"]["n"] == len(rows)
    assert crossed["B & M"]["base_rate"] == pytest.approx(rows["label"].mean())
    assert report["reference"]["group & sex"] == "W & F"
    assert sum(g["n"] for g in crossed.values()) == len(frame)
