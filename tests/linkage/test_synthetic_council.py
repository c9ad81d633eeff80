"""Linkage of a synthetic council's extracts, measured against the council's truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyhelp.linkage.evaluate import evaluate
from earlyhelp.linkage.pipeline import link_records
from earlyhelp.synth.council import generate
from earlyhelp.synth.params import MessLevel, SynthParams
from tests.linkage.synthetic_records import canonical_records, truth


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("council-3k-linkage")
    generate(SynthParams(residents=3_000, seed=1, mess=MessLevel.standard, oracle_samples=4), out)
    return out


def test_helper_gives_one_row_per_record(council: Path) -> None:
    records = canonical_records(council)
    assert not records.duplicated(["source", "source_record_id"]).any()
    known = truth(council)
    assert set(records["source"]) <= set(known["source"])
    assert records["dob"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()


@pytest.mark.slow
def test_standard_mess_council_links_accurately(council: Path) -> None:
    quality = evaluate(link_records(canonical_records(council)).clusters, truth(council))
    # Measured F1 0.987, precision 0.990, over-merge ~0.001 at this size; the floors leave
    # room for seed-to-seed variation.
    assert quality.pairwise_f1 >= 0.98, quality
    assert quality.pairwise_precision >= 0.985, quality
    assert quality.over_merge_rate <= 0.002, quality
