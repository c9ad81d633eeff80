"""The list councils made before predictive models: count the Supporting Families-style needs
present for a unit, most needs first, the most recent need breaking ties. The backtest sets it
beside the model at the same capacity, so that a model must beat what a rule already does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (feature, lowest value that shows the need, days-since feature dating it or None)
NEEDS: tuple[tuple[str, float, str | None], ...] = (
    ("absence_last_year", 0.10, None),  # persistent absence: 10% of sessions or more
    ("suspensions_12m", 1, "suspensions_days_since"),
    ("household_police_da_12m", 1, "household_police_da_days_since"),
    ("household_homeless_approaches_12m", 1, "household_homeless_approaches_days_since"),
    ("in_temporary_accommodation", 1, None),
    ("household_ct_summonses_12m", 1, "household_ct_summonses_days_since"),
    ("ct_liability_orders_12m", 1, "ct_liability_orders_days_since"),
    ("asb_perpetrator_12m", 1, "asb_perpetrator_days_since"),
    ("youth_offences_12m", 1, "youth_offences_days_since"),
    ("open_child_in_need", 1, None),
    ("csc_referrals_12m", 1, "csc_referrals_days_since"),
    ("early_help_12m", 1, "early_help_days_since"),
)
RECENCY_WEIGHT = 0.5  # less than one need: recency only orders units with as many needs


def needs_present(features: pd.DataFrame) -> pd.Series:
    """How many of :data:`NEEDS` each row shows (a need whose feature is absent counts 0)."""
    count = pd.Series(0, index=features.index, dtype=np.int64)
    for feature, least, _ in NEEDS:
        if feature in features.columns:
            count += (features[feature].fillna(0) >= least).astype(np.int64)
    return count


def rules_score(features: pd.DataFrame) -> pd.Series:
    """Needs present, plus a fraction that is larger the more recent the latest need."""
    dated = [d for _, _, d in NEEDS if d is not None and d in features.columns]
    latest = features[dated].min(axis=1) if dated else pd.Series(np.nan, index=features.index)
    recency = 1 - latest.clip(lower=0, upper=3650).fillna(3650) / 3651
    return needs_present(features) + RECENCY_WEIGHT * recency
