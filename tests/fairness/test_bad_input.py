"""Bad scored files are refused with a message naming the file and the column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyhelp.cli import app

GOOD = "risk,outcome,group\n0.9,1,A\n0.2,0,B\n"


def audit_cli(path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            "fairness", "audit", str(path), "--score", "risk", "--label", "outcome",
            "--group", "group", "--top-k", "1", "--output", str(path.with_suffix(".json")),
            *extra,
        ],
    )  # fmt: skip
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("risk,result,group\n0.9,1,A\n", ["no column 'outcome'", "risk, result, group"]),
        ("risk,outcome,group\n0.9,1,A\nhigh,0,B\n", ["score column 'risk'", "row 2", "'high'"]),
        ("risk,outcome,group\n0.9,1,A\n0.2,,B\n", ["label column 'outcome'", "row 2"]),
        ("risk,outcome,group\n0.9,2,A\n0.2,0,B\n", ["label column 'outcome'", "0 or 1", "'2'"]),
        ("risk,outcome,group\n", ["no rows"]),
        ("", ["empty"]),
    ],
)
def test_a_bad_csv_names_the_file_and_column(tmp_path: Path, text: str, words: list[str]) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(text)
    code, output = audit_cli(path)
    assert code == 1
    assert "scores.csv" in output
    for word in words:
        assert word in output
    assert not path.with_suffix(".json").exists()


def test_a_bad_parquet_names_the_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "scores.parquet"
    pd.DataFrame({"risk": ["0.1", "x"], "outcome": [0, 1], "group": ["A", "B"]}).to_parquet(path)
    code, output = audit_cli(path)
    assert code == 1 and "scores.parquet" in output and "score column 'risk'" in output
    pd.DataFrame({"risk": [0.1, 0.2], "outcome": [0, 1]}).to_parquet(path)
    code, output = audit_cli(path)
    assert code == 1 and "no column 'group'" in output


def test_unusable_options_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(GOOD)
    assert "exactly one of" in audit_cli(path, "--threshold", "0.5")[1]
    assert "has no group 'C'" in audit_cli(path, "--reference", "group=C")[1]
    assert "not audited" in audit_cli(path, "--reference", "sex=F")[1]
    assert "must be .csv or .parquet" in audit_cli(path.rename(tmp_path / "s.txt"))[1]
    assert "no such file" in audit_cli(tmp_path / "absent.csv")[1]


def test_a_good_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(GOOD)
    code, output = audit_cli(path, "--bootstrap", "20")
    assert code == 0, output
    assert path.with_suffix(".json").exists()
