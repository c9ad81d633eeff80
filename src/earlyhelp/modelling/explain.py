"""Why a score is high: the factors present for a person that raised their risk.

Each score is explained by its own TreeSHAP contributions (LightGBM ``pred_contrib``: log-odds
that add up, with the bias, to the raw score), never by global importances. Only factors that
are present for the person and push the risk up are named, strongest first, in words a
practitioner can check against the record.

TreeSHAP costs about a millisecond a row for 300 trees of 15 leaves: too slow for a council.
A tree's contributions for a row depend only on which branch the row takes at each of the
tree's nodes, and most people share those branches, so LightGBM is asked for one row of each
group of identical branches, tree by tree, and the answer is copied to the rest of the group:
the same figures at a small fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.features.describe import describe_feature, present_mask

Model: TypeAlias = lgb.LGBMClassifier | lgb.Booster
"""A fitted LightGBM binary classifier, as the scikit-learn wrapper or the bare booster."""

CHUNK_ROWS = 100_000  # rows explained at once: 160 MB of contributions at 200 features
_ZERO = float(np.float32(1e-35))  # LightGBM's zero: values this close to 0 may count as missing
_MOST_CODES = 2**62  # group codes stay below this, so int64 arithmetic cannot overflow

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
T = TypeVar("T")


@dataclass(frozen=True)
class Factor:
    """One reason for one score: a present feature, its value and how far it raised the risk."""

    feature: str
    value: float
    contribution: float  # log-odds this feature added to this person's score
    text: str

    def as_json(self) -> dict[str, str | float]:
        """The factor as a JSON-ready mapping."""
        return {
            "feature": self.feature,
            "value": self.value,
            "contribution": self.contribution,
            "text": self.text,
        }


def booster_of(model: Model) -> Any:
    """The fitted ``lightgbm.Booster`` of a booster or of a fitted LightGBM scikit-learn model."""
    if isinstance(model, lgb.Booster):
        return model
    if isinstance(model, lgb.LGBMModel):
        return model.booster_  # raises if the model has not been fitted
    raise TypeError(f"expected a lightgbm Booster or LGBMClassifier, got {type(model).__name__}")


def _binary_booster(model: Model) -> Any:
    booster = booster_of(model)
    if booster.num_model_per_iteration() != 1:
        raise ValueError("explanations need a binary (single-output) model")
    if booster.pandas_categorical:
        raise ValueError("explanations need numeric features; this model has categorical ones")
    return booster


def model_rows(booster: Any, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows' features in the model's order; any missing or extra column is an error."""
    names: list[str] = list(booster.feature_name())
    missing = [name for name in names if name not in rows.columns]
    if missing:
        raise ValueError(f"rows lack the model's feature columns: {', '.join(missing)}")
    wanted = set(names)
    extra = [str(column) for column in rows.columns if column not in wanted]
    if extra:
        raise ValueError(f"rows have columns the model does not use: {', '.join(extra)}")
    return rows[names]


# --- Groups of rows that take the same branches in a tree -----------------------------------


@dataclass(frozen=True)
class _Digit:
    """One numerical feature's part in a tree's group code."""

    feature: int
    place: IntArray  # a row's model-wide bin code -> this tree's digit times its place value


@dataclass(frozen=True)
class _Tree:
    """What one tree's branches depend on, as digits of a group code per row."""

    iteration: int
    features: tuple[int, ...]  # every feature it splits on
    blocks: tuple[tuple[tuple[_Digit, ...], int], ...]  # digits, and the codes they span
    categorical: tuple[int, ...]


@dataclass(frozen=True)
class _Splits:
    """Every tree that prediction uses, and every threshold of every numerical feature."""

    thresholds: dict[int, FloatArray]  # ascending, over all trees
    trees: tuple[_Tree, ...]

    def bin_codes(self, values: FloatArray) -> dict[int, npt.NDArray[np.intp]]:
        """Per numerical feature, a row's place among all its thresholds: twice the number of
        thresholds below the value, plus 1 when it is LightGBM's zero; missing values last."""
        codes = {}
        for feature, thresholds in self.thresholds.items():
            column = values[:, feature]
            code = 2 * np.searchsorted(thresholds, column, side="left") + (np.abs(column) <= _ZERO)
            code[np.isnan(column)] = 2 * len(thresholds) + 2
            codes[feature] = code
        return codes


@dataclass
class _RawTree:
    iteration: int
    thresholds: dict[int, set[float]]
    zero_is_missing: set[int]
    categorical: set[int]


