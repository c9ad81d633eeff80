"""The backtest's figures as people read them: a table per outcome, and a plot of each list's
monthly success rate with its interval band."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

LIST_WORDS = {
    "model": "model (as the run uses it)",
    "logistic": "logistic baseline",
    "rules": "rules: needs present",
    "random": "random list",
    "oracle": "oracle (synthetic truth)",
}


def _rate(share: dict[str, Any] | None) -> str:
    if not share or share.get("rate") is None:
        return "-"
    return f"{share['rate']:.1%} ({share['low']:.1%}-{share['high']:.1%})"


def headline_table(outcome: dict[str, Any]) -> Table:
    """One outcome: every list's alerts and success under the three definitions."""
    table = Table(
        title=(
            f"{outcome['outcome']} -> {outcome['team']} ({outcome['capacity']} a month), "
            f"{outcome['months'][0]} to {outcome['months'][-1]}; base rate "
            f"{_rate(outcome['base_rate'])}"
        )
    )
    for column in (
        "list",
        "kind",
        "alerts/month",
        "recorded (95% CI)",
        "lift",
        "known (95% CI)",
        "true harm (95% CI)",
        "recall",
        "open to team",
    ):
        table.add_column(column)
    for name, kinds in outcome["lists"].items():
        for kind, row in kinds.items():
            if kind not in ("all", "step_down"):
                continue
            table.add_row(
                LIST_WORDS.get(name, name) if kind == "all" else "",
                "alerts" if kind == "all" else "step-down (outcome followed: lower is better)",
                f"{row['alerts_per_month']:.1f}",
                _rate(row["recorded"]),
                "-" if row["lift"] is None else f"{row['lift']:.1f}",
                _rate(row["known"]),
                _rate(row["true_harm"]),
                _rate(row.get("recall")),
                "-" if row["open_share"]["rate"] is None else f"{row['open_share']['rate']:.0%}",
            )
    return table


def plot(report: dict[str, Any], path: Path) -> None:
    """Monthly recorded success rate per list, with its interval as a band, one panel per
    outcome (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(report["outcomes"].values())
    figure, axes = plt.subplots(
        len(outcomes), 1, figsize=(9, 3.2 * len(outcomes)), squeeze=False, sharex=False
    )
    for axis, outcome in zip(axes[:, 0], outcomes, strict=True):
        for name, months in outcome["monthly"].items():
            points = [m for m in months if m["rate"] is not None]
            if not points:
                continue
            x = [m["month"] for m in points]
            style = "o" if name == "oracle" else "-"
            (line,) = axis.plot(
                x, [m["rate"] for m in points], style, label=LIST_WORDS[name], markersize=4
            )
            axis.fill_between(
                x,
                [m["low"] for m in points],
                [m["high"] for m in points],
                color=line.get_color(),
                alpha=0.12,
            )
        base = outcome["base_rate"]["rate"]
        axis.axhline(base, color="grey", linestyle=":", label=f"base rate {base:.1%}")
        axis.set_title(
            f"{outcome['outcome']}: share of alerts where the outcome followed within 12 months"
        )
        axis.set_ylabel("success (recorded)")
        axis.set_ylim(bottom=0)
        axis.tick_params(axis="x", labelrotation=60, labelsize=7)
        axis.legend(fontsize=7, loc="best", ncol=3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
