"""`earlyhelp train` and `earlyhelp models list | show | promote`: the risk models' commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from earlyhelp.cli_errors import check_writable
from earlyhelp.config import get_settings
from earlyhelp.errors import ConfigurationError, PromotionRefusedError
from earlyhelp.modelling.registry import ModelRegistry, Override, RegistryError

console = Console()
models_app = typer.Typer(help="The registry of trained risk models.", no_args_is_help=True)


def train(
    outcome: list[str] = typer.Option([], help="Outcome to train (default: all four)."),
    truth: Path | None = typer.Option(
        None, help="Synthetic council's truth directory: measure every model beside the oracle."
    ),
    capacity: int | None = typer.Option(
        None, help="The team's list length per as-of date (default: 2% of the cohort)."
    ),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
    exclude_feature: list[str] = typer.Option(
        [],
        "--exclude-feature",
        help="Train without features matching this pattern (e.g. imd_decile, 'age*'); repeat. "
        "The card shows the model with them beside it.",
    ),
) -> None:
    """Validate each outcome's model through time, fit it on every date, and register it."""
    from earlyhelp.features.build import create_feature_matrix
    from earlyhelp.modelling.as_of import quarterly_as_of
    from earlyhelp.modelling.pipeline import train_outcome
    from earlyhelp.outcomes.registry import OUTCOMES
    from earlyhelp.warehouse.schema import connect

    unknown = sorted(set(outcome) - set(OUTCOMES))
    if unknown:
        raise typer.BadParameter(f"unknown outcome(s) {unknown}; choose from {sorted(OUTCOMES)}")
    if truth is not None and not truth.is_dir():
        raise ConfigurationError(f"--truth {truth} is not a folder (a council's truth/)")
    settings = get_settings()
    check_writable(ModelRegistry.from_settings(settings).root)
    con = connect(warehouse or settings.warehouse_path, create=False)
    dates = quarterly_as_of(con)
    if len(dates) < 8:
        console.print(f"[red]Only {len(dates)} as-of dates: too little history to validate.")
        raise typer.Exit(1)
    registry = ModelRegistry.from_settings(settings)
    with console.status("building features"):
        create_feature_matrix(con, dates)
    results = []
    for name in outcome or list(OUTCOMES):
        with console.status(f"training {name}"):
            try:
                results.append(
                    train_outcome(
                        con, OUTCOMES[name], dates, registry, truth, capacity,
                        exclude=exclude_feature,
                    )
                )  # fmt: skip
            except ConfigurationError as error:
                console.print(f"[red]{error}")
                raise typer.Exit(1) from error
    console.print(
        f"Out-of-time validation: {len(dates)} quarterly as-of dates, {dates[0]} to {dates[-1]}; "
        "each model is tested only on years after its training labels closed."
    )
    console.print(_table("Out-of-time ranking", results, MEASURES))
    console.print("random: the same model tested on a random 30% of rows instead: it overstates.")
    console.print(
        _table("At the team's list (one per as-of date) and calibration", results, AT_THE_LIST)
    )
    if truth is not None:
        console.print(
            _table(
                "Beside the oracle (the best any model could do), same rows",
                results,
                BESIDE_ORACLE,
            )
        )
    _fairness_note(registry, results)
    _registered_note(registry, results)


Cell = Callable[[dict[str, Any]], str]

MEASURES: list[tuple[str, Cell]] = [
    ("rows", lambda m: f"{m['rows']:,}"),
    ("base", lambda m: f"{m['base_rate']:.4f}"),
    ("AUC", lambda m: f"{m['auc']:.3f}"),
    ("95% CI", lambda m: f"{m['auc_ci'][0]:.3f}-{m['auc_ci'][1]:.3f}"),
    ("logistic", lambda m: f"{m['logistic']['auc']:.3f}"),
    ("random", lambda m: f"{m['random_row_split_auc']:.3f}"),
]
AT_THE_LIST: list[tuple[str, Cell]] = [
    ("list", lambda m: f"{m['capacity']}"),
    ("precision", lambda m: f"{m['precision_at_capacity']:.3f}"),
    ("recall", lambda m: f"{m['recall_at_capacity']:.3f}"),
    ("top 1%", lambda m: f"{m['precision_at_top_1pct']:.3f}"),
    ("top 5%", lambda m: f"{m['precision_at_top_5pct']:.3f}"),
    ("ECE", lambda m: f"{m['ece']:.4f}"),
]
BESIDE_ORACLE: list[tuple[str, Cell]] = [
    ("AUC", lambda m: f"{m['beside_oracle']['auc']:.3f}"),
    ("oracle", lambda m: f"{m['beside_oracle']['oracle_auc']:.3f}"),
    ("ratio", lambda m: f"{m['beside_oracle']['auc_ratio']:.3f}"),
    ("prec.@list", lambda m: f"{m['beside_oracle']['precision_at_capacity']:.3f}"),
    ("oracle", lambda m: f"{m['beside_oracle']['oracle_precision_at_capacity']:.3f}"),
    ("ratio", lambda m: f"{m['beside_oracle']['precision_ratio']:.3f}"),
]


