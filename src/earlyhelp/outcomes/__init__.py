"""Outcomes: for each, who is at risk at an as-of date (the cohort) and what counts as the outcome
happening in the window after it (the label). One module per outcome."""
