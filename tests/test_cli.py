import json
from pathlib import Path

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
