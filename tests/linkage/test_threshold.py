"""The threshold rule: the model's estimated F1, under a stated bound on false links."""

from __future__ import annotations

from earlyhelp.linkage.threshold import pick

# (t, links at or above t, expected true links at or above t), from the highest t down:
# 100 sure links at 10; 10 more at 4 (9.5 expected true); 10 more at 1 (6 true); 50 at 0 (10).
CURVE = [(10.0, 100, 99.9), (4.0, 110, 109.4), (1.0, 120, 115.4), (0.0, 170, 125.4)]


def test_the_highest_estimated_f1_within_the_bound_is_chosen() -> None:
    loose = pick(CURVE, max_false_link_share=0.05)
    assert loose.match_weight == 1.0 and loose.rule == "model"
    assert abs(loose.estimated_precision - 115.4 / 120) < 1e-9
    assert abs(loose.estimated_recall - 115.4 / 125.4) < 1e-9
    strict = pick(CURVE, max_false_link_share=0.01)
    assert strict.match_weight == 4.0  # 1.0 expects 3.8% of its links false
    assert "at most 1.0% of links expected false" in strict.describe()


def test_a_fixed_threshold_is_kept_and_reported_with_its_estimates() -> None:
    fixed = pick(CURVE, fixed_match_weight=10.0)
    assert (fixed.match_weight, fixed.rule, fixed.pairs_above) == (10.0, "fixed", 100)
    assert "fixed by a setting" in fixed.describe()


def test_nothing_scored_links_nothing() -> None:
    assert pick([]).pairs_above == 0
