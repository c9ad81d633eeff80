import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earlyhelp.cli import app

runner = CliRunner()


def test_every_command_has_help() -> None:
    for args in ([], ["synth"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_synth_builds_a_council_and_prints_its_summary(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "synth",
            "--residents",
            "1500",
            "--seed",
            "3",
            "--oracle-samples",
            "8",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Oracle" in result.output and "referrals" in result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["parameters"]["residents"] == 1500


def test_synth_refuses_a_bad_month_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--start", "2019-1", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "2019-1" in str(result.exception) + result.output


def test_link_dedupe_links_a_tiny_file_by_exact_agreement_only(tmp_path: Path) -> None:
    """Six records are too few to train a model: exact repeats link, near ones do not."""
    source = tmp_path / "people.csv"
    source.write_text(
        "record_id,first_name,surname,dob,postcode\n"
        "1,Catherine,Okafor,1984-03-12,TH1 2AB\n"
        "2,Catherine,Okafor,1984-03-12,TH1 2AB\n"
        "3,Daniel,Price,1990-07-01,TH3 4CD\n"
        "4,Danny,Price,1990-01-07,TH34CD\n"
        "5,Mohammed,Rahman,2001-11-23,TH2 1EF\n"
        "6,Grace,Adeyemi,1975-05-30,TH4 3GH\n"
    )
    output = tmp_path / "out.csv"
    result = runner.invoke(app, ["link", "dedupe", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    lines = output.read_text().splitlines()
    assert lines[0] == "record_id,person_id" and len(lines) == 7
    person = dict(line.split(",") for line in lines[1:])
    assert person["1"] == person["2"]  # an exact repeat
    assert person["3"] != person["4"]  # Danny is not Daniel without a model to say so
    assert len({person["1"], person["3"], person["5"], person["6"]}) == 4
    assert "exact agreement only" in " ".join(result.output.split())


def test_features_refuses_a_malformed_date_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "features",
            "--as-of",
            "2024-7-1",
            "--output",
            str(tmp_path / "f.parquet"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
    )
    assert result.exit_code != 0
    assert "2024-7-1" in result.output


def test_train_refuses_an_unknown_outcome_naming_the_choices(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["train", "--outcome", "burglary", "--warehouse", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code != 0
    assert "burglary" in result.output and "safeguarding" in result.output


def test_models_list_promote_and_show_a_registered_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earlyhelp import cli_models
    from earlyhelp.modelling.registry import ModelRegistry
    from tests.modelling.test_registry import fit, save, training_frame

    monkeypatch.setenv("EARLYHELP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(cli_models.console, "width", 200)  # room for the whole table
    frame = training_frame()
    booster, isotonic = fit(frame)
    registry = ModelRegistry(tmp_path / "models")
    save(registry, booster, isotonic, frame)
    save(registry, booster, isotonic, frame)

    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0, listed.output
    assert "safeguarding" in listed.output and "v2" in listed.output

    refused = runner.invoke(
        app, ["models", "promote", "safeguarding", "v9", "--by", "A. Analyst", "--reason", "x"]
    )
    assert refused.exit_code == 1 and "v9" in refused.output

    promoted = runner.invoke(
        app,
        [
            "models",
            "promote",
            "safeguarding",
            "v1",
            "--by",
            "A. Analyst",
            "--reason",
            "fairness audit passed",
        ],
    )
    assert promoted.exit_code == 0, promoted.output
    assert registry.promoted("safeguarding") == "v1"

    shown = runner.invoke(app, ["models", "show", "safeguarding"])
    assert shown.exit_code == 0, shown.output
    assert '"version": "v1"' in shown.output and "fairness audit passed" in shown.output


def test_train_prints_each_models_measures_beside_the_oracles(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    linked_small_council: Path,
    small_councils: dict[str, Path],
) -> None:
    from earlyhelp import cli_models

    shutil.copy(linked_small_council, tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("EARLYHELP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(cli_models.console, "width", 200)
    truth = small_councils["a"] / "truth"
    result = runner.invoke(app, ["train", "--outcome", "debt", "--truth", str(truth)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "│ debt" in line)
    stored = json.loads((tmp_path / "models" / "debt" / "v1" / "metrics.json").read_text())
    assert f"{stored['auc']:.3f}" in row  # the printed figure is the registered one
    assert "Beside the oracle" in result.output
    assert f"{stored['oracle_auc']:.3f}" in result.output
