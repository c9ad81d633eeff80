"""Declarative feature families: which events, over which windows, in whose household, and the
plain-English words that explanations use for each feature.

A family expands into one feature per window (counts of events in the last 3, 6, 12, 24 months
and ever) and one for the days since the latest such event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WINDOWS: tuple[int | None, ...] = (3, 6, 12, 24, None)  # months; None is ever


@dataclass(frozen=True)
class Family:
    """Events of some types, counted for the person or for the others in their household."""

    name: str
    event_types: tuple[str, ...]
    noun: str  # singular
    plural: str
    scope: Literal["person", "household"] = "person"
    windows: tuple[int | None, ...] = WINDOWS
    direction: str = "raises"  # how the factor tends to move the risk, in words
    role: str | None = None  # only events where the person had this role (police, ASB)
    dash: str | None = None  # only domestic-abuse notifications assessed at this DASH level

    def feature_names(self) -> list[str]:
        """Every feature this family yields, in a stable order."""
        return [self.feature_name(w) for w in self.windows] + [f"{self.name}_days_since"]

    def feature_name(self, window: int | None) -> str:
        return f"{self.name}_{'ever' if window is None else f'{window}m'}"

    def describe(self, feature: str, value: float) -> str:
        """The feature and its value in words, e.g. '2 police domestic-abuse notifications at
        home in the last 6 months'."""
        where = " in the household" if self.scope == "household" else ""
        if feature.endswith("_days_since"):
            days = int(value)
            return f"{days} day{'' if days == 1 else 's'} since the latest {self.noun}{where}"
        count = int(value)
        noun = self.noun if count == 1 else self.plural
        window = feature.removeprefix(self.name + "_")
        period = "ever" if window == "ever" else f"in the last {window.removesuffix('m')} months"
        return f"{count} {noun}{where} {period}"


FAMILIES: tuple[Family, ...] = (
    Family(
        "csc_referrals",
        ("csc.referral",),
        "referral to children's social care",
        "referrals to children's social care",
    ),
    Family(
        "csc_contacts",
        ("csc.contact",),
        "contact with children's social care",
        "contacts with children's social care",
    ),
    Family("s47_enquiries", ("csc.s47_enquiry",), "section 47 enquiry", "section 47 enquiries"),
    Family("cp_plans", ("csc.cp_plan_start",), "child protection plan", "child protection plans"),
    Family("early_help", ("eh.episode_start",), "early help episode", "early help episodes"),
    Family("suspensions", ("edu.suspension",), "suspension from school", "suspensions from school"),
    Family(
        "police_da",
        ("police.da_incident",),
        "police domestic-abuse notification",
        "police domestic-abuse notifications",
    ),
    Family(
        "household_police_da",
        ("police.da_incident",),
        "police domestic-abuse notification",
        "police domestic-abuse notifications",
        scope="household",
    ),
    Family(
        "missing_episodes",
        ("police.missing_episode",),
        "missing-person episode",
        "missing-person episodes",
    ),
    Family(
        "asb_perpetrator",
        ("asb.perpetrator",),
        "anti-social behaviour case as perpetrator",
        "anti-social behaviour cases as perpetrator",
    ),
    Family("youth_offences", ("yjs.offence",), "youth offence", "youth offences"),
    Family(
        "homeless_approaches",
        ("housing.homeless_approach",),
        "homelessness approach",
        "homelessness approaches",
    ),
    Family(
        "household_homeless_approaches",
        ("housing.homeless_approach",),
        "homelessness approach",
        "homelessness approaches",
        scope="household",
    ),
    Family(
        "rent_arrears",
        ("housing.rent_arrears",),
        "quarter in rent arrears",
        "quarters in rent arrears",
    ),
    Family("ct_reminders", ("revs.ct_reminder",), "council tax reminder", "council tax reminders"),
    Family("ct_summonses", ("revs.ct_summons",), "council tax summons", "council tax summonses"),
    Family(
        "ct_liability_orders",
        ("revs.ct_liability_order",),
        "council tax liability order",
        "council tax liability orders",
    ),
    Family(
        "household_ct_summonses",
        ("revs.ct_summons",),
        "council tax summons",
        "council tax summonses",
        scope="household",
    ),
    Family(
        "benefit_claims",
        ("revs.ctr_claim_start", "revs.hb_claim_start"),
        "benefit claim",
        "benefit claims",
    ),
    Family(
        "household_referrals",
        ("csc.referral",),
        "referral to children's social care",
        "referrals to children's social care",
        scope="household",
    ),
    Family(
        "household_benefit_claims",
        ("revs.ctr_claim_start", "revs.hb_claim_start"),
        "benefit claim",
        "benefit claims",
        scope="household",
    ),
    Family(
        "household_rent_arrears",
        ("housing.rent_arrears",),
        "quarter in rent arrears",
        "quarters in rent arrears",
        scope="household",
    ),
    Family(
        "household_asb",
        ("asb.perpetrator",),
        "anti-social behaviour case as perpetrator",
        "anti-social behaviour cases as perpetrator",
        scope="household",
    ),
    Family(
        "household_missing",
        ("police.missing_episode",),
        "missing-person episode",
        "missing-person episodes",
        scope="household",
    ),
    Family(
        "da_victim",
        ("police.da_incident",),
        "domestic-abuse notification as victim",
        "domestic-abuse notifications as victim",
        role="victim",
    ),
    Family(
        "da_perpetrator",
        ("police.da_incident",),
        "domestic-abuse notification as perpetrator",
        "domestic-abuse notifications as perpetrator",
        role="perpetrator",
    ),
    Family(
        "da_child_present",
        ("police.da_incident",),
        "domestic-abuse notification with the child present",
        "domestic-abuse notifications with the child present",
        role="child present",
    ),
    Family(
        "household_da_high_risk",
        ("police.da_incident",),
        "high-risk (DASH) domestic-abuse notification",
        "high-risk (DASH) domestic-abuse notifications",
        scope="household",
        dash="high",
    ),
    Family(
        "household_cp_plans",
        ("csc.cp_plan_start",),
        "child protection plan",
        "child protection plans",
        scope="household",
    ),
    Family(
        "household_youth_offences",
        ("yjs.offence",),
        "youth offence",
        "youth offences",
        scope="household",
    ),
    Family(
        "household_suspensions",
        ("edu.suspension",),
        "suspension from school",
        "suspensions from school",
        scope="household",
    ),
    Family(
        "assessments",
        ("csc.assessment",),
        "social care assessment",
        "social care assessments",
        windows=(12, None),
    ),
    Family(
        "cp_plans_ended",
        ("csc.cp_plan_end", "csc.cla_end"),
        "child protection plan or care episode ended",
        "child protection plans or care episodes ended",
        windows=(12, None),
    ),
    Family(
        "permanent_exclusions",
        ("edu.permanent_exclusion",),
        "permanent exclusion from school",
        "permanent exclusions from school",
        windows=(24, None),
    ),
    Family(
        "asb_victim",
        ("asb.victim",),
        "anti-social behaviour case as victim",
        "anti-social behaviour cases as victim",
        windows=(12, None),
    ),
)
