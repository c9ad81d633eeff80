"""Growable column stores for the simulated world (people, households, logs).

A tiny hand-written store rather than a data-frame library: rows are appended a few hundred at a
time each month and read column-wise by numpy, which growable numpy arrays do without copying
whole tables on every append.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class ColumnStore:
    """Named numpy columns that share a length and grow by doubling."""

    def __init__(self, dtypes: dict[str, Any], capacity: int = 1024) -> None:
        self._dtypes = dtypes
        self._cols: dict[str, npt.NDArray[Any]] = {
            name: np.zeros((capacity, *_shape(dtype)), dtype=_dtype(dtype))
            for name, dtype in dtypes.items()
        }
        self.size = 0

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._cols[name][: self.size]

    def __len__(self) -> int:
        return self.size

    def append(self, **values: Any) -> npt.NDArray[np.int64]:
        """Append rows (scalars or equal-length arrays) and return their row numbers."""
        count = max((np.shape(v)[0] if np.ndim(v) else 1 for v in values.values()), default=0)
        if count == 0:
            return np.empty(0, dtype=np.int64)
        self._reserve(self.size + count)
        rows = np.arange(self.size, self.size + count)
        for name, column in self._cols.items():
            column[rows] = values.get(name, 0 if column.dtype != object else "")
        self.size += count
        return rows

    def set(self, name: str, rows: Any, value: Any) -> None:
        """Assign to existing rows of one column."""
        self._cols[name][rows] = value

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every column trimmed to the filled length."""
        return {name: col[: self.size] for name, col in self._cols.items()}

    def _reserve(self, needed: int) -> None:
        capacity = len(next(iter(self._cols.values())))
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity * 2)
        for name, column in self._cols.items():
            grown = np.zeros((new_capacity, *column.shape[1:]), dtype=column.dtype)
            grown[:capacity] = column
            self._cols[name] = grown


def _dtype(spec: Any) -> Any:
    return spec[0] if isinstance(spec, tuple) else spec


def _shape(spec: Any) -> tuple[int, ...]:
    """A column spec is a dtype, or (dtype, width) for a fixed-width row of values."""
    return (spec[1],) if isinstance(spec, tuple) else ()


class VacancyPool:
    """Vacant properties grouped by (tenure, IMD decile), with O(1) take and give-back."""

    def __init__(self, keys: npt.NDArray[np.int64], vacant: npt.NDArray[np.int64]) -> None:
        self._key_of = keys
        self._lists: dict[int, list[int]] = {}
        self._where: dict[int, int] = {}
        for prop in vacant.tolist():
            self.give_back(prop)

    def give_back(self, prop: int) -> None:
        """Mark a property vacant."""
        bucket = self._lists.setdefault(int(self._key_of[prop]), [])
        self._where[prop] = len(bucket)
        bucket.append(prop)

    def take(self, key: int, rng: np.random.Generator) -> int:
        """Take a random vacant property with this key, or -1 if none is left."""
        bucket = self._lists.get(key)
        if not bucket:
            return -1
        i = int(rng.integers(len(bucket)))
        prop = bucket[i]
        last = bucket.pop()
        if last != prop:
            bucket[i] = last
            self._where[last] = i
        del self._where[prop]
        return prop
