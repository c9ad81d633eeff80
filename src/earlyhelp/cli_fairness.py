"""`earlyhelp fairness audit`: the fairness audit of any scored file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from earlyhelp.errors import FairnessInputError

console = Console()
fairness_app = typer.Typer(help="Fairness audits of scored files.", no_args_is_help=True)


@fairness_app.command("audit")
def fairness_audit(
    scores: Path = typer.Argument(..., help="Scored file (.csv or .parquet)."),
    score: str = typer.Option(..., "--score", help="The column of scores."),
    label: str = typer.Option(..., "--label", help="The column of outcomes (0 or 1)."),
    group: list[str] = typer.Option(..., "--group", help="A group column; repeat for several."),
    intersect: list[str] = typer.Option(
        [], "--intersect", help="Columns to cross, as COL,COL; repeat for several."
    ),
    threshold: float | None = typer.Option(None, help="Flag scores at or above this."),
    top_k: int | None = typer.Option(None, "--top-k", help="Flag the K highest scores."),
    top_frac: float | None = typer.Option(
        None, "--top-frac", help="Flag the highest fraction F of scores (0 to 1)."
    ),
    per: str | None = typer.Option(
        None, "--per", help="With --top-k/--top-frac: a column whose values are separate lists."
    ),
    reference: list[str] = typer.Option(
        [], "--reference", help="COL=VALUE: the reference group (default: the largest)."
    ),
    bootstrap: int = typer.Option(1000, help="Bootstrap resamples for the intervals."),
    seed: int = typer.Option(0, help="Same seed, same intervals."),
    min_rows: int = typer.Option(
        10, help="Fewest rows in a rate's denominator for a group to be judged on it."
    ),
    output: Path = typer.Option(..., "--output", help="Where to write the report (JSON)."),
    html: Path | None = typer.Option(None, "--html", help="Also write the report as HTML."),
) -> None:
    """Rates, disparities and a pass/fail judgement per group, with bootstrap intervals."""
    from earlyhelp.fairness.audit import JOIN, AuditSpec, audit
    from earlyhelp.fairness.flags import FlagRule
    from earlyhelp.fairness.html import report_html
    from earlyhelp.fairness.table import read_scored

    try:
        rules = [
            FlagRule(name, float(value), per)  # type: ignore[arg-type]
            for name, value in (("threshold", threshold), ("top_k", top_k), ("top_frac", top_frac))
            if value is not None
        ]
        if len(rules) != 1:
            raise FairnessInputError("give exactly one of --threshold, --top-k and --top-frac")
        if per is not None and rules[0].rule == "threshold":
            raise FairnessInputError("--per goes with --top-k or --top-frac, not --threshold")
        crossed = [[c.strip() for c in text.split(",") if c.strip()] for text in intersect]
        references = {}
        for text in reference:
            column, sep, value = text.partition("=")
            if not sep:
                raise FairnessInputError(f"--reference takes COL=VALUE, not {text!r}")
            references[column.strip()] = value
        spec = AuditSpec(
            score=score,
            label=label,
            groups=group,
            flag=rules[0],
            intersections=crossed,
            reference=references,
            bootstrap=bootstrap,
            seed=seed,
            min_rows=min_rows,
        )
        unknown = sorted(set(references) - set(spec.keys()))
        if unknown:
            raise FairnessInputError(
                f"--reference names {unknown}, which are not audited (audited: {spec.keys()}; "
                f"an intersection is named with {JOIN!r})"
            )
        columns = [score, label, *group, *(c for parts in crossed for c in parts)]
        frame = read_scored(scores, columns + ([per] if per else []))
        report = audit(frame, spec, str(scores))
    except FairnessInputError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(report_html(report, f"Fairness audit of {scores.name}"))
    _summary(report)
    console.print(f"Wrote {output}" + (f" and {html}" if html else ""))


def _summary(report: dict[str, Any]) -> None:
    """The failures and the groups too small to judge, as a table."""
    table = Table(title=f"Disparities outside the band {report['band']}")
    for column in ("group column", "group", "metric", "ratio", "95% CI"):
        table.add_column(column)
    for e in report["failures"]:
        ci = e["ci"]
        table.add_row(
            e["group"],
            e["value"],
            e["metric"],
            f"{e['disparity']:.2f}",
            "-" if not ci else f"{ci[0]:.2f}-{ci[1]:.2f}",
        )
    console.print(table)
    small = sorted({(e["group"], e["value"]) for e in report["too_small"]})
    if small:
        console.print(
            f"Too small to judge on at least one measure ({len(small)} groups): "
            + ", ".join(f"{g}={v}" for g, v in small[:12])
            + (" ..." if len(small) > 12 else "")
        )
    console.print(
        "Passed." if report["passed"] else "[red]Failed: a disparity is outside the band."
    )
