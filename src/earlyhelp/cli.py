"""The `earlyhelp` command: thin Typer commands, each one call into a module."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from earlyhelp.cli_alerts import alerts_app, backtest, optout_app, run, store_app
from earlyhelp.cli_errors import ErrorHandlingGroup, set_debug
from earlyhelp.cli_fairness import fairness_app
from earlyhelp.cli_models import models_app, score, train
from earlyhelp.config import get_settings
from earlyhelp.errors import ConfigurationError
from earlyhelp.synth.params import MessLevel, SynthParams

app = typer.Typer(
    help="earlyhelp: open, measured and explainable predictive modelling for a UK council.",
    no_args_is_help=True,
    add_completion=False,
    cls=ErrorHandlingGroup,
)
console = Console()


@app.callback()
def main(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
) -> None:
    """earlyhelp: open, measured and explainable predictive modelling for a UK council."""
    set_debug(ctx, debug)


@app.command()
def synth(
    residents: int = typer.Option(
        20_000, help="Residents at the start (176,000 is Thurrock-sized)."
    ),
    seed: int = typer.Option(1, help="Same seed, same bytes."),
    start: str = typer.Option("2019-01", help="First simulated month, YYYY-MM."),
    end: str = typer.Option("2025-12", help="Last simulated month, YYYY-MM."),
    mess: MessLevel = typer.Option(MessLevel.standard, help="How garbled identities are."),
    oracle_samples: int = typer.Option(
        16, help="Monte Carlo futures per unit for the oracle (even)."
    ),
    out: Path | None = typer.Option(
        None, help="Output folder (default: the data directory's council/)."
    ),
) -> None:
    """Build a synthetic council: extracts per system, a ground truth and a manifest."""
    from earlyhelp.synth.council import generate  # heavy imports only when used

    params = SynthParams(
        residents=residents,
        seed=seed,
        start=start,
        end=end,
        mess=mess,
        oracle_samples=oracle_samples,
    )
    target = out or get_settings().data_dir / "council"
    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        summary = generate(params, target, report)
    print_summary(summary.manifest, target)


@app.command()
def ingest(
    sources: Path = typer.Option(Path("config/sources.yaml"), help="The extracts' mapping."),
    data: Path | None = typer.Option(
        None, help="Folder the file patterns are under (default: the data directory's council/)."
    ),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
    reload: list[str] = typer.Option(
        [], help="Read this source's files again even if file and mapping are unchanged; repeat."
    ),
    accept: str | None = typer.Option(
        None, help="Make this source's held snapshot current (needs --by and --reason)."
    ),
    by: str = typer.Option("", help="Who accepts a held snapshot (recorded)."),
    reason: str = typer.Option("", help="Why the held snapshot is accepted (recorded)."),
    new_warehouse_anywhere: bool = typer.Option(
        False, help="Allow a new warehouse at a name not ending .duckdb."
    ),
) -> None:
    """Load every extract into the warehouse; bad rows go to quarantine with the reason."""
    from earlyhelp.ingest.load import accept as accept_held
    from earlyhelp.ingest.load import ingest as load_all
    from earlyhelp.ingest.spec import load_sources
    from earlyhelp.warehouse.schema import connect

    settings = get_settings()
    target = warehouse or settings.warehouse_path
    if accept is not None:
        con = connect(target, create=False)
        console.print(accept_held(con, accept, by, reason))
        return
    specs = load_sources(sources)
    folder = data or settings.data_dir / "council"
    if not folder.is_dir():
        raise ConfigurationError(f"--data {folder} is not a folder")
    con = connect(target, any_name=new_warehouse_anywhere)
    with console.status("loading") as status:
        reports = load_all(
            specs,
            folder,
            con,
            progress=lambda name: status.update(f"loading {name}"),
            reload=reload,
        )
    table = Table(title="Reconciliation: rows read = rows loaded + rows quarantined")
    for column in ("source", "file", "status", "read", "loaded", "quarantined", "note"):
        table.add_column(column)
    for r in reports:
        table.add_row(
            r.source,
            Path(r.file).name,
            r.status,
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
            r.message,
        )
    console.print(table)
    failed = [r for r in reports if r.needs_attention]
    if failed:
        for r in failed:
            console.print(f"[red]{r.source}: {r.message}[/red]")
        raise typer.Exit(code=1)


link_app = typer.Typer(
    help="Link person records into people and households.", invoke_without_command=True
)
app.add_typer(link_app, name="link")


@link_app.callback()
def link(
    ctx: typer.Context,
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
    retrain: bool = typer.Option(True, help="Train the model afresh (else reuse the saved one)."),
    known_identities: Path | None = typer.Option(
        None,
        help="Synthetic council's truth/record_person.parquet: take people from the truth "
        "instead of linking, to measure what linkage errors cost the models.",
    ),
) -> None:
    """Link every person record in the warehouse; keep person ids stable across runs."""
    logging.getLogger("splink").setLevel(logging.ERROR)  # its training notes are for developers
    if ctx.invoked_subcommand is not None:
        return
    from earlyhelp.linkage.run import link_known_identities, run_linkage
    from earlyhelp.warehouse.schema import connect

    settings = get_settings()
    con = connect(warehouse or settings.warehouse_path, create=False)
    model_dir = settings.data_dir / "models" / "linkage"
    with console.status("linking person records (Splink)"):
        if known_identities is not None:
            summary = link_known_identities(con, known_identities)
        else:
            summary = run_linkage(con, model_dir, retrain=retrain)
    source = f"people from {known_identities}" if known_identities else f"model: {model_dir}"
    console.print(
        f"Run {summary.run_id}: {summary.records:,} records -> {summary.people:,} people in "
        f"{summary.households:,} households ({source})"
    )
    if summary.threshold:
        console.print(f"Links: {summary.threshold}")
    if summary.seen_before:
        share = summary.kept_ids / summary.seen_before
        console.print(
            f"Of {summary.seen_before:,} people seen before, {share:.2%} kept their id; "
            f"{summary.merges} merges and {summary.splits} splits recorded."
        )


@link_app.command("report")
def link_report(
    output: Path = typer.Option(..., help="Where to write the report (JSON)."),
    truth: Path | None = typer.Option(None, help="A synthetic council's truth/ folder."),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
) -> None:
    """Link confidence, cluster sizes and, given a truth, precision, recall and over-merging."""
    import json

    from earlyhelp.linkage.report import linkage_report
    from earlyhelp.warehouse.schema import connect

    if truth is not None and not truth.is_dir():
        raise ConfigurationError(f"--truth {truth} is not a folder (a council's truth/)")
    con = connect(warehouse or get_settings().warehouse_path, create=False)
    report = linkage_report(con, truth)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    console.print_json(data={k: v for k, v in report.items() if k != "cluster_sizes"})


def _file_options_help() -> dict[str, str]:
    return {
        "map": "FILE_COLUMN=CANONICAL_COLUMN (repeat), e.g. --map 'Given Name=first_name'.",
        "dob_format": "Date-of-birth format, e.g. %Y%m%d (default: the usual UK formats).",
        "encoding": "The files' encoding (default: UTF-8, else Windows-1252).",
        "threshold": "Fix the match weight of a link (default: chosen from the model).",
    }


@link_app.command("dedupe")
def link_dedupe(
    input: Path = typer.Argument(..., help="Person CSV (record_id, first_name, surname, dob...)."),
    output: Path = typer.Option(..., help="Where to write record_id, person_id."),
    map: list[str] | None = typer.Option(None, "--map", help=_file_options_help()["map"]),
    dob_format: str | None = typer.Option(None, help=_file_options_help()["dob_format"]),
    encoding: str | None = typer.Option(None, help=_file_options_help()["encoding"]),
    threshold: float | None = typer.Option(None, help=_file_options_help()["threshold"]),
) -> None:
    """Find the records of one file that belong to the same person."""
    from earlyhelp.linkage.person_file import parse_mapping
    from earlyhelp.linkage.tools import dedupe_file

    _refuse_overwriting(output, input)
    result = dedupe_file(
        input,
        output,
        mapping=parse_mapping(map),
        dob_format=dob_format,
        encoding=encoding,
        threshold_match_weight=threshold,
    )
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(f"Links: {result.threshold}")
    console.print(f"Wrote {output}")


@link_app.command("pair")
def link_pair(
    left: Path = typer.Argument(..., help="First person CSV."),
    right: Path = typer.Argument(..., help="Second person CSV."),
    output: Path = typer.Option(..., help="Where to write record_id, side, person_id."),
    map: list[str] | None = typer.Option(None, "--map", help=_file_options_help()["map"]),
    dob_format: str | None = typer.Option(None, help=_file_options_help()["dob_format"]),
    encoding: str | None = typer.Option(None, help=_file_options_help()["encoding"]),
    threshold: float | None = typer.Option(None, help=_file_options_help()["threshold"]),
) -> None:
    """Link the records of two files that belong to the same person."""
    from earlyhelp.linkage.person_file import parse_mapping
    from earlyhelp.linkage.tools import pair_files

    _refuse_overwriting(output, left, right)
    result = pair_files(
        left,
        right,
        output,
        mapping=parse_mapping(map),
        dob_format=dob_format,
        encoding=encoding,
        threshold_match_weight=threshold,
    )
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(f"Links: {result.threshold}")
    console.print(f"Wrote {output}")


@app.command()
def features(
    as_of: list[str] = typer.Option(..., help="As-of date (YYYY-MM-DD); repeat for several."),
    output: Path = typer.Option(..., help="Where to write the feature matrix (Parquet)."),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
) -> None:
    """What the council knew about each resident before each as-of date, as features."""
    import datetime as dt

    from earlyhelp.features.build import build_features
    from earlyhelp.warehouse.schema import connect

    try:
        dates = [dt.date.fromisoformat(d) for d in as_of]
    except ValueError as error:
        raise typer.BadParameter(f"--as-of takes dates as YYYY-MM-DD: {error}") from error
    con = connect(warehouse or get_settings().warehouse_path, create=False)
    frame = build_features(con, dates)
    output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(output, index=False)
    console.print(f"{len(frame):,} rows x {frame.shape[1] - 3} features -> {output}")


def _refuse_overwriting(output: Path, *inputs: Path) -> None:
    """An output written over one of the command's own inputs would destroy it."""
    for given in inputs:
        if output.resolve() == given.resolve():
            raise ConfigurationError(f"--output {output} is an input; choose another file")