def _raw_tree(info: dict[str, Any]) -> _RawTree:
    tree = _RawTree(int(info["tree_index"]), {}, set(), set())
    nodes = [info["tree_structure"]]
    while nodes:
        node = nodes.pop()
        if "split_feature" not in node:
            continue  # a leaf
        feature = int(node["split_feature"])
        if node["decision_type"] == "==":
            tree.categorical.add(feature)
        else:
            tree.thresholds.setdefault(feature, set()).add(float(node["threshold"]))
            if node["missing_type"] == "Zero":
                tree.zero_is_missing.add(feature)
        nodes += [node["left_child"], node["right_child"]]
    return tree


def _digit_values(everywhere: FloatArray, own: FloatArray, zero_matters: bool) -> IntArray:
    """For each model-wide bin code, this tree's digit (which of its own bins the value is in,
    whether it is zero where that can count as missing, or missing)."""
    own_bin = np.concatenate([[0], np.searchsorted(own, everywhere, side="right")])
    per_bin = np.repeat(2 * own_bin if zero_matters else own_bin, 2)
    if zero_matters:
        per_bin[1::2] += 1
    missing = (2 * len(own) + 2) if zero_matters else len(own) + 1
    return np.append(per_bin, missing).astype(np.int64)


def _splits(booster: Any) -> _Splits:
    """Read the trees prediction uses (up to the best iteration, if there is one)."""
    dump = booster.dump_model()
    if dump.get("average_output"):
        raise ValueError("explanations need a boosted model; this one averages its trees")
    raws = [_raw_tree(info) for info in dump["tree_info"]]
    features = {f for raw in raws for f in raw.thresholds}
    everywhere = {
        f: np.array(sorted(set().union(*(raw.thresholds.get(f, set()) for raw in raws))))
        for f in features
    }
    trees = []
    for raw in raws:
        blocks: list[tuple[tuple[_Digit, ...], int]] = []
        digits: list[_Digit] = []
        radix = 1
        for feature, own in sorted(raw.thresholds.items()):
            value = _digit_values(
                everywhere[feature], np.array(sorted(own)), feature in raw.zero_is_missing
            )
            size = int(value.max()) + 1
            if radix * size >= _MOST_CODES:
                blocks.append((tuple(digits), radix))
                digits, radix = [], 1
            digits.append(_Digit(feature, value * radix))
            radix *= size
        blocks.append((tuple(digits), radix))
        used = sorted({*raw.thresholds, *raw.categorical})
        trees.append(_Tree(raw.iteration, tuple(used), tuple(blocks), tuple(raw.categorical)))
    return _Splits(everywhere, tuple(trees))


def _combine(code: IntArray, radix: int, part: IntArray, size: int) -> tuple[IntArray, int]:
    """Append a digit to each row's code, renumbering the codes first if they would overflow."""
    if radix * size >= _MOST_CODES:
        renumbered, distinct = pd.factorize(code)
        code, radix = renumbered.astype(np.int64), len(distinct)
    return code * size + part, radix * size


def _row_groups(
    tree: _Tree, bin_codes: dict[int, npt.NDArray[np.intp]], values: FloatArray
) -> npt.NDArray[np.intp]:
    """A group number per row (0, 1, ...) such that the rows of a group take the same branch at
    every node of the tree, and so have the same TreeSHAP values in it."""
    code = np.zeros(len(values), dtype=np.int64)
    radix = 1
    for digits, size in tree.blocks:
        part = np.zeros(len(values), dtype=np.int64)
        for digit in digits:
            part += digit.place[bin_codes[digit.feature]]
        code, radix = _combine(code, radix, part, size)
    for feature in tree.categorical:
        part, distinct = pd.factorize(values[:, feature], use_na_sentinel=False)
        code, radix = _combine(code, radix, part.astype(np.int64), len(distinct))
    groups, _ = pd.factorize(code)
    return np.asarray(groups, dtype=np.intp)


def _contributions(booster: Any, splits: _Splits, values: FloatArray) -> FloatArray:
    """LightGBM's TreeSHAP, tree by tree, for one row of each group, copied to its group."""
    contrib = np.zeros((len(values), values.shape[1] + 1), order="F")
    if len(values) == 0:
        return contrib
    bin_codes = splits.bin_codes(values)
    every_row = np.arange(len(values))
    for tree in splits.trees:
        groups = _row_groups(tree, bin_codes, values)
        example = np.empty(int(groups.max()) + 1, dtype=np.intp)
        example[groups] = every_row  # any one row of each group stands for it
        per_group = booster.predict(  # one thread: too few rows to be worth sharing out
            values[example],
            pred_contrib=True,
            start_iteration=tree.iteration,
            num_iteration=1,
            num_threads=1,
        )
        for feature in tree.features:
            contrib[:, feature] += np.ascontiguousarray(per_group[:, feature])[groups]
        contrib[:, -1] += per_group[0, -1]  # the tree's expected value, the same for every row
    return np.ascontiguousarray(contrib)


