"""A model whose fairness audit failed is not promoted without a named override, and the
override is kept in the promotions history and shown on the model card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyhelp.cli import app
from earlyhelp.errors import PromotionRefusedError
from earlyhelp.fairness.audit import AuditSpec, audit
from earlyhelp.fairness.card import write_card
from earlyhelp.fairness.flags import FlagRule
from earlyhelp.modelling.registry import ModelRegistry, Override
from tests.modelling.test_registry import fit, save, training_frame


def fairness_report(biased: bool) -> dict[str, Any]:
    """An audit where group B is flagged far more often than A (or as often)."""
    rng = np.random.default_rng(0)
    group = np.where(rng.random(4000) < 0.5, "A", "B")
    score = rng.random(4000) * np.where((group == "B") & biased, 1.15, 1.0)
    frame = pd.DataFrame({"score": score, "label": rng.random(4000) < 0.2, "group": group})
    return audit(
        frame, AuditSpec("score", "label", ["group"], FlagRule("top_frac", 0.1), bootstrap=200)
    )


def registry_with(tmp_path: Path, biased: bool) -> ModelRegistry:
    frame = training_frame()
    booster, isotonic = fit(frame)
    registry = ModelRegistry(tmp_path / "models")
    version = save(registry, booster, isotonic, frame)
    # the registry's own save, with a report beside metrics.json
    registry.root.joinpath("safeguarding", version.version).rename(tmp_path / "discarded")
    registry.save(
        "safeguarding",
        booster=booster,
        calibration=_calibration(isotonic),
        features=list(booster.feature_name()),
        training=_training(frame),
        settings={},
        data_hashes={},
        metrics={k: v for k, v in version.metrics.model_dump().items() if k != "version"},
        reports={"fairness.json": fairness_report(biased)},
    )
    return registry


def _calibration(isotonic: Any) -> Any:
    from earlyhelp.modelling.registry import Calibration

    return Calibration.from_isotonic(isotonic)


def _training(frame: pd.DataFrame) -> Any:
    import datetime as dt

    from earlyhelp.modelling.registry import TrainingWindow

    return TrainingWindow(
        first_as_of=dt.date(2020, 1, 1),
        last_as_of=dt.date(2023, 1, 1),
        label_window_months=12,
        rows=len(frame),
        positives=int(frame["label"].sum()),
    )


def test_a_failing_model_is_refused_without_an_override(tmp_path: Path) -> None:
    registry = registry_with(tmp_path, biased=True)
    version = registry.versions("safeguarding")[-1].version
    with pytest.raises(PromotionRefusedError, match=r"group=B pprev"):
        registry.promote("safeguarding", version, by="A Analyst", reason="monthly")
    assert registry.promoted("safeguarding") is None
    assert registry.promotions("safeguarding") == []


def test_an_override_is_recorded_in_history_and_card(tmp_path: Path) -> None:
    registry = registry_with(tmp_path, biased=True)
    version = registry.versions("safeguarding")[-1].version
    override = Override(approver="Dana Reyes", role="Head of Safeguarding", reason="pilot only")
    done = registry.promote(
        "safeguarding", version, by="A Analyst", reason="monthly", override=override
    )
    assert registry.promoted("safeguarding") == version
    history = registry.promotions("safeguarding")
    assert history == [done]
    assert done.fairness == "failed"
    assert done.override is not None and done.override.approver == "Dana Reyes"
    assert {f["value"] for f in done.override.failures} == {"B"}
    folder = write_card(registry, "safeguarding", version, tmp_path / "card")
    text = (folder / "model_card.md").read_text()
    assert "override by Dana Reyes (Head of Safeguarding): pilot only" in text
    assert "FAILED" in text
    assert "Head of Safeguarding" in (folder / "model_card.html").read_text()
    assert (folder / "fairness_group.png").stat().st_size > 1000


def test_a_passing_model_needs_no_override(tmp_path: Path) -> None:
    registry = registry_with(tmp_path, biased=False)
    version = registry.versions("safeguarding")[-1].version
    done = registry.promote("safeguarding", version, by="A Analyst", reason="monthly")
    assert done.fairness == "passed" and done.override is None


def test_the_cli_refuses_then_accepts_a_named_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = registry_with(tmp_path, biased=True)
    version = registry.versions("safeguarding")[-1].version
    monkeypatch.setenv("EARLYHELP_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    base = ["models", "promote", "safeguarding", version, "--by", "A Analyst", "--reason", "m"]
    refused = runner.invoke(app, base)
    assert refused.exit_code == 1 and "failed its fairness audit" in refused.output
    partial = runner.invoke(app, [*base, "--override-approver", "Dana Reyes"])
    assert partial.exit_code == 1 and "needs all of" in " ".join(partial.output.split())
    accepted = runner.invoke(
        app,
        [*base, "--override-approver", "Dana Reyes", "--override-role", "Head of Service",
         "--override-reason", "pilot"],
    )  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert "overridden by Dana Reyes" in accepted.output
    card = runner.invoke(app, ["models", "card", "safeguarding", "--output", str(tmp_path / "c")])
    assert card.exit_code == 0, card.output
    assert "Dana Reyes" in (tmp_path / "c" / "model_card.md").read_text()
