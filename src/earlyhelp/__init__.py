"""earlyhelp: open, measured and explainable predictive modelling for UK local councils."""

__version__ = "0.1.0"
