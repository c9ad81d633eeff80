"""The model registry: every trained model kept as files that can be read and audited, numbered
per outcome, beside the data, settings and measures it came from; one version per outcome is
promoted for scoring, by a named person, for a stated reason.

Nothing is pickled. The LightGBM model is its own text format, the calibration is two arrays and
everything else is JSON, so a version can be reviewed without the code that wrote it and loading
one cannot run code. A version is written into a hidden folder and renamed into place, so a
crash never leaves a half-written version that lists as valid.

Layout under ``<data_dir>/models`` (``linkage/`` there holds the record-linkage settings and is
not an outcome)::

    <outcome>/
        v1/                 model.txt, calibration.json, features.json, training.json,
                            settings.json, data.json, metrics.json, version.json
        v2/
                            and, where training made them, fairness.json (the audit at the
                            team's capacity), label_bias.json, curves.json, comparison.json
        promoted.json       the version that scores now: who promoted it, when, why
        promotions.jsonl    every promotion, oldest first
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from earlyhelp.config import Settings, get_settings
from earlyhelp.errors import PromotionRefusedError
from earlyhelp.errors import RegistryError as RegistryError  # still importable from here

Floats = npt.NDArray[np.float64]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]

RESERVED_FOLDERS = frozenset({"linkage"})  # under models/, but not outcome models
MODEL_FILE = "model.txt"
MANIFEST_FILE = "version.json"
PROMOTED_FILE = "promoted.json"
HISTORY_FILE = "promotions.jsonl"
VERSION_FILES = (
    MODEL_FILE,
    "calibration.json",
    "features.json",
    "training.json",
    "settings.json",
    "data.json",
)  # and metrics.json, written once the version number is known
_VERSION_NAME = re.compile(r"v([1-9][0-9]*)")
_OUTCOME_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PARTIAL_PREFIX = ".partial-"
REPORT_FILES = ("fairness.json", "label_bias.json", "curves.json", "comparison.json")


class ModelMetrics(BaseModel):
    """The measures every version must carry, so that no model is kept without its evidence.

    Further measures (precision at the top 1/5/10%, per-fold figures, the logistic baseline, ...)
    are kept as given.
    """

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    outcome: str
    version: str
    auc: Probability
    auc_ci: tuple[Probability, Probability]
    average_precision: Probability
    capacity: int = Field(ge=0)
    precision_at_capacity: Probability
    recall_at_capacity: Probability
    ece: Probability
    brier: Probability
    base_rate: Probability
    oracle_auc: Probability | None = None
    oracle_precision_at_capacity: Probability | None = None


class TrainingWindow(BaseModel):
    """The rows a model learned from: as-of dates, label window and counts (further keys kept)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    first_as_of: dt.date
    last_as_of: dt.date
    label_window_months: int = Field(gt=0)
    rows: int = Field(ge=0)
    positives: int = Field(ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> TrainingWindow:
        if self.last_as_of < self.first_as_of:
            raise ValueError("last_as_of is before first_as_of")
        if self.positives > self.rows:
            raise ValueError("more positives than rows")
        return self


class Override(BaseModel):
    """A named decision to promote a model whose fairness audit failed: who approved it, in
    what role, and why. Kept with the promotion, so it shows in the history and the card."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    approver: str = Field(min_length=1)
    role: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    failures: list[dict[str, Any]] = Field(default_factory=list)  # what was overridden


class Promotion(BaseModel):
    """One decision to score with a version: who made it, when (UTC) and why."""

    model_config = ConfigDict(frozen=True)

    outcome: str
    version: str
    by: str
    reason: str
    at: str
    previous: str | None = None
    fairness: str = "not audited"  # passed, failed (overridden) or not audited
    override: Override | None = None


@dataclass(frozen=True)
class Calibration:
    """Isotonic calibration as the points of its curve; applying it is interpolation clipped at
    both ends, so it is stored as two JSON arrays and needs no pickle to load."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.x or len(self.x) != len(self.y):
            raise RegistryError("calibration needs as many y as x points, and at least one")
        points = np.asarray([self.x, self.y], dtype=np.float64)
        if not np.isfinite(points).all():
            raise RegistryError("calibration points must be finite")
        if (np.diff(points[0]) < 0).any() or (np.diff(points[1]) < 0).any():
            # a curve that went down would reorder the risks that the ranking measures judged
            raise RegistryError("calibration points must be sorted: x and y non-decreasing")
        if points[1].min() < 0 or points[1].max() > 1:
            raise RegistryError("calibrated probabilities must lie in [0, 1]")

    @classmethod
    def from_arrays(cls, x: npt.ArrayLike, y: npt.ArrayLike) -> Calibration:
        """A curve from any sorted x/y arrays."""
        return cls(
            tuple(np.asarray(x, dtype=np.float64).tolist()),
            tuple(np.asarray(y, dtype=np.float64).tolist()),
        )

    @classmethod
    def from_isotonic(cls, fitted: Any) -> Calibration:
        """The curve of a fitted scikit-learn ``IsotonicRegression``."""
        return cls.from_arrays(fitted.X_thresholds_, fitted.y_thresholds_)

    def apply(self, raw: npt.ArrayLike) -> Floats:
        """Calibrated probabilities for raw model outputs."""
        mapped = np.interp(np.asarray(raw, dtype=np.float64), self.x, self.y)
        return np.clip(mapped, 0.0, 1.0)


@dataclass(frozen=True)
class ModelVersion:
    """A saved version as a listing shows it, read without loading the model."""

    outcome: str
    version: str
    path: Path
    created: str  # UTC, ISO 8601
    metrics: ModelMetrics

    @property
    def number(self) -> int:
        """The version's place in its outcome's sequence (v3 is 3)."""
        return int(self.version[1:])


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A version ready to score: the model, its calibration and the record it was saved with."""

    entry: ModelVersion
    booster: lgb.Booster
    calibration: Calibration
    features: tuple[str, ...]
    training: TrainingWindow
    settings: dict[str, Any]
    data_hashes: dict[str, Any]
    metrics: dict[str, Any]

    @property
    def outcome(self) -> str:
        return self.entry.outcome

    @property
    def version(self) -> str:
        return self.entry.version

    def feature_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's features from ``frame`` in the model's order (other columns dropped)."""
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise RegistryError(
                f"{self.outcome} {self.version} needs feature(s) missing from the frame: "
                + ", ".join(missing)
            )
        return frame[list(self.features)]

    def predict_raw(self, frame: pd.DataFrame) -> Floats:
        """The model's uncalibrated outputs: what ranking measures and explanations use."""
        return np.asarray(self.booster.predict(self.feature_frame(frame)), dtype=np.float64)

    def calibrate(self, raw_probabilities: npt.ArrayLike) -> Floats:
        """Calibrated probabilities for raw model outputs."""
        return self.calibration.apply(raw_probabilities)

    def predict(self, frame: pd.DataFrame) -> Floats:
        """Calibrated risk for each row: how often a score like it has come true."""
        return self.calibrate(self.predict_raw(frame))


class ModelRegistry:
    """Saved model versions of every outcome under one folder, and which of them scores."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ModelRegistry:
        """The registry in the data directory's ``models`` folder."""
        return cls((settings or get_settings()).data_dir / "models")

    def outcomes(self) -> list[str]:
        """Outcomes with at least one saved version, by name."""
        if not self.root.is_dir():
            return []
        return sorted(
            folder.name
            for folder in self.root.iterdir()
            if folder.is_dir()
            and folder.name not in RESERVED_FOLDERS
            and _OUTCOME_NAME.fullmatch(folder.name)
            and self.versions(folder.name)
        )

    def versions(self, outcome: str) -> list[ModelVersion]:
        """An outcome's complete versions, oldest first (folders still being written are not)."""
        folder = self._outcome_folder(outcome)
        if not folder.is_dir():
            return []
        saved = [
            _read_entry(outcome, path)
            for path in folder.iterdir()
            if _VERSION_NAME.fullmatch(path.name) and (path / MANIFEST_FILE).is_file()
        ]
        return sorted(saved, key=lambda entry: entry.number)

    def save(
        self,
        outcome: str,
        *,
        booster: lgb.Booster | lgb.LGBMClassifier,
        calibration: Calibration,
        features: Sequence[str],
        training: TrainingWindow,
        settings: Mapping[str, Any],
        data_hashes: Mapping[str, Any],
        metrics: Mapping[str, Any],
        reports: Mapping[str, Any] | None = None,
    ) -> ModelVersion:
        """Keep a trained model as the outcome's next version.

        ``metrics`` is stamped with the outcome and the version allocated here; everything is
        checked before anything is written, so a refused save leaves no trace. ``reports``
        are further JSON files by name (one of :data:`REPORT_FILES`), kept under the manifest.
        """
        folder = self._outcome_folder(outcome)
        model = booster.booster_ if isinstance(booster, lgb.LGBMClassifier) else booster
        ordered = list(features)
        if ordered != model.feature_name():
            raise RegistryError(
                f"features given for {outcome} differ from the model's: given {ordered}, "
                f"model has {model.feature_name()}"
            )
        if metrics.get("outcome", outcome) != outcome:
            raise RegistryError(f"metrics are for {metrics['outcome']!r}, not {outcome!r}")
        checked = _validate_metrics(outcome, {**metrics, "outcome": outcome, "version": "v0"})
        contents = {
            MODEL_FILE: model.model_to_string(),
            "calibration.json": _to_json({"x": calibration.x, "y": calibration.y}),
            "features.json": _to_json(ordered),
            "training.json": _to_json(training.model_dump()),
            "settings.json": _to_json(settings),
            "data.json": _to_json(data_hashes),
        }
        for name, report in (reports or {}).items():
            if name not in REPORT_FILES:
                raise RegistryError(f"{name!r} is not a report a version keeps {REPORT_FILES}")
            contents[name] = _to_json(report)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{_PARTIAL_PREFIX}{uuid.uuid4().hex}"
        partial.mkdir()
        try:
            for name, text in contents.items():
                _write_text(partial / name, text)
            return self._publish(outcome, partial, contents, checked, metrics.get("version"))
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

    def get(self, outcome: str, version: str | int | None = None) -> LoadedModel:
        """A version ready to score; ``None`` means the promoted one."""
        if version is None:
            version = self.promoted(outcome)
            if version is None:
                raise RegistryError(
                    f"no version of {outcome!r} has been promoted; promote one or name a version "
                    f"(saved: {self._saved_names(outcome)})"
                )
        name = _version_name(version)
        path = self._outcome_folder(outcome) / name
        if not (path / MANIFEST_FILE).is_file():
            raise RegistryError(
                f"{outcome!r} has no version {name} (saved: {self._saved_names(outcome)})"
            )
        entry = _read_entry(outcome, path)
        texts = {}
        for file, expected in _read_manifest(path).get("files", {}).items():
            text = _read_text(path / file)
            if _sha256(text) != expected:
                raise RegistryError(f"{path / file} has changed since it was saved")
            texts[file] = text
        required = {*VERSION_FILES, "metrics.json"}
        if not required <= set(texts) <= required | set(REPORT_FILES):
            raise RegistryError(f"{path / MANIFEST_FILE} does not list the files of a version")
        booster = lgb.Booster(model_str=texts[MODEL_FILE])
        features = tuple(json.loads(texts["features.json"]))
        if list(features) != booster.feature_name():
            raise RegistryError(f"{path}: features.json does not match the model's features")
        curve = json.loads(texts["calibration.json"])
        return LoadedModel(
            entry=entry,
            booster=booster,
            calibration=Calibration.from_arrays(curve["x"], curve["y"]),
            features=features,
            training=TrainingWindow.model_validate_json(texts["training.json"]),
            settings=json.loads(texts["settings.json"]),
            data_hashes=json.loads(texts["data.json"]),
            metrics=json.loads(texts["metrics.json"]),
        )

    def report(self, outcome: str, version: str | int, name: str) -> dict[str, Any] | None:
        """A report kept with a version (``fairness.json``...), checked against the manifest;
        None if the version has none of that name."""
        path = self._outcome_folder(outcome) / _version_name(version)
        expected = _read_manifest(path).get("files", {}).get(name)
        if expected is None:
            return None
        text = _read_text(path / name)
        if _sha256(text) != expected:
            raise RegistryError(f"{path / name} has changed since it was saved")
        loaded: dict[str, Any] = json.loads(text)
        return loaded

    def promote(
        self,
        outcome: str,
        version: str | int,
        by: str,
        reason: str,
        override: Override | None = None,
    ) -> Promotion:
        """Make a version the one that scores, recording who decided, when and why.

        A version whose fairness audit found a disparity outside its band is refused unless
        ``override`` names who approved it, in what role and why."""
        name = _version_name(version)
        if name not in self._saved_names(outcome):
            raise RegistryError(
                f"cannot promote {outcome!r} {name}: no such version "
                f"(saved: {self._saved_names(outcome)})"
            )
        if not by.strip() or not reason.strip():
            raise RegistryError("a promotion needs the name of who made it and the reason")
        audit = self.report(outcome, name, "fairness.json")
        failures = [] if audit is None else list(audit.get("failures", []))
        verdict = "not audited" if audit is None else "failed" if failures else "passed"
        if failures and override is None:
            shown = "; ".join(
                f"{f['group']}={f['value']} {f['metric']} {f['disparity']:.2f}"
                for f in failures[:5]
            )
            raise PromotionRefusedError(
                f"{outcome} {name} failed its fairness audit ({len(failures)} disparities "
                f"outside {audit['band'] if audit else ''}: {shown}"
                f"{' ...' if len(failures) > 5 else ''}); promote it only with an override "
                "naming the approver, their role and the reason"
            )
        record = Promotion(
            outcome=outcome,
            version=name,
            by=by.strip(),
            reason=reason.strip(),
            at=_utc_now(),
            previous=self.promoted(outcome),
            fairness=verdict,
            override=(
                None
                if override is None or not failures
                else override.model_copy(update={"failures": failures})
            ),
        )
        folder = self._outcome_folder(outcome)
        # History first: a promotion in force is never missing from it.
        with (folder / HISTORY_FILE).open("a", encoding="utf-8") as history:
            history.write(record.model_dump_json() + "\n")
        pointer = folder / f"{_PARTIAL_PREFIX}{uuid.uuid4().hex}.json"
        _write_text(pointer, _to_json(record.model_dump()))
        pointer.replace(folder / PROMOTED_FILE)
        return record

    def promoted(self, outcome: str) -> str | None:
        """The version that scores for an outcome, if one has been promoted."""
        pointer = self._outcome_folder(outcome) / PROMOTED_FILE
        if not pointer.is_file():
            return None
        return Promotion.model_validate_json(_read_text(pointer)).version

    def promotions(self, outcome: str) -> list[Promotion]:
        """Every promotion of an outcome's versions, oldest first."""
        history = self._outcome_folder(outcome) / HISTORY_FILE
        if not history.is_file():
            return []
        lines = _read_text(history).splitlines()
        return [Promotion.model_validate_json(line) for line in lines if line.strip()]

    def _outcome_folder(self, outcome: str) -> Path:
        if outcome in RESERVED_FOLDERS or not _OUTCOME_NAME.fullmatch(outcome):
            raise RegistryError(
                f"{outcome!r} cannot name an outcome (lower-case letters, digits, '_' and '-'; "
                f"not {sorted(RESERVED_FOLDERS)})"
            )
        return self.root / outcome

    def _saved_names(self, outcome: str) -> list[str]:
        return [entry.version for entry in self.versions(outcome)]

    def _publish(
        self,
        outcome: str,
        partial: Path,
        contents: dict[str, str],
        metrics: ModelMetrics,
        requested: object,
    ) -> ModelVersion:
        """Stamp the next free version number on a written folder and rename it into place;
        if another save took that number first, take the next."""
        folder = partial.parent
        while True:
            taken = [_VERSION_NAME.fullmatch(path.name) for path in folder.iterdir()]
            name = f"v{max((int(m.group(1)) for m in taken if m), default=0) + 1}"
            if requested is not None and requested != name:
                raise RegistryError(f"metrics name version {requested!r}, but this save is {name}")
            stamped = metrics.model_copy(update={"version": name})
            files = {**contents, "metrics.json": _to_json(stamped.model_dump())}
            _write_text(partial / "metrics.json", files["metrics.json"])
            created = _utc_now()
            manifest = {
                "outcome": outcome,
                "version": name,
                "created": created,
                "lightgbm": lgb.__version__,
                "files": {file: _sha256(text) for file, text in sorted(files.items())},
            }
            _write_text(partial / MANIFEST_FILE, _to_json(manifest))
            target = folder / name
            try:
                partial.rename(target)
            except OSError:
                if target.exists():
                    continue  # taken meanwhile
                raise
            return ModelVersion(outcome, name, target, created, stamped)


def frame_sha256(frame: pd.DataFrame) -> str:
    """A fingerprint of a frame's columns, types and values in row order, so that a version
    names the exact data it learned from."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _validate_metrics(outcome: str, values: Mapping[str, Any]) -> ModelMetrics:
    try:
        return ModelMetrics.model_validate(values)
    except ValidationError as error:
        missing = [str(e["loc"][0]) for e in error.errors() if e["type"] == "missing"]
        invalid = [
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}"
            for e in error.errors()
            if e["type"] != "missing"
        ]
        problems = []
        if missing:
            problems.append("missing required key(s) " + ", ".join(missing))
        if invalid:
            problems.append("invalid " + "; ".join(invalid))
        raise RegistryError(f"metrics for {outcome!r}: " + "; ".join(problems)) from error


def _read_manifest(path: Path) -> dict[str, Any]:
    """A version's manifest, checked to belong to the folder it is in."""
    try:
        manifest: dict[str, Any] = json.loads(_read_text(path / MANIFEST_FILE))
        named = (manifest["outcome"], manifest["version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RegistryError(f"{path / MANIFEST_FILE} cannot be read: {error}") from error
    if named != (path.parent.name, path.name):
        raise RegistryError(f"{path} holds {named[0]} {named[1]}: were folders renamed by hand?")
    return manifest


def _read_entry(outcome: str, path: Path) -> ModelVersion:
    manifest = _read_manifest(path)
    try:
        metrics = ModelMetrics.model_validate_json(_read_text(path / "metrics.json"))
    except (OSError, ValueError) as error:
        raise RegistryError(f"{path / 'metrics.json'} cannot be read: {error}") from error
    return ModelVersion(outcome, path.name, path, str(manifest["created"]), metrics)


def _version_name(version: str | int) -> str:
    """``3``, ``"3"`` and ``"v3"`` all name v3."""
    text = str(version).strip().lower()
    name = text if text.startswith("v") else f"v{text}"
    if not _VERSION_NAME.fullmatch(name):
        raise RegistryError(f"{version!r} is not a version (v1, v2, ...)")
    return name


def _jsonable(value: Any) -> Any:
    """Plain JSON values for numpy numbers and arrays, dates and paths (JSON has no NaN: null)."""
    if isinstance(value, np.generic | np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise RegistryError(f"{type(value).__name__} value {value!r} cannot be written as JSON")


def _to_json(value: Any) -> str:
    return json.dumps(_jsonable(value), indent=2, allow_nan=False) + "\n"


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
