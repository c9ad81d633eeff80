"""Linkage quality figures on a hand-made example whose answers are worked out below."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyhelp.linkage.evaluate import evaluate

# Truth: person 1 = a, b, c; person 2 = d, e; person 3 = f.
TRUTH = pd.DataFrame({"source_record_id": list("abcdef"), "person_id": [1, 1, 1, 2, 2, 3]})
# Predicted: {a, b}, {c, d, e}, {f}: c is wrongly put with person 2.
PREDICTED = pd.DataFrame({"source_record_id": list("abcdef"), "cluster_id": [1, 1, 2, 2, 2, 3]})


def test_pairwise_figures() -> None:
    q = evaluate(PREDICTED, TRUTH)
    # predicted pairs: ab, cd, ce, de = 4; true pairs: ab, ac, bc, de = 4; together: ab, de = 2
    assert q.pairwise_precision == pytest.approx(0.5)
    assert q.pairwise_recall == pytest.approx(0.5)
    assert q.pairwise_f1 == pytest.approx(0.5)


def test_bcubed_figures() -> None:
    q = evaluate(PREDICTED, TRUTH)
    # precision per record: a 1, b 1, c 1/3, d 2/3, e 2/3, f 1 -> 14/3 / 6 = 7/9
    assert q.bcubed_precision == pytest.approx(7 / 9)
    # recall per record: a 2/3, b 2/3, c 1/3, d 1, e 1, f 1 -> 14/3 / 6 = 7/9
    assert q.bcubed_recall == pytest.approx(7 / 9)
    assert q.bcubed_f1 == pytest.approx(7 / 9)


def test_over_merge_and_sizes() -> None:
    q = evaluate(PREDICTED, TRUTH)
    assert q.over_merge_rate == pytest.approx(1 / 3)  # only {c, d, e} mixes two people
    assert q.cluster_sizes == {1: 1, 2: 1, 3: 1}
    assert (q.records, q.predicted_clusters, q.true_people) == (6, 3, 3)


def test_perfect_clustering_scores_one() -> None:
    perfect = TRUTH.rename(columns={"person_id": "cluster_id"})
    q = evaluate(perfect, TRUTH)
    assert q.pairwise_f1 == q.bcubed_f1 == 1.0
    assert q.over_merge_rate == 0.0


def test_source_is_part_of_the_key_when_truth_has_it() -> None:
    truth = pd.DataFrame(
        {"source": ["x", "y"], "source_record_id": ["1", "1"], "person_id": [1, 2]}
    )
    merged = pd.DataFrame({"source": ["x", "y"], "source_record_id": ["1", "1"], "cluster_id": 7})
    assert evaluate(merged, truth).over_merge_rate == 1.0


def test_unknown_record_is_an_error() -> None:
    extra = pd.concat([PREDICTED, pd.DataFrame({"source_record_id": ["z"], "cluster_id": [9]})])
    with pytest.raises(ValueError, match="1 clustered record"):
        evaluate(extra, TRUTH)
