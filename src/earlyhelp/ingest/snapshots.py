"""Snapshots: which of a source's files is its current full extract, and whether a new one may
replace the current one.

A snapshot replaces everything a source held before, so a bad one (a header-only file, a
supplier's new date format quarantining nearly every row) would silently empty or corrupt the
live data. A new snapshot is therefore checked against the one it replaces and held when it
fails; and when a glob matches several files the newest is chosen by the date in its name, not
by the accident of name order, and the choice is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from earlyhelp.errors import ExtractError
from earlyhelp.ingest.spec import SourceSpec

# 2025-12-31, 2025_12_31, 20251231, 2025-12 or 202512 in a file name, not inside a longer number.
NAME_DATE = re.compile(r"(?<!\d)(\d{4})[-_]?(\d{2})(?:[-_]?(\d{2}))?(?!\d)")


@dataclass
class Choice:
    """The files to load for a source, the ones passed over, and why."""

    files: list[str]
    skipped: list[str] = field(default_factory=list)
    reason: str = ""


def date_in_name(path: Path) -> dt.date | None:
    """The last date a file's name carries (a month stands for its first day), if any."""
    for match in reversed(list(NAME_DATE.finditer(path.name))):
        year, month, day = match.group(1), match.group(2), match.group(3) or "01"
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def choose_files(name: str, spec: SourceSpec, files: list[Path]) -> Choice:
    """Every file of an increment; one file of a snapshot, chosen explicitly."""
    texts = [str(p) for p in files]
    if spec.mode == "increment" or len(files) == 1:
        return Choice(texts)
    if spec.snapshot_pick == "name":
        return Choice(
            [texts[-1]], texts[:-1], f"the last of {len(files)} matching files in name order"
        )
    dates = {p: date_in_name(p) for p in files}
    undated = [p.name for p, d in dates.items() if d is None]
    newest = max(dates.values(), key=lambda d: d or dt.date.min)
    tied = [p for p, d in dates.items() if d == newest]
    if undated or len(tied) > 1:
        if undated:
            problem = f"{', '.join(undated)} name no date"
        else:
            problem = f"{', '.join(p.name for p in tied)} name the same date"
        raise ExtractError(
            f"source '{name}': {len(files)} files match {spec.file} and {problem}; keep one, "
            "name each with its date (e.g. csc_persons_2025-12-31.csv), or set "
            "`snapshot_pick: name` to take the last in name order"
        )
    chosen = tied[0]
    return Choice(
        [str(chosen)],
        [str(p) for p in files if p != chosen],
        f"{chosen.name} is the newest of {len(files)} matching files by the date in its name",
    )


def check_snapshot(
    spec: SourceSpec,
    rows_read: int,
    rows_quarantined: int,
    current: tuple[str, int] | None,
) -> str | None:
    """Why a new snapshot may not replace the current one (``current``: its file and rows
    read), or None when it may."""
    checks = spec.checks
    problems = []
    if current is not None:
        file, current_rows = current
        if rows_read < checks.min_rows_share * current_rows:
            problems.append(
                f"{rows_read:,} rows where the current snapshot ({Path(file).name}) has "
                f"{current_rows:,} (fewer than {checks.min_rows_share:.0%} of them)"
            )
    if rows_read and rows_quarantined > checks.max_quarantine_share * rows_read:
        problems.append(
            f"{rows_quarantined:,} of {rows_read:,} rows quarantined (more than "
            f"{checks.max_quarantine_share:.0%})"
        )
    return "; ".join(problems) or None
