"""Shared fixtures: synthetic councils built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earlyhelp.synth.council import generate
from earlyhelp.synth.params import MessLevel, SynthParams


@pytest.fixture(scope="session")
def demo_council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 20,000-resident demo council at standard mess, as `make demo` builds it."""
    out = tmp_path_factory.mktemp("council-20k")
    generate(SynthParams(residents=20_000, seed=1, mess=MessLevel.standard), out)
    return out


@pytest.fixture(scope="session")
def small_councils(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small councils for determinism and mess comparisons (same world, three mess levels)."""
    built = {}
    for name, seed, mess in (
        ("a", 7, "standard"),
        ("a_again", 7, "standard"),
        ("b", 8, "standard"),
        ("clean", 7, "clean"),
        ("hard", 7, "hard"),
    ):
        out = tmp_path_factory.mktemp(f"council-{name}")
        generate(
            SynthParams(residents=3_000, seed=seed, mess=MessLevel(mess), oracle_samples=8), out
        )
        built[name] = out
    return built


def manifest(folder: Path) -> dict[str, object]:
    """A council's manifest."""
    return json.loads((folder / "manifest.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def linked_small_council(
    small_councils: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Council "a" ingested and linked: a warehouse file that tests copy before changing."""
    from earlyhelp.ingest.load import ingest
    from earlyhelp.ingest.spec import load_sources
    from earlyhelp.linkage.run import run_linkage
    from earlyhelp.warehouse.schema import connect

    folder = tmp_path_factory.mktemp("warehouse-a")
    con = connect(folder / "warehouse.duckdb")
    ingest(
        load_sources(Path(__file__).resolve().parents[1] / "config" / "sources.yaml"),
        small_councils["a"],
        con,
    )
    run_linkage(con, folder / "linkage")
    con.close()
    return folder / "warehouse.duckdb"
