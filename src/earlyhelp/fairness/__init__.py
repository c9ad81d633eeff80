"""Fairness: group metrics with bootstrap intervals, disparities against a reference group,
label bias against the synthetic council's true harm, and model cards."""