def _table(title: str, results: list[Any], columns: list[tuple[str, Cell]]) -> Table:
    """One row per trained outcome, one column per measure."""
    table = Table(title=title)
    table.add_column("outcome")
    for header, _ in columns:
        table.add_column(header)
    for done in results:
        table.add_row(done.outcome, *(cell(done.metrics) for _, cell in columns))
    return table


def _fairness_note(registry: ModelRegistry, results: list[Any]) -> None:
    """Each model's fairness verdict, its card, and the label-bias table where there is one."""
    from earlyhelp.fairness.card import write_card
    from earlyhelp.fairness.label_bias_table import label_bias_table

    for done in results:
        entry = done.version
        audit = registry.report(entry.outcome, entry.version, "fairness.json") or {}
        folder = write_card(
            registry,
            entry.outcome,
            entry.version,
            card_folder(registry) / entry.outcome / entry.version,
        )
        verdict = "passed" if audit.get("passed") else "FAILED"
        console.print(
            f"{entry.outcome} {entry.version}: fairness audit {verdict} "
            f"({len(audit.get('failures', []))} disparities outside the band, "
            f"{len(audit.get('too_small', []))} too small to judge); card: {folder}"
        )
        bias = registry.report(entry.outcome, entry.version, "label_bias.json")
        if bias is not None:
            console.print(label_bias_table(bias))


def card_folder(registry: ModelRegistry) -> Path:
    """Where model cards go: beside the registry, in reports/cards/."""
    return registry.root.parent / "reports" / "cards"


def _registered_note(registry: ModelRegistry, results: list[Any]) -> None:
    """Where the models went and what to do next."""
    versions = ", ".join(f"{done.outcome} {done.version.version}" for done in results)
    console.print(
        f"Registered {versions} under {registry.root}; `earlyhelp models list` shows them, "
        "`earlyhelp models promote` puts one into use."
    )


