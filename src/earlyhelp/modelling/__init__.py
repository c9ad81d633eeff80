"""Modelling: datasets of features and labels, temporal validation, models and their measures."""
