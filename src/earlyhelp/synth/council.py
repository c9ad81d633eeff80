"""`earlyhelp synth`: build a whole synthetic council, its extracts and its ground truth."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker
from sklearn.metrics import roc_auc_score

from earlyhelp.synth import calibration, oracle
from earlyhelp.synth.calendar import Calendar
from earlyhelp.synth.extracts import ExtractWriter
from earlyhelp.synth.params import SynthParams
from earlyhelp.synth.services import csc, early_help, education, housing, police, revenues, youth
from earlyhelp.synth.truth import truth_tables, write_tables
from earlyhelp.synth.world import simulate_world

STAGES = ("world", "services", "extracts", "oracle", "truth")
Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class CouncilSummary:
    """What was built: where, how many rows, how close to the targets, how good the oracle is."""

    out: Path
    manifest: dict[str, Any]

    @property
    def rates(self) -> dict[str, float]:
        return dict(self.manifest["calibration"])

    @property
    def oracle(self) -> dict[str, dict[str, float]]:
        return dict(self.manifest["oracle"])


def generate(
    params: SynthParams, out: Path, progress: Progress = lambda *_: None
) -> CouncilSummary:
    """Simulate the council and write ``out/extracts``, ``out/truth`` and ``out/manifest.json``."""
    seeds = np.random.SeedSequence(params.seed).spawn(12)
    rngs = [np.random.default_rng(s) for s in seeds]
    faker = Faker("en_GB")
    faker.seed_instance(params.seed)
    calendar = Calendar(params.start, params.months)

    world = simulate_world(
        calendar,
        params.residents,
        rngs[0],
        faker,
        lambda m: progress("world", m + 1, calendar.months),
    )
    progress("services", 0, 7)
    by_system: dict[str, pd.DataFrame] = {"police": police.simulate_police(world, rngs[1])}
    notified = by_system["police"]
    children_present = notified[
        (notified["event_type"] == "police.da_incident") & (notified["role"] == "child present")
    ]
    social_care = csc.simulate_csc(world, rngs[2], children_present)
    by_system["csc"], harm = social_care.events, social_care.harm
    progress("services", 2, 7)
    revs = revenues.simulate_revenues(world, rngs[3])
    by_system["revenues"], accounts = revs.events, revs.accounts
    by_system["education"] = education.simulate_education(world, rngs[4], revs.on_benefits)
    progress("services", 4, 7)
    by_system["asb"] = youth.simulate_asb(world, rngs[5])
    by_system["youth_justice"] = youth.simulate_youth_justice(world, rngs[6])
    by_system["housing"] = housing.simulate_housing(world, rngs[7])
    by_system["early_help"] = early_help.simulate_early_help(world, rngs[8])
    del notified, children_present, social_care, revs  # the frames live on in by_system only
    progress("services", 7, 7)
    events = pd.concat([f.assign(system=s) for s, f in by_system.items()], ignore_index=True)

    # An extract is taken at the end of the period: it holds only what was known by then.
    extract_day = calendar.month_start(calendar.months)
    extracts = ExtractWriter(world, out / "extracts", params.mess_profile, rngs[9])
    extracts.areas()
    systems = list(by_system)
    for step, system in enumerate(systems):
        frame = _known_by(by_system.pop(system), extract_day)  # freed once written
        if system == "revenues":
            extracts.revenues(frame, accounts)
        else:
            getattr(extracts, system)(frame)
        progress("extracts", step + 1, len(systems))

    as_of = calendar.as_of_months()
    risks = oracle.oracle_risks(
        world,
        events,
        accounts,
        as_of,
        params.oracle_samples,
        rngs[10],
        lambda m: progress("oracle", as_of.index(m) + 1, len(as_of)),
    )
    tables = truth_tables(world, events, harm, extracts.truth(), as_of)
    tables.update({f"oracle_{name}": frame for name, frame in risks.items()})
    truth_rows = write_tables(tables, out / "truth")
    progress("truth", 1, 1)

    rates = calibration.measure(world, events, accounts)
    manifest: dict[str, Any] = {
        "generator": "earlyhelp synth",
        "parameters": params.model_dump(mode="json"),
        "seed": params.seed,
        "period": {"start": params.start, "end": params.end, "months": params.months},
        "as_of_dates": [str(np.datetime64(calendar.month_start(m), "D")) for m in as_of],
        "calibration": {name: m.rate for name, m in rates.items()},
        "calibration_cases": {name: m.cases for name, m in rates.items()},
        "oracle": {name: _oracle_summary(frame) for name, frame in risks.items()},
        "files": _file_entries(
            out,
            {
                **{f"extracts/{k}": v for k, v in extracts.rows.items()},
                **{f"truth/{k}": v for k, v in truth_rows.items()},
            },
        ),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return CouncilSummary(out, manifest)


def _known_by(events: pd.DataFrame, day: int) -> pd.DataFrame:
    """Events the council knew of before a day (its extracts hold nothing later)."""
    return events[events["known_date"] < day].reset_index(drop=True)


def _oracle_summary(frame: pd.DataFrame) -> dict[str, float]:
    """Oracle quality, pooled over the as-of dates: AUC, mean risk beside the realised rate."""
    return {
        "rows": len(frame),
        "auc": float(roc_auc_score(frame["label"], frame["oracle_risk"])),
        "mean_risk": float(frame["oracle_risk"].mean()),
        "realised_rate": float(frame["label"].mean()),
        "mean_mc_se": float(frame["mc_se"].mean()),
        "max_mc_se": float(frame["mc_se"].max()),
    }


def _file_entries(out: Path, rows: dict[str, int]) -> dict[str, dict[str, object]]:
    return {
        name: {"rows": count, "sha256": sha256(out / name)} for name, count in sorted(rows.items())
    }


def sha256(path: Path) -> str:
    """Hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
