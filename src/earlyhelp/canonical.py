"""The canonical person record: the fields every stage means when it speaks of a person."""

from __future__ import annotations

# How one system sees a person; any of them may be missing.
PERSON_FIELDS: tuple[str, ...] = (
    "first_name",
    "middle_names",
    "surname",
    "dob",
    "sex",
    "address",
    "postcode",
    "uprn",
    "upn",
    "nhs_number",
    "ni_number",
    "ethnicity",
)
# The fields linkage compares (ethnicity is recorded for fairness audits, never to link people).
LINKAGE_FIELDS: tuple[str, ...] = tuple(f for f in PERSON_FIELDS if f != "ethnicity")
