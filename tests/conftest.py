"""Shared fixtures: synthetic councils built once per test session."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def trained_small_council(
    linked_small_council: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Council "a" linked, with every outcome trained and v1 promoted: a data folder
    (``warehouse.duckdb``, ``models/``) that tests copy before changing."""
    import shutil

    from earlyhelp.features.build import create_feature_matrix
    from earlyhelp.modelling.as_of import quarterly_as_of
    from earlyhelp.modelling.pipeline import train_outcome
    from earlyhelp.modelling.registry import ModelRegistry, Override
    from earlyhelp.outcomes.registry import OUTCOMES
    from earlyhelp.warehouse.schema import connect

    folder = tmp_path_factory.mktemp("trained-a")
    shutil.copy(linked_small_council, folder / "warehouse.duckdb")
    con = connect(folder / "warehouse.duckdb")
    dates = quarterly_as_of(con)
    create_feature_matrix(con, dates)
    registry = ModelRegistry(folder / "models")
    for name, outcome in OUTCOMES.items():
        train_outcome(con, outcome, dates, registry)
        registry.promote(
            name,
            "v1",
            by="tests",
            reason="the only version",
            # a small council's audit may fail; these fixtures test scoring, not fairness
            override=Override(approver="tests", role="test fixture", reason="not a release"),
        )
    con.close()
    return folder


def _postgres_base_url() -> str:
    return os.environ.get(
        "EARLYHELP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty operational store: a SQLite file, or a new schema on PostgreSQL (dropped
    afterwards). Without a server, PostgreSQL tests skip, except under CI=true where they fail."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    import sqlalchemy as sa

    base = _postgres_base_url()
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        engine.dispose()
        message = f"PostgreSQL is not reachable at {base}: {error.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
