"""How the council's systems write dates and files: ISO, dd/mm/yyyy, 04-Mar-1985, and .xlsx with
fixed timestamps so that the same seed gives the same bytes."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def iso(days: pd.Series | npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Integer days as ISO dates."""
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]")).astype(
        object
    )


def iso_or_blank(days: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
    """Optional dates (NaN for none) as ISO text or blank."""
    values = np.asarray(days, dtype=np.float64)
    out = np.full(len(values), "", dtype=object)
    ok = ~np.isnan(values)
    out[ok] = iso(values[ok].astype(np.int64))
    return out


def _reformat(
    text: npt.NDArray[np.object_] | pd.Series, make: Callable[[str], str]
) -> npt.NDArray[np.object_]:
    return np.array(
        [make(t) if t else "" for t in np.asarray(text, dtype=object).tolist()], dtype=object
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dmy(text: npt.NDArray[np.object_] | pd.Series) -> npt.NDArray[np.object_]:
    """ISO dates as dd/mm/yyyy (blank stays blank)."""
    return _reformat(text, lambda t: f"{t[8:10]}/{t[5:7]}/{t[:4]}")


def dmony(text: npt.NDArray[np.object_] | pd.Series) -> npt.NDArray[np.object_]:
    """ISO dates as 04-Mar-1985 (blank stays blank)."""
    return _reformat(text, lambda t: f"{t[8:10]}-{_MONTHS[int(t[5:7]) - 1]}-{t[:4]}")


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write .xlsx with fixed timestamps inside, so that the same seed gives the same bytes."""
    from openpyxl import Workbook  # only this writer needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Extract")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if isinstance(v, float) and np.isnan(v) else v for v in row])
    book.properties.created = book.properties.modified = pd.Timestamp("2020-01-01").to_pydatetime()
    raw = path.with_suffix(".tmp")
    book.save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            info = zipfile.ZipInfo(item.filename, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", content
                )
            dst.writestr(info, content)
    raw.unlink()