def score(
    outcome: str = typer.Argument(..., help="The outcome to score."),
    as_of: str = typer.Option(..., help="The as-of date, YYYY-MM-DD."),
    output: Path = typer.Option(..., help="Parquet file for the scores."),
    version: str | None = typer.Option(None, help="A version (default: the promoted one)."),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
) -> None:
    """Score an outcome's cohort at a date with a registered model, with each score's factors."""
    import datetime as dt

    from earlyhelp.modelling.score import score_outcome
    from earlyhelp.outcomes.registry import OUTCOMES
    from earlyhelp.warehouse.schema import connect

    if outcome not in OUTCOMES:
        raise typer.BadParameter(f"unknown outcome {outcome!r}; choose from {sorted(OUTCOMES)}")
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError as error:
        raise typer.BadParameter(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from error
    settings = get_settings()
    try:
        model = ModelRegistry.from_settings(settings).get(outcome, version)
    except RegistryError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    con = connect(warehouse or settings.warehouse_path, create=False)
    with console.status(f"scoring {outcome} at {day}"):
        scores = score_outcome(con, OUTCOMES[outcome], model, day)
    output.parent.mkdir(parents=True, exist_ok=True)
    scores.assign(top_factors=scores["top_factors"].map(json.dumps)).to_parquet(output)
    console.print(
        f"{len(scores):,} scored with {outcome} {model.version} -> {output}; the highest risk is "
        f"{scores['risk'].iloc[0]:.3f}"
        if len(scores)
        else f"nobody in the cohort at {day}"
    )


@models_app.command("list")
def models_list(outcome: str | None = typer.Option(None, help="Only this outcome.")) -> None:
    """Every registered version with its headline measures; the promoted one is marked."""
    registry = ModelRegistry.from_settings()
    table = Table(title=f"Models in {registry.root}")
    for column in ("outcome", "version", "in use", "created (UTC)", "AUC (95% CI)"):
        table.add_column(column)
    for column in ("precision@list", "recall@list", "ECE", "base rate", "oracle AUC"):
        table.add_column(column)
    for name in [outcome] if outcome else registry.outcomes():
        promoted = registry.promoted(name)
        for v in registry.versions(name):
            m = v.metrics
            table.add_row(
                name,
                v.version,
                "yes" if v.version == promoted else "",
                v.created,
                f"{m.auc:.3f} ({m.auc_ci[0]:.3f}-{m.auc_ci[1]:.3f})",
                f"{m.precision_at_capacity:.3f}",
                f"{m.recall_at_capacity:.3f}",
                f"{m.ece:.4f}",
                f"{m.base_rate:.4f}",
                "" if m.oracle_auc is None else f"{m.oracle_auc:.3f}",
            )
    console.print(table)


@models_app.command("show")
def models_show(
    outcome: str = typer.Argument(..., help="The outcome."),
    version: str | None = typer.Argument(None, help="v1, v2, ... (default: the promoted one)."),
) -> None:
    """One version's evidence: measures, training window, settings, data hashes, features."""
    registry = ModelRegistry.from_settings()
    try:
        if version is None and registry.promoted(outcome) is None:
            versions = registry.versions(outcome)
            if not versions:
                raise RegistryError(f"no model is registered for {outcome!r}")
            version = versions[-1].version
        model = registry.get(outcome, version)
    except RegistryError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    shown: dict[str, Any] = {
        "outcome": model.outcome,
        "version": model.version,
        "promoted": registry.promoted(outcome) == model.version,
        "metrics": model.metrics,
        "training": model.training.model_dump(mode="json"),
        "settings": model.settings,
        "data": model.data_hashes,
        "features": list(model.features),
        "promotions": [p.model_dump() for p in registry.promotions(outcome)],
    }
    console.print_json(json.dumps(shown, default=str))


@models_app.command("promote")
def models_promote(
    outcome: str = typer.Argument(..., help="The outcome."),
    version: str = typer.Argument(..., help="The version to score with, e.g. v2."),
    by: str = typer.Option(..., "--by", help="Who decides (recorded)."),
    reason: str = typer.Option(..., "--reason", help="Why (recorded)."),
    override_approver: str | None = typer.Option(
        None, help="To promote a model that failed its fairness audit: who approves it."
    ),
    override_role: str | None = typer.Option(None, help="The approver's role."),
    override_reason: str | None = typer.Option(None, help="Why the failure is accepted."),
) -> None:
    """Put a version into use for scoring; who, when and why are kept with its history.
    A version whose fairness audit failed needs a named override (approver, role, reason)."""
    registry = ModelRegistry.from_settings()
    given = [override_approver, override_role, override_reason]
    try:
        if any(given) and not all(given):
            raise RegistryError(
                "an override needs all of --override-approver, --override-role and "
                "--override-reason"
            )
        override = (
            Override(approver=override_approver, role=override_role, reason=override_reason)
            if override_approver and override_role and override_reason
            else None
        )
        done = registry.promote(outcome, version, by=by, reason=reason, override=override)
    except (RegistryError, PromotionRefusedError, ValidationError) as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    console.print(
        f"{done.outcome} now scores with {done.version} (was {done.previous or 'none'}), "
        f"promoted by {done.by} at {done.at}: {done.reason}; fairness audit: {done.fairness}"
        + (
            f", overridden by {done.override.approver} ({done.override.role})"
            if done.override
            else ""
        )
    )


@models_app.command("card")
def models_card(
    outcome: str = typer.Argument(..., help="The outcome."),
    version: str | None = typer.Argument(None, help="v1, v2, ... (default: the promoted one)."),
    output: Path | None = typer.Option(
        None, help="Folder for the card (default: the data directory's reports/cards/)."
    ),
) -> None:
    """Write a version's model card (Markdown, HTML and PNG plots)."""
    from earlyhelp.fairness.card import write_card

    registry = ModelRegistry.from_settings()
    try:
        chosen = version or registry.promoted(outcome)
        if chosen is None:
            versions = registry.versions(outcome)
            if not versions:
                raise RegistryError(f"no model is registered for {outcome!r}")
            chosen = versions[-1].version
        registry.get(outcome, chosen)  # refuses a missing or changed version
        folder = write_card(
            registry, outcome, chosen, output or card_folder(registry) / outcome / chosen
        )
    except RegistryError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    console.print(f"Wrote the card of {outcome} {chosen} to {folder}")
