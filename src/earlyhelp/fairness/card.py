"""Model cards: one page per model version, in Markdown and HTML, with PNG plots, read from the
registry alone (metrics.json and the reports training kept beside it, and the promotions).

What a card says a model is for, and is not for, is fixed here rather than left to each
writer: the platform assesses; a practitioner decides.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from earlyhelp.fairness import plots
from earlyhelp.fairness.label_bias_table import COLUMNS as BIAS_COLUMNS
from earlyhelp.fairness.label_bias_table import cell
from earlyhelp.modelling.registry import ModelRegistry
from earlyhelp.outcomes.registry import OUTCOMES

INTENDED_USE = (
    "Ranks each {unit} of the cohort by the chance of {description}, so that the team can look "
    "first at the {capacity} highest each month. It is an assessment for a practitioner, who "
    "reads the factors and the chronology and decides what, if anything, to do."
)
NOT_FOR = [
    "automated decisions of any kind: no service, sanction, referral or benefit may follow "
    "from a score without a practitioner's decision",
    "judging an individual's character or likelihood of wrongdoing",
    "eligibility for services, or ranking families against each other for resources",
    "people outside the cohort and period it was trained on, or other councils' data "
    "without validating it there",
]
LIMITATIONS = [
    "It learns the recorded outcome, not harm itself: groups whose needs are recorded more "
    "often look riskier than their needs warrant (see label bias).",
    "Ethnicity is recorded by some sources only; people with no recorded ethnicity are a "
    "group of their own in the audit.",
    "Small groups are reported as too small to judge rather than as passing.",
    "Figures are out of time on this council's history; a change in practice or recording "
    "changes what the model sees.",
]
Section = tuple[str, list[str]]  # title, blocks of Markdown-ish content (paragraphs, tables)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def _ci(value: Any, ci: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if not ci or None in ci:
        return _fmt(value, digits)
    return f"{value:.{digits}f} ({ci[0]:.{digits}f}-{ci[1]:.{digits}f})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _performance(metrics: dict[str, Any]) -> list[list[str]]:
    rows = [
        ["AUC (95% CI)", _ci(metrics["auc"], metrics.get("auc_ci"))],
        ["average precision", _fmt(metrics["average_precision"])],
        [
            f"precision at the team's list ({metrics['capacity']})",
            _fmt(metrics["precision_at_capacity"]),
        ],
        ["recall at the team's list", _fmt(metrics["recall_at_capacity"])],
        ["base rate", _fmt(metrics["base_rate"], 4)],
        ["expected calibration error", _fmt(metrics["ece"], 4)],
        ["Brier score", _fmt(metrics["brier"], 4)],
    ]
    if metrics.get("logistic"):
        rows.append(["logistic baseline AUC", _fmt(metrics["logistic"]["auc"])])
    if metrics.get("oracle_auc") is not None:
        rows.append(["oracle AUC (synthetic truth, same rows)", _fmt(metrics["oracle_auc"])])
        rows.append(
            ["oracle precision at the list", _fmt(metrics.get("oracle_precision_at_capacity"))]
        )
    return rows


def _fairness_blocks(audit: dict[str, Any], images: dict[str, str]) -> list[str]:
    verdict = "passed" if audit["passed"] else "FAILED"
    blocks = [
        f"Audit at the team's capacity ({audit['flag_rule']['meaning']}), {audit['rows']:,} "
        f"out-of-time rows: **{verdict}**. Band {audit['band'][0]} to {audit['band'][1]} "
        f"({audit['band_note']}); judged: {', '.join(audit['judged'])}; 95% intervals from "
        f"{audit['bootstrap']['resamples']} bootstrap resamples. {len(audit['failures'])} "
        f"disparities fail, {len(audit['too_small'])} are too small to judge."
    ]
    if audit["failures"]:
        blocks.append(
            _table(
                ["group", "measure", "disparity (95% CI)", "n"],
                [
                    [
                        f"{f['group']}={f['value']}",
                        f["metric"],
                        _ci(f["disparity"], f["ci"], 2),
                        _fmt(f["n"]),
                    ]
                    for f in audit["failures"]
                ],
            )
        )
    for key, groups in audit["metrics"].items():
        reference = audit["reference"][key]
        rows = []
        for value, m in groups.items():
            d = audit["disparities"][key][value]
            rows.append(
                [
                    value + (" (reference)" if value == reference else ""),
                    _fmt(m["n"]),
                    _ci(m["pprev"], m["pprev_ci"]),
                    _ci(d["pprev"], d["pprev_ci"], 2),
                    _ci(m["fnr"], m["fnr_ci"]),
                    _ci(m["precision"], m["precision_ci"]),
                    f"{_fmt(m['mean_score'], 4)} / {_fmt(m['base_rate'], 4)}",
                ]
            )
        blocks.append(f"**{key}** (reference: {reference}, {audit['reference_chosen'][key]})")
        blocks.append(
            _table(
                [
                    "group",
                    "n",
                    "flag rate",
                    "flag-rate disparity",
                    "fnr",
                    "precision",
                    "mean risk / observed",
                ],
                rows,
            )
        )
        if key in images:
            blocks.append(f"![{key}]({images[key]})")
    for name, why in audit.get("not_audited", {}).items():
        blocks.append(f"Not audited by {name}: {why}.")
    return blocks


def _label_bias_blocks(bias: dict[str, Any] | None) -> list[str]:
    if bias is None:
        return [
            "Not measured: only the synthetic council's truth records harm that was not recorded."
        ]
    blocks = [
        f"The same flags audited against the recorded label ({bias['recorded_label']}) and "
        f"against true harm ({bias['true_harm']}), {bias['rows']:,} rows. Amplification above "
        "1: the model flags a group more, relative to the reference, than its true harm does."
    ]
    for key, entries in bias["table"].items():
        blocks.append(f"**{key}**")
        blocks.append(
            _table(
                ["group", *(h for h, _, _ in BIAS_COLUMNS)],
                [[e["group"], *(cell(e[f], form) for _, f, form in BIAS_COLUMNS)] for e in entries],
            )
        )
    return blocks


def _comparison_blocks(
    metrics: dict[str, Any], audit: dict[str, Any] | None, comparison: dict[str, Any] | None
) -> list[str]:
    if comparison is None:
        return ["Every feature was used (train with --exclude-feature to measure without some)."]
    other = comparison["with_all_features"]
    fair = other["fairness"]
    rows = [
        [
            "AUC",
            _ci(metrics["auc"], metrics.get("auc_ci")),
            _ci(other["metrics"]["auc"], other["metrics"].get("auc_ci")),
        ],
        [
            "precision at the list",
            _fmt(metrics["precision_at_capacity"]),
            _fmt(other["metrics"]["precision_at_capacity"]),
        ],
        [
            "recall at the list",
            _fmt(metrics["recall_at_capacity"]),
            _fmt(other["metrics"]["recall_at_capacity"]),
        ],
        ["ECE", _fmt(metrics["ece"], 4), _fmt(other["metrics"]["ece"], 4)],
        [
            "fairness failures",
            str(len(audit["failures"])) if audit else "-",
            str(len(fair["failures"])),
        ],
        [
            "too small to judge",
            str(len(audit["too_small"])) if audit else "-",
            str(len(fair["too_small"])),
        ],
    ]
    for key in fair["disparities"]:
        for value, d in fair["disparities"][key].items():
            if value == fair["reference"][key] or audit is None:
                continue
            mine = audit["disparities"].get(key, {}).get(value)
            if mine is None:
                continue
            rows.append(
                [
                    f"flag-rate disparity {key}={value}",
                    _ci(mine["pprev"], mine["pprev_ci"], 2),
                    _ci(d["pprev"], d["pprev_ci"], 2),
                ]
            )
    return [
        f"This version was trained without: {', '.join(comparison['excluded'])}. Beside it, the "
        "same validation with every feature.",
        _table(["measure", "this model (without)", "with every feature"], rows),
    ]


def _approvals(registry: ModelRegistry, outcome: str, version: str) -> list[str]:
    rows = []
    for p in registry.promotions(outcome):
        if p.version != version:
            continue
        override = (
            "-"
            if p.override is None
            else f"override by {p.override.approver} ({p.override.role}): {p.override.reason}; "
            f"{len(p.override.failures)} failing disparities accepted"
        )
        rows.append([p.at, p.by, p.reason, p.fairness, override])
    if not rows:
        return ["Not promoted."]
    return [_table(["when (UTC)", "by", "reason", "fairness", "override"], rows)]


def card_sections(
    registry: ModelRegistry, outcome: str, version: str, images: dict[str, str]
) -> tuple[str, list[Section]]:
    """The card's title and sections."""
    model = registry.get(outcome, version)
    metrics = model.metrics
    audit = registry.report(outcome, version, "fairness.json")
    bias = registry.report(outcome, version, "label_bias.json")
    comparison = registry.report(outcome, version, "comparison.json")
    training = model.training.model_dump(mode="json")
    sources = sorted({Path(f).name for f in model.data_hashes.get("loads", {})})
    known = OUTCOMES.get(outcome)
    intended = INTENDED_USE.format(
        unit=known.unit if known else "unit",
        description=model.settings.get("outcome", outcome),
        capacity=metrics["capacity"],
    )
    plots_block = " ".join(
        f"![{name}]({images[name]})" for name in ("roc", "pr", "precision_at_k") if name in images
    )
    sections: list[Section] = [
        ("Intended use", [intended]),
        ("Not to be used for", ["\n".join(f"- {item}" for item in NOT_FOR)]),
        (
            "Data and training window",
            [
                f"Sources loaded: {', '.join(sources) or 'not recorded'}. As-of dates "
                f"{training['first_as_of']} to {training['last_as_of']} "
                f"({training.get('as_of_dates', '?')} quarterly), label window "
                f"{training['label_window_months']} months, {training['rows']:,} rows, "
                f"{training['positives']:,} outcomes. Features: {len(model.features)}"
                + (
                    f" (excluded: {', '.join(model.settings['excluded_features'])})"
                    if model.settings.get("excluded_features")
                    else ""
                )
                + "."
            ],
        ),
        (
            "Performance (out of time, beside the base rate)",
            [_table(["measure", "value"], _performance(metrics)), plots_block],
        ),
        (
            "Calibration",
            [
                f"![calibration]({images['calibration']})"
                if "calibration" in images
                else "No curve kept."
            ],
        ),
        (
            "Fairness",
            _fairness_blocks(audit, images)
            if audit
            else ["No fairness audit was kept with this version."],
        ),
        ("Label bias", _label_bias_blocks(bias)),
        ("With and without excluded features", _comparison_blocks(metrics, audit, comparison)),
        ("Limitations", ["\n".join(f"- {item}" for item in LIMITATIONS)]),
        (
            "Version, approvals and overrides",
            [
                f"{outcome} {version}, created {model.entry.created} (UTC); in use: "
                f"{'yes' if registry.promoted(outcome) == version else 'no'}.",
                *_approvals(registry, outcome, version),
            ],
        ),
    ]
    return f"Model card: {outcome} {version}", sections


