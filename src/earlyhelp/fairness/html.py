"""An audit report as one self-contained HTML page: the same figures as the JSON, in tables an
auditor can read without tools."""

from __future__ import annotations

from html import escape
from typing import Any

SHOWN = ("pprev", "precision", "fpr", "fnr", "fdr", "for", "base_rate", "mean_score")


def _number(value: Any, ci: Any = None) -> str:
    if value is None:
        return "&ndash;"
    text = f"{value:.3f}"
    if ci and None not in ci:
        text += f" <small>({ci[0]:.3f}&ndash;{ci[1]:.3f})</small>"
    return text


def report_html(report: dict[str, Any], title: str = "Fairness audit") -> str:
    """The page for an audit report from :func:`earlyhelp.fairness.audit.audit`."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:75em;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;"
        "padding:.25em .5em;text-align:right}th:first-child,td:first-child{text-align:left}"
        ".fail{background:#fdd}.small{background:#eee}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(str(report['source']))}: {report['rows']:,} rows; "
        f"{escape(report['flag_rule']['meaning'])} ({report['flag_rule']['flagged']:,} flagged)."
        "</p>",
        f"<p>Band {report['band'][0]} to {report['band'][1]}: {escape(report['band_note'])}. "
        f"Judged: {escape(', '.join(report['judged']))}. Intervals: 95%, "
        f"{report['bootstrap']['resamples']} bootstrap resamples, seed "
        f"{report['bootstrap']['seed']}.</p>",
        f"<p><strong>{'Passed' if report['passed'] else 'Failed'}</strong>: "
        f"{len(report['failures'])} failing disparities, {len(report['too_small'])} "
        "too small to judge.</p>",
    ]
    failing = {(f["group"], f["value"], f["metric"]) for f in report["failures"]}
    small = {(f["group"], f["value"], f["metric"]) for f in report["too_small"]}
    for key, groups in report["metrics"].items():
        reference = report["reference"][key]
        parts.append(
            f"<h2>{escape(key)}</h2><p>Reference group: {escape(reference)} "
            f"({escape(report['reference_chosen'][key])}). Each cell: the rate (95% interval); "
            "below it, the ratio to the reference.</p><table><tr><th>group</th><th>n</th>"
            + "".join(f"<th>{m}</th>" for m in SHOWN)
            + "</tr>"
        )
        for value, measured in groups.items():
            ratios = report["disparities"][key][value]
            cells = []
            for metric in SHOWN:
                mark = (key, value, metric)
                css = " class='fail'" if mark in failing else ""
                css = " class='small'" if mark in small else css
                ratio = ratios.get(metric)
                ci = ratios.get(metric + "_ci")
                below = "" if ratio is None else f"<br>&times;{_number(ratio, ci)}"
                cells.append(
                    f"<td{css}>{_number(measured[metric], measured[metric + '_ci'])}{below}</td>"
                )
            parts.append(
                f"<tr><td>{escape(value)}</td><td>{measured['n']:,}</td>{''.join(cells)}</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
