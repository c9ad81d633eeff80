"""The characteristics a model is audited by, each defined once: ethnicity as the ONS 2021
broad groups, sex, age band, disability and the IMD decile of home.

Ethnicity arrives in each source's own coding (DfE census codes, the police's self-defined 16+1
and officer-defined IC codes, NHS letter codes, or words); every spelling is read into the five
broad groups here, so no audit depends on how one system writes it. A person's group is the
commonest broad group among their records (a tie goes to the first in ONS order, so that reruns
agree); "not stated" and refused codes count as missing.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

# ONS Census 2021 broad ethnic groups, by short name (in ONS order).
BROAD_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
ONS_NAMES = {
    "Asian": "Asian, Asian British or Asian Welsh",
    "Black": "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed": "Mixed or Multiple ethnic groups",
    "White": "White",
    "Other": "Other ethnic group",
}
_CODES: dict[str, str] = {
    # DfE school census main codes (Chinese is in the Asian group in the 2021 census)
    **dict.fromkeys(["WBRI", "WIRI", "WIRT", "WOTH", "WROM"], "White"),
    **dict.fromkeys(["MWBC", "MWBA", "MWAS", "MOTH"], "Mixed"),
    **dict.fromkeys(["AIND", "APKN", "ABAN", "AOTH", "CHNE"], "Asian"),
    **dict.fromkeys(["BCRB", "BAFR", "BOTH"], "Black"),
    "OOTH": "Other",
    # self-defined 16+1 codes (police, many case systems)
    **dict.fromkeys(["W1", "W2", "W3", "W9"], "White"),
    **dict.fromkeys(["M1", "M2", "M3", "M9"], "Mixed"),
    **dict.fromkeys(["A1", "A2", "A3", "A9", "O1"], "Asian"),
    **dict.fromkeys(["B1", "B2", "B9"], "Black"),
    "O9": "Other",
    # officer-defined IC codes
    **dict.fromkeys(["IC1", "IC2"], "White"),
    "IC3": "Black",
    **dict.fromkeys(["IC4", "IC5"], "Asian"),
    "IC6": "Other",
    # NHS data dictionary letter codes
    **dict.fromkeys(["A", "B", "C"], "White"),
    **dict.fromkeys(["D", "E", "F", "G"], "Mixed"),
    **dict.fromkeys(["H", "J", "K", "L", "R"], "Asian"),
    **dict.fromkeys(["M", "N", "P"], "Black"),
    "S": "Other",
}
_WORDS = (  # checked in order: "White and Black Caribbean" is Mixed, not White
    (("mixed", "multiple", " and "), "Mixed"),
    (("white", "irish", "gypsy", "roma", "traveller"), "White"),
    (("asian", "indian", "pakistani", "bangladeshi", "chinese"), "Asian"),
    (("black", "african", "caribbean"), "Black"),
    (("arab", "other"), "Other"),
)

AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-4"),
    (5, "5-10"),
    (11, "11-15"),
    (16, "16-17"),
    (18, "18-24"),
    (25, "25-44"),
    (45, "45-64"),
    (65, "65+"),
)
DISABILITY_MISSING = (
    "disability is not recorded by any source the warehouse holds (no extract maps a "
    "disability field), so the audit cannot be made; it is not inferred from other fields"
)


def broad_ethnicity(value: object) -> str | None:
    """The ONS broad group of one recorded value (None for not stated, refused or unknown)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    code = text.upper()
    if code in _CODES:
        return _CODES[code]
    lower = f" {text.lower()} "
    if any(word in lower for word in ("not stated", "refused", "not known", "unknown")):
        return None
    for words, group in _WORDS:
        if any(word in lower for word in words):
            return group
    return None


def person_ethnicity(con: duckdb.DuckDBPyConnection) -> pd.Series:
    """Each linked person's broad ethnic group, indexed by person_id (people with none recorded
    are absent)."""
    records = con.execute(
        """
        SELECT l.person_id, r.ethnicity
        FROM person_link l JOIN current_person_record r
          ON r.system = l.system AND r.source_record_id = l.source_record_id
        WHERE r.ethnicity IS NOT NULL AND trim(r.ethnicity) <> ''
        """
    ).df()
    spelled = pd.Series(records["ethnicity"].unique())
    mapping = dict(zip(spelled, spelled.map(broad_ethnicity), strict=True))
    records["group"] = records["ethnicity"].map(mapping)
    records = records.dropna(subset=["group"])
    counts = records.groupby(["person_id", "group"]).size().rename("records").reset_index()
    counts["order"] = counts["group"].map({g: i for i, g in enumerate(BROAD_GROUPS)})
    best = counts.sort_values(["person_id", "records", "order"], ascending=[True, False, True])
    return best.drop_duplicates("person_id").set_index("person_id")["group"]


def age_band(age: pd.Series) -> pd.Series:
    """Age in years as a band (missing stays missing)."""
    edges = [low for low, _ in AGE_BANDS] + [200]
    labels = [name for _, name in AGE_BANDS]
    banded = pd.cut(age, bins=edges, labels=labels, right=False)
    return banded.astype(object).where(banded.notna(), None)


def sex(male: pd.Series) -> pd.Series:
    """The recorded sex feature (1 male, 0 female) as words."""
    return male.map({1.0: "male", 0.0: "female"})


def imd_decile(decile: pd.Series) -> pd.Series:
    """IMD decile (1 most deprived) as text, missing stays missing."""
    return decile.map(lambda d: None if pd.isna(d) else str(int(d)))
