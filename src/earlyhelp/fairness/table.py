"""Reading and checking a scored table for an audit: any CSV or Parquet file, from earlyhelp or
elsewhere. Every refusal names the file and the column, so an analyst can fix the extract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow.parquet as pq

from earlyhelp.errors import FairnessInputError

if TYPE_CHECKING:
    from earlyhelp.fairness.audit import AuditSpec

MISSING = "(missing)"  # rows without a group value form this group: reported, not dropped
_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n"}


@dataclass(frozen=True)
class Prepared:
    """A checked table: scores as floats, labels as booleans, group columns untouched."""

    frame: pd.DataFrame
    score: npt.NDArray[np.float64]
    label: npt.NDArray[np.bool_]
    lists: pd.Series | None
    rank: npt.NDArray[np.float64]  # what the flag rule ranks or thresholds


def read_scored(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """The named columns of a CSV or Parquet file (CSV columns as text, to be checked here)."""
    if not path.is_file():
        raise FairnessInputError(f"{path}: no such file")
    wanted = list(dict.fromkeys(columns))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            present = pq.read_schema(path).names
            _require(path, present, wanted)
            return pd.read_parquet(path, columns=wanted)
        if suffix == ".csv":
            try:
                present = list(pd.read_csv(path, nrows=0).columns)
            except pd.errors.EmptyDataError as error:
                raise FairnessInputError(f"{path}: the file is empty (no header)") from error
            _require(path, present, wanted)
            return pd.read_csv(path, usecols=wanted, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as error:
        if isinstance(error, FairnessInputError):
            raise
        raise FairnessInputError(f"{path}: cannot be read ({error})") from error
    raise FairnessInputError(f"{path}: a scored file must be .csv or .parquet, not {suffix!r}")


def _require(source: object, present: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [name for name in wanted if name not in present]
    if missing:
        raise FairnessInputError(
            f"{source}: no column {', '.join(repr(m) for m in missing)} "
            f"(its columns: {', '.join(present)})"
        )


def prepare(frame: pd.DataFrame, spec: AuditSpec, source: str) -> Prepared:
    """Check the table against the audit asked of it, and read its scores and labels."""
    wanted = [spec.score, spec.label, *spec.groups]
    wanted += [c for parts in spec.intersections for c in parts]
    if spec.flag.per is not None:
        wanted.append(spec.flag.per)
    if spec.rank_by is not None:
        wanted.append(spec.rank_by)
    _require(source, list(frame.columns), list(dict.fromkeys(wanted)))
    if frame.empty:
        raise FairnessInputError(f"{source}: the file has no rows to audit")
    for parts in spec.intersections:
        if len(parts) < 2:
            raise FairnessInputError(f"--intersect needs two or more columns, not {list(parts)}")
    score = _scores(frame[spec.score], source)
    return Prepared(
        frame,
        score,
        _labels(frame[spec.label], source),
        None if spec.flag.per is None else frame[spec.flag.per],
        score if spec.rank_by is None else _scores(frame[spec.rank_by], source),
    )


def _scores(column: pd.Series, source: str) -> npt.NDArray[np.float64]:
    blank = column.isna() | (column.astype(str).str.strip() == "")
    numbers = pd.to_numeric(column.where(~blank), errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.fillna(0))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise FairnessInputError(
            f"{source}: score column {column.name!r} must hold a number in every row; "
            f"{int(bad.sum()):,} do not, the first at row {first + 1} "
            f"({column.iloc[first]!r})"
        )
    return numbers.to_numpy(dtype=np.float64)


def _labels(column: pd.Series, source: str) -> npt.NDArray[np.bool_]:
    if pd.api.types.is_bool_dtype(column) and not column.isna().any():
        return column.to_numpy(dtype=bool)
    text = column.astype(str).str.strip().str.lower()
    true, false = text.isin(_TRUE), text.isin(_FALSE)
    bad = ~(true | false) | column.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise FairnessInputError(
            f"{source}: label column {column.name!r} must be 0 or 1 in every row; "
            f"{int(bad.sum()):,} are not, the first at row {first + 1} ({column.iloc[first]!r})"
        )
    return true.to_numpy(dtype=bool)


def group_values(frame: pd.DataFrame, columns: Sequence[str], join: str) -> pd.Series:
    """Each row's group as text (a missing value is its own group); several columns are an
    intersection, their values joined."""
    parts = [_as_text(frame[c]) for c in columns]
    values = parts[0]
    for part in parts[1:]:
        values = values + join + part
    return values.rename(join.join(columns))


def _as_text(column: pd.Series) -> pd.Series:
    """Group values as text: whole numbers without a decimal point (a decile read as float
    because one row was missing is still "3"), missing as :data:`MISSING`."""
    missing = column.isna() | (column.astype(str).str.strip() == "")
    if pd.api.types.is_float_dtype(column):
        whole = column.dropna()
        if (whole == np.round(whole)).all():
            column = column.astype("Int64")
    text = column.astype(str)
    return text.where(~missing, MISSING)