def print_summary(manifest: dict[str, Any], target: Path) -> None:
    """The council in a few tables: rates beside targets, the oracle, the files."""
    from earlyhelp.synth.calibration import TARGET_BY_NAME

    rates = Table(title="Rates against England's (targets: see docs/synthetic-council.md)")
    for column in ("measure", "simulated", "target", "unit"):
        rates.add_column(column)
    for name, value in manifest["calibration"].items():
        target_ = TARGET_BY_NAME[name]
        rates.add_row(name, f"{value:.3g}", f"{target_.value:g}", target_.unit)
    console.print(rates)
    oracle = Table(
        title="Oracle: 12-month risk given the full latent state, pooled over as-of dates"
    )
    for column in ("outcome", "rows", "AUC", "mean risk", "realised rate", "mean MC s.e."):
        oracle.add_column(column)
    for name, row in manifest["oracle"].items():
        oracle.add_row(
            name,
            f"{row['rows']:,}",
            f"{row['auc']:.3f}",
            f"{row['mean_risk']:.4f}",
            f"{row['realised_rate']:.4f}",
            f"{row['mean_mc_se']:.5f}",
        )
    console.print(oracle)
    files = manifest["files"]
    extracts = {k: v for k, v in files.items() if k.startswith("extracts/")}
    console.print(
        f"Wrote {len(extracts)} extracts ({sum(v['rows'] for v in extracts.values()):,} rows) "
        f"to {target / 'extracts'}, the truth to {target / 'truth'}, "
        f"and {target / 'manifest.json'}."
    )


# The model commands live in their own module; registered last to list in pipeline order.
app.command()(train)
app.command()(score)
app.add_typer(models_app, name="models")
app.command()(run)
app.command()(backtest)
app.add_typer(alerts_app, name="alerts")
app.add_typer(optout_app, name="optout")
app.add_typer(store_app, name="store")
app.add_typer(fairness_app, name="fairness")