def write_card(registry: ModelRegistry, outcome: str, version: str, folder: Path) -> Path:
    """Write ``model_card.md``, ``model_card.html`` and the plots into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    images: dict[str, str] = {}
    curves = registry.report(outcome, version, "curves.json")
    if curves is not None:
        for name, draw in (
            ("roc", plots.roc_plot),
            ("pr", plots.pr_plot),
            ("calibration", plots.calibration_plot),
            ("precision_at_k", plots.precision_at_k_plot),
        ):
            images[name] = draw(curves, folder / f"{name}.png").name
    audit = registry.report(outcome, version, "fairness.json")
    for key in (audit or {}).get("metrics", {}):
        file = "fairness_" + "".join(c if c.isalnum() else "_" for c in key) + ".png"
        images[key] = plots.fairness_plot(audit or {}, key, folder / file).name
    title, sections = card_sections(registry, outcome, version, images)
    markdown = [f"# {title}", ""]
    for heading, blocks in sections:
        markdown += [f"## {heading}", "", *(b for block in blocks for b in (block, ""))]
    (folder / "model_card.md").write_text("\n".join(markdown))
    (folder / "model_card.html").write_text(_html(title, sections))
    return folder


def _html(title: str, sections: list[Section]) -> str:
    """The same sections as HTML: tables, lists, images and paragraphs."""
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:70em;"
        "margin:2em auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid "
        "#bbb;padding:.2em .5em}img{max-width:48%;margin:.2em}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for heading, blocks in sections:
        out.append(f"<h2>{escape(heading)}</h2>")
        for block in blocks:
            out.append(_block_html(block))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _block_html(block: str) -> str:
    lines = block.splitlines()
    if not lines:
        return ""
    if lines[0].startswith("| "):
        cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
        head = "".join(f"<th>{escape(c)}</th>" for c in cells[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in cells[2:]
        )
        return f"<table><tr>{head}</tr>{body}</table>"
    if lines[0].startswith("- "):
        return "<ul>" + "".join(f"<li>{escape(line[2:])}</li>" for line in lines) + "</ul>"
    if block.startswith("!["):
        images = [part.split("](")[1].rstrip(")") for part in block.split(" ") if "](" in part]
        return "".join(f"<img src='{escape(src)}' alt=''>" for src in images)
    text = escape(block)
    while "**" in text:
        text = text.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    return f"<p>{text}</p>"
