"""The model card's plots as PNG files, drawn with matplotlib's Agg backend (no display)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after the backend is chosen

SIZE = (5.5, 4.0)


def _save(figure: Any, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def roc_plot(curves: dict[str, Any], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=SIZE)
    axes.plot(curves["roc"]["fpr"], curves["roc"]["tpr"], label="model")
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="chance")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (out of time)")
    axes.legend(loc="lower right")
    return _save(figure, path)


def pr_plot(curves: dict[str, Any], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=SIZE)
    axes.plot(curves["pr"]["recall"], curves["pr"]["precision"], label="model")
    axes.axhline(curves["base_rate"], linestyle=":", color="grey", label="base rate")
    axes.set(xlabel="recall", ylabel="precision", title="Precision and recall (out of time)")
    axes.set_ylim(0, 1)
    axes.legend(loc="upper right")
    return _save(figure, path)


def calibration_plot(curves: dict[str, Any], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=SIZE)
    points = curves["calibration"]
    predicted = [p["mean_risk"] for p in points]
    observed = [p["observed_rate"] for p in points]
    top = max([*predicted, *observed, 0.01]) * 1.1
    axes.plot([0, top], [0, top], linestyle=":", color="grey", label="perfect calibration")
    axes.plot(predicted, observed, marker="o", label="model (10 equal-count bins)")
    axes.set(xlabel="mean predicted risk", ylabel="observed rate", title="Calibration")
    axes.set_xlim(0, top)
    axes.set_ylim(0, top)
    axes.legend(loc="upper left")
    return _save(figure, path)


def precision_at_k_plot(curves: dict[str, Any], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=SIZE)
    at = curves["precision_at_k"]
    axes.plot(at["k"], at["model"], marker="o", label="model")
    if "oracle" in at:
        axes.plot(at["k"], at["oracle"], marker="s", label="oracle (synthetic truth)")
    axes.axvline(curves["capacity"], linestyle="--", color="black", label="team's capacity")
    axes.axhline(curves["base_rate"], linestyle=":", color="grey", label="base rate")
    axes.set(xlabel="list length k per as-of date", ylabel="precision", title="Precision at k")
    axes.set_ylim(0, 1)
    axes.legend(loc="upper right")
    return _save(figure, path)


def fairness_plot(audit: dict[str, Any], key: str, path: Path) -> Path:
    """Flag rate and false negative rate per group, with 95% interval whiskers."""
    groups = audit["metrics"][key]
    names = list(groups)
    reference = audit["reference"][key]
    figure, panes = plt.subplots(1, 2, figsize=(9, max(2.5, 0.35 * len(names) + 1.2)))
    for pane, (metric, title) in zip(
        panes, (("pprev", "flag rate (pprev)"), ("fnr", "false negative rate")), strict=True
    ):
        values, low, high = [], [], []
        for name in names:
            value = groups[name][metric]
            ci = groups[name][f"{metric}_ci"]
            values.append(0.0 if value is None else value)
            low.append(0.0 if value is None or not ci else value - ci[0])
            high.append(0.0 if value is None or not ci else ci[1] - value)
        colours = ["#555555" if n == reference else "#1d70b8" for n in names]
        positions = list(range(len(names)))
        pane.barh(positions, values, xerr=[low, high], color=colours, capsize=3)
        pane.set_yticks(positions, [f"{n} (n={groups[n]['n']:,})" for n in names], fontsize=8)
        pane.invert_yaxis()
        pane.set_title(title, fontsize=10)
        pane.set_xlim(left=0)
    figure.suptitle(f"{key}: grey is the reference group; whiskers are 95% intervals", fontsize=9)
    return _save(figure, path)
