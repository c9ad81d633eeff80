"""Ingest of a whole synthetic council: everything reconciles, and a kill part-way loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from earlyhelp.ingest.load import ingest
from earlyhelp.ingest.spec import load_sources
from earlyhelp.warehouse.schema import connect

SOURCES = Path(__file__).resolve().parents[2] / "config" / "sources.yaml"
pytestmark = pytest.mark.slow

COUNTS = """
SELECT (SELECT count(*) FROM load_lineage), (SELECT count(*) FROM person_record),
       (SELECT count(*) FROM event), (SELECT count(DISTINCT event_id) FROM event),
       (SELECT count(*) FROM quarantine), (SELECT count(*) FROM relation),
       (SELECT count(*) FROM ct_account)
"""


def test_every_extract_loads_and_reconciles(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    con = connect(tmp_path / "w.duckdb")
    reports = ingest(load_sources(SOURCES), council, con)
    manifest = json.loads((council / "manifest.json").read_text())
    assert all(r.status == "loaded" and r.reconciles for r in reports), reports
    for report in reports:
        name = "extracts/" + Path(report.file).name
        assert report.rows_read == manifest["files"][name]["rows"], name
    loaded = {Path(r.file).name for r in reports}
    assert loaded == {Path(n).name for n in manifest["files"] if n.startswith("extracts/")}
    quarantined = sum(r.rows_quarantined for r in reports)
    assert quarantined < 0.01 * sum(r.rows_read for r in reports)
    types = {t for (t,) in con.execute("SELECT DISTINCT event_type FROM event").fetchall()}
    assert {
        "csc.cp_plan_start",
        "housing.homeless_relief_duty",
        "revs.ct_liability_order",
        "police.da_incident",
        "edu.absence_term",
        "yjs.offence",
    } <= types


KILLABLE = """
import sys
from pathlib import Path
from earlyhelp.ingest.load import ingest
from earlyhelp.ingest.spec import load_sources
from earlyhelp.warehouse.schema import connect
con = connect(Path(sys.argv[3]))
ingest(load_sources(Path(sys.argv[1])), Path(sys.argv[2]), con,
       progress=lambda name: print(name, flush=True))
print("done", flush=True)
"""


def test_a_kill_part_way_then_a_rerun_matches_a_clean_run(
    small_councils: dict[str, Path], tmp_path: Path
) -> None:
    council = small_councils["a"]
    clean = connect(tmp_path / "clean.duckdb")
    ingest(load_sources(SOURCES), council, clean)
    expected = clean.execute(COUNTS).fetchone()
    clean.close()

    killed_path = tmp_path / "killed.duckdb"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, str(SOURCES), str(council), str(killed_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert child.stdout is not None
    for line in child.stdout:  # let a few files commit, then kill in the middle of the census
        if line.strip() == "school_census":
            time.sleep(0.1)
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL

    partial = connect(killed_path)
    part_way = partial.execute("SELECT count(*) FROM load_lineage").fetchone()
    assert part_way is not None and 0 < part_way[0] < expected[0]  # type: ignore[index]
    assert partial.execute(
        "SELECT count(*) FROM event WHERE source = 'school_census'"
    ).fetchone() == (0,)
    ingest(load_sources(SOURCES), council, partial)
    assert partial.execute(COUNTS).fetchone() == expected