def contributions(model: Model, rows: pd.DataFrame) -> FloatArray:
    """TreeSHAP contributions in log-odds, the same as LightGBM's ``pred_contrib``: one column
    per feature in the model's order and the bias last; a row sums to its raw score."""
    booster = _binary_booster(model)
    values = model_rows(booster, rows).to_numpy(dtype=np.float64, na_value=np.nan)
    return _contributions(booster, _splits(booster), values)


# --- The factors present that raised each score ---------------------------------------------


@dataclass(frozen=True)
class _Chosen:
    """The factors chosen for some rows, flattened in row order, and how many each row has."""

    counts: list[int]
    features: list[str]
    values: list[float]
    contributions: list[float]
    texts: list[str]

    def items(self) -> Iterator[tuple[str, float, float, str]]:
        return zip(self.features, self.values, self.contributions, self.texts, strict=True)

    def per_row(self, flat: list[T]) -> list[list[T]]:
        """Split a list made from :meth:`items` into one list per row."""
        ends = np.cumsum(self.counts, dtype=np.int64).tolist()
        return [flat[end - count : end] for count, end in zip(self.counts, ends, strict=True)]


def _strongest_present(
    names: list[str], values: FloatArray, contrib: FloatArray, top: int
) -> npt.NDArray[np.intp]:
    """Per row, the positions of its strongest present risk-raising features (-1 past the end
    when it has fewer than ``top``)."""
    present = np.column_stack([present_mask(name, values[:, j]) for j, name in enumerate(names)])
    strength = np.where(present & (contrib > 0), contrib, -np.inf)
    keep = min(top, len(names))
    if keep == 0:
        return np.empty((len(values), 0), dtype=np.intp)
    best = np.argpartition(-strength, keep - 1, axis=1)[:, :keep]
    order = np.argsort(-np.take_along_axis(strength, best, axis=1), axis=1, kind="stable")
    best = np.take_along_axis(best, order, axis=1)
    best[np.isneginf(np.take_along_axis(strength, best, axis=1))] = -1
    return best


def _chosen(names: list[str], values: FloatArray, contrib: FloatArray, top: int) -> _Chosen:
    best = _strongest_present(names, values, contrib, top)
    row, slot = np.nonzero(best >= 0)  # row by row, strongest first within a row
    column = best[row, slot]
    value = values[row, column]
    # Each distinct feature and value is put into words once, however many people share it; a
    # pair is one complex number (column + i value) so that pandas can factorize it in one pass.
    codes, distinct = pd.factorize(column.astype(np.float64) + 1j * value)
    words = np.array(
        [describe_feature(names[int(pair.real)], pair.imag) for pair in distinct], dtype=object
    )
    return _Chosen(
        counts=np.bincount(row, minlength=len(values)).tolist(),
        features=[names[c] for c in column.tolist()],
        values=value.tolist(),
        contributions=contrib[row, column].tolist(),
        texts=words[codes].tolist(),
    )


def _chosen_chunks(model: Model, rows: pd.DataFrame, top: int) -> Iterator[_Chosen]:
    """Rows a chunk at a time, so memory stays bounded whatever the number of rows."""
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    booster = _binary_booster(model)
    names: list[str] = list(booster.feature_name())
    features = model_rows(booster, rows)
    splits = _splits(booster)
    for start in range(0, len(features), CHUNK_ROWS):
        values = features.iloc[start : start + CHUNK_ROWS].to_numpy(np.float64, na_value=np.nan)
        contrib = _contributions(booster, splits, values)[:, :-1]
        yield _chosen(names, values, contrib, top)


def explain(model: Model, rows: pd.DataFrame, top: int = 5) -> list[list[Factor]]:
    """For each row, up to ``top`` factors present for that person that raised the risk,
    strongest first. ``model`` is a fitted ``lightgbm.LGBMClassifier`` or ``lightgbm.Booster``;
    ``rows`` hold exactly the model's feature columns."""
    explained: list[list[Factor]] = []
    for chosen in _chosen_chunks(model, rows, top):
        explained += chosen.per_row([Factor(*item) for item in chosen.items()])
    return explained


def top_factors_frame(model: Model, rows: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """One row per input row (same index) with ``top_factors``: a JSON-ready list of
    ``{feature, value, contribution, text}`` (as :meth:`Factor.as_json`), strongest first."""
    lists: list[list[dict[str, str | float]]] = []
    for chosen in _chosen_chunks(model, rows, top):
        lists += chosen.per_row(
            [
                {"feature": feature, "value": value, "contribution": contribution, "text": text}
                for feature, value, contribution, text in chosen.items()
            ]
        )
    return pd.DataFrame({"top_factors": lists}, index=rows.index)
