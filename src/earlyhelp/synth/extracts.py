"""Each system's extract in its own shape: column names, date formats, identifier schemes, file
formats and encodings differ, as they do between a council's real systems.

Every row written is traced to its true person in ``truth/record_person.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth.formats import dmony, dmy, iso, iso_or_blank, write_xlsx
from earlyhelp.synth.identity import IdentityBook
from earlyhelp.synth.params import MessProfile
from earlyhelp.synth.records import SystemProfile, assign_records, render
from earlyhelp.synth.services.revenues import liable_parties
from earlyhelp.synth.world import World

ETHNICITY_CODES = {  # DfE census main codes, and the police's 6+1 style codes
    "dfe": np.array(["WBRI", "AIND", "BAFR", "MWBC", "OOTH"]),
    "ic": np.array(["W1", "A1", "B1", "M1", "O1"]),
}

RECOVERY_STAGES = {
    "revs.ct_reminder": "Reminder",
    "revs.ct_summons": "Summons",
    "revs.ct_liability_order": "Liability Order",
}
PROFILES = {
    "csc": SystemProfile("csc", "LCS", nhs=0.7, upn=0.5, updates_details=False),
    "early_help": SystemProfile("early_help", "EH", nhs=0.3, updates_details=True),
    "education": SystemProfile("education", "SIMS", upn=1.0),
    "police": SystemProfile("police", "NOM"),
    "youth_justice": SystemProfile("youth_justice", "YJ", nhs=0.2, upn=0.3),
    "asb": SystemProfile("asb", "ASBP"),
    "housing": SystemProfile("housing", "HSG", ni=0.6, updates_details=False),
    "revenues": SystemProfile("revenues", "RB", ni=0.9, updates_details=True),
}


@dataclass
class ExtractWriter:
    """Writes extracts under ``out`` and remembers rows per file and the truth of each record."""

    world: World
    out: Path
    mess: MessProfile
    rng: np.random.Generator
    book: IdentityBook = field(init=False)
    rows: dict[str, int] = field(default_factory=dict)
    record_person: list[pd.DataFrame] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.book = IdentityBook(self.world)
        self.out.mkdir(parents=True, exist_ok=True)

    # --- plumbing -----------------------------------------------------------------------
    def records(self, system: str, events: pd.DataFrame) -> pd.DataFrame:
        """Events with the system's record id, and the truth of which person each id is."""
        profile = PROFILES[system]
        with_ids = assign_records(events, profile, self.mess, self.rng)
        truth = with_ids[["source_record_id", "person_id"]].drop_duplicates("source_record_id")
        self.record_person.append(
            truth.assign(source=system)[["source", "source_record_id", "person_id"]]
        )
        return with_ids

    def identities(
        self, system: str, person: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
    ) -> pd.DataFrame:
        return render(self.world, self.book, person, day, PROFILES[system], self.mess, self.rng)

    def person_table(self, system: str, events: pd.DataFrame) -> pd.DataFrame:
        """One identity per record, as captured at its first event (or refreshed at its last)."""
        grouped = events.groupby("source_record_id", sort=True)
        when = (
            grouped["event_date"].max()
            if PROFILES[system].updates_details
            else grouped["event_date"].min()
        )
        person = grouped["person_id"].first()
        ident = self.identities(system, person.to_numpy(), when.to_numpy().astype(np.int64))
        ident.insert(0, "source_record_id", person.index.to_numpy())
        return ident

    def write(self, frame: pd.DataFrame, name: str, encoding: str = "utf-8") -> None:
        path = self.out / name
        if name.endswith(".parquet"):
            frame.to_parquet(path, index=False)
        elif name.endswith(".xlsx"):
            write_xlsx(frame, path)
        else:
            frame.to_csv(
                path,
                index=False,
                encoding=encoding,
                lineterminator="\r\n" if encoding == "cp1252" else "\n",
            )
        self.rows[name] = len(frame)

    # --- the systems --------------------------------------------------------------------
    def areas(self) -> None:
        geo = self.world.geo
        self.write(
            pd.DataFrame(
                {"LSOA21CD": geo.lsoa_code, "LSOA21NM": geo.lsoa_name, "IMD_Decile": geo.imd_decile}
            ),
            "areas.csv",
        )
        # A postcode directory (as the ONS Postcode Directory gives): each postcode's LSOA.
        lookup = pd.DataFrame({"pcds": geo.prop_postcode, "lsoa21cd": geo.lsoa_code[geo.prop_lsoa]})
        self.write(lookup.drop_duplicates("pcds").sort_values("pcds"), "postcode_directory.csv")

    def csc(self, events: pd.DataFrame) -> None:
        ev = self.records("csc", events)
        people = self.person_table("csc", ev)
        self.write(
            pd.DataFrame(
                {
                    "LCS_ID": people["source_record_id"],
                    "FORENAME": people["first_name"],
                    "SURNAME": people["surname"],
                    "DOB": dmy(people["dob"]),
                    "GENDER": people["sex"],
                    "ETHNICITY": ETHNICITY_CODES["dfe"][people["ethnicity"]],
                    "ADDRESS": people["address"],
                    "POSTCODE": people["postcode"],
                    "NHS_NUMBER": people["nhs_number"],
                    "UPN": people["upn"],
                }
            ),
            "csc_persons.csv",
        )
        self.write(
            pd.DataFrame(
                {
                    "LCS_ID": ev["source_record_id"],
                    "EVENT": ev["event_type"].str.removeprefix("csc.").str.upper(),
                    "EVENT_DATE": dmy(iso(ev["event_date"])),
                    "RECORDED_DATE": dmy(iso(ev["known_date"])),
                    "SOURCE": ev.get("source", ""),
                    "OUTCOME": ev.get("outcome", ""),
                    "CATEGORY": ev.get("category", ""),
                }
            ).fillna(""),
            "csc_events.csv",
        )

    def early_help(self, events: pd.DataFrame) -> None:
        ev = self.records("early_help", events)
        start = ev[ev["event_type"] == "eh.episode_start"]
        end = ev[ev["event_type"] == "eh.episode_end"].set_index(["ref", "person_id"])["event_date"]
        who = self.identities(
            "early_help", start["person_id"].to_numpy(), start["event_date"].to_numpy()
        )
        end_day = end.reindex(pd.MultiIndex.from_frame(start[["ref", "person_id"]])).to_numpy()
        self.write(
            pd.DataFrame(
                {
                    "EH_REF": start["ref"].to_numpy(),
                    "CHILD_ID": start["source_record_id"].to_numpy(),
                    "FIRST_NAME": who["first_name"],
                    "LAST_NAME": who["surname"],
                    "DATE_OF_BIRTH": who["dob"],
                    "ADDRESS": who["address"],
                    "POSTCODE": who["postcode"],
                    "NHS_NO": who["nhs_number"],
                    "START_DATE": iso(start["event_date"]),
                    "END_DATE": iso_or_blank(end_day),
                    "PRIMARY_NEED": start["need"].to_numpy(),
                }
            ),
            "early_help_episodes.csv",
        )

    def education(self, events: pd.DataFrame) -> None:
        people = self.world.pop.people
        ev = events.copy()
        ev["source_record_id"] = people["upn"][ev["person_id"].to_numpy()]
        self.record_person.append(
            pd.DataFrame(
                {
                    "source": "education",
                    "source_record_id": ev["source_record_id"],
                    "person_id": ev["person_id"],
                }
            ).drop_duplicates("source_record_id")
        )
        census = ev[ev["event_type"] == "edu.census"]
        who = self.identities(
            "education", census["person_id"].to_numpy(), census["event_date"].to_numpy()
        )
        self.write(
            pd.DataFrame(
                {
                    "UPN": census["source_record_id"].to_numpy(),
                    "LegalForename": who["first_name"],
                    "LegalSurname": who["surname"],
                    "MiddleNames": who["middle_names"],
                    "DOB": who["dob"],
                    "Gender": who["sex"],
                    "Ethnicity": ETHNICITY_CODES["dfe"][who["ethnicity"]],
                    "AddressLine1": who["address"],
                    "Postcode": who["postcode"],
                    "Term": census["term"].to_numpy(),
                    "CensusDate": iso(census["event_date"]),
                    "YearGroup": census["year_group"].to_numpy(),
                    "FSMEligible": census["fsm"].to_numpy().astype(bool),
                    "SENProvision": census["sen"].to_numpy(),
                }
            ),
            "school_census.parquet",
        )
        absence = ev[ev["event_type"] == "edu.absence_term"]
        self.write(
            pd.DataFrame(
                {
                    "UPN": absence["source_record_id"],
                    "Term": absence["term"],
                    "TermEnd": iso(absence["event_date"]),
                    "SessionsPossible": absence["sessions_possible"].astype(int),
                    "AuthorisedAbsence": absence["authorised"].astype(int),
                    "UnauthorisedAbsence": absence["unauthorised"].astype(int),
                }
            ),
            "school_attendance.csv",
        )
        excl = ev[ev["event_type"].isin(["edu.suspension", "edu.permanent_exclusion"])]
        self.write(
            pd.DataFrame(
                {
                    "UPN": excl["source_record_id"],
                    "StartDate": iso(excl["event_date"]),
                    "Category": np.where(excl["event_type"] == "edu.suspension", "SUS", "PEX"),
                    "Sessions": excl["sessions"].fillna(0).astype(int),
                }
            ),
            "school_exclusions.csv",
        )

    def police(self, events: pd.DataFrame) -> None:
        ev = self.records("police", events)
        who = self.identities("police", ev["person_id"].to_numpy(), ev["event_date"].to_numpy())
        minutes = self.rng.integers(0, 24 * 60, len(ev))
        stamp = [
            f"{d} {m // 60:02d}:{m % 60:02d}"
            for d, m in zip(dmy(iso(ev["event_date"])), minutes, strict=True)
        ]
        self.write(
            pd.DataFrame(
                {
                    "IncidentRef": ev["ref"],
                    "IncidentType": np.where(
                        ev["event_type"] == "police.da_incident", "Domestic Abuse", "Missing Person"
                    ),
                    "IncidentDateTime": stamp,
                    "NotifiedDate": dmy(iso(ev["known_date"])),
                    "NominalID": ev["source_record_id"],
                    "Role": ev["role"],
                    "Surname": who["surname"].str.upper(),
                    "Forename": who["first_name"],
                    "DOB": dmony(who["dob"]),
                    "Sex": np.where(who["sex"] == "M", "Male", "Female"),
                    "Address": who["address"],
                    "Postcode": who["postcode"],
                    "DASH": ev["dash"],
                }
            ),
            "police_notifications.csv",
        )

    def youth_justice(self, events: pd.DataFrame) -> None:
        ev = self.records("youth_justice", events)
        who = self.identities(
            "youth_justice", ev["person_id"].to_numpy(), ev["event_date"].to_numpy()
        )
        self.write(
            pd.DataFrame(
                {
                    "YJS ID": ev["source_record_id"].to_numpy(),
                    "Forename": who["first_name"],
                    "Surname": who["surname"],
                    "Date of Birth": who["dob"],
                    "Sex": who["sex"],
                    "Postcode": who["postcode"],
                    "Offence Date": iso(ev["event_date"]),
                    "Offence Type": ev["offence"].to_numpy(),
                    "Outcome Date": iso(ev["known_date"]),
                    "Outcome": ev["outcome"].to_numpy(),
                }
            ),
            "youth_justice_offences.xlsx",
        )

    def asb(self, events: pd.DataFrame) -> None:
        ev = self.records("asb", events)
        who = self.identities("asb", ev["person_id"].to_numpy(), ev["event_date"].to_numpy())
        dob = np.where(self.rng.random(len(ev)) < 0.3, "", dmy(who["dob"]))  # often not asked
        self.write(
            pd.DataFrame(
                {
                    "Case Ref": ev["ref"],
                    "Date Reported": dmy(iso(ev["known_date"])),
                    "Incident Date": dmy(iso(ev["event_date"])),
                    "Category": ev["category"],
                    "Party Role": ev["role"].str.title(),
                    "Party ID": ev["source_record_id"],
                    "Forename": who["first_name"],
                    "Surname": who["surname"],
                    "DOB": dob,
                    "Address": who["address"],
                    "Postcode": who["postcode"],
                }
            ),
            "asb_cases.csv",
            encoding="cp1252",
        )

    def housing(self, events: pd.DataFrame) -> None:
        ev = self.records("housing", events)
        people = self.person_table("housing", ev).set_index("source_record_id")
        ten = ev[ev["event_type"] == "housing.tenancy_start"]
        ends = ev[ev["event_type"] == "housing.tenancy_end"].set_index("ref")["event_date"]
        p = people.loc[ten["source_record_id"]]
        self.write(
            pd.DataFrame(
                {
                    "TenancyRef": ten["ref"].to_numpy(),
                    "PersonRef": ten["source_record_id"].to_numpy(),
                    "Forename": p["first_name"].to_numpy(),
                    "Surname": p["surname"].to_numpy(),
                    "DOB": dmy(p["dob"].to_numpy()),
                    "NINO": p["ni_number"].to_numpy(),
                    "UPRN": ten["uprn"].to_numpy().astype(np.int64),
                    "Address": self.world.geo.prop_address[
                        _prop_index(self.world, ten["uprn"].to_numpy())
                    ],
                    "StartDate": dmy(iso(ten["event_date"])),
                    "EndDate": dmy(iso_or_blank(ends.reindex(ten["ref"]).to_numpy())),
                }
            ),
            "housing_tenancies.csv",
        )
        arrears = ev[ev["event_type"] == "housing.rent_arrears"]
        tenancy = _tenancy_ref_for(ten, arrears)
        self.write(
            pd.DataFrame(
                {
                    "TenancyRef": tenancy,
                    "SnapshotDate": dmy(iso(arrears["event_date"])),
                    "ArrearsBalance": arrears["amount"].to_numpy(),
                }
            ),
            "housing_rent_arrears.csv",
        )
        cases = ev[ev["event_type"] == "housing.homeless_approach"]
        decision = ev[
            ev["event_type"].str.startswith("housing.homeless_")
            & (ev["event_type"] != "housing.homeless_approach")
        ]
        decision = decision.set_index("ref")
        ta_start = ev[ev["event_type"] == "housing.ta_start"].set_index("ref")["event_date"]
        ta_end = ev[ev["event_type"] == "housing.ta_end"].set_index("ref")["event_date"]
        who = self.identities(
            "housing", cases["person_id"].to_numpy(), cases["event_date"].to_numpy()
        )
        refs = cases["ref"].to_numpy()
        duty = (
            decision["event_type"]
            .reindex(refs)
            .str.removeprefix("housing.homeless_")
            .str.removesuffix("_duty")
        )
        self.write(
            pd.DataFrame(
                {
                    "CaseRef": refs,
                    "ApplicantRef": cases["source_record_id"].to_numpy(),
                    "Forename": who["first_name"],
                    "Surname": who["surname"],
                    "DOB": who["dob"],
                    "NINO": who["ni_number"],
                    "Address": who["address"],
                    "Postcode": who["postcode"],
                    "ApproachDate": iso(cases["event_date"]),
                    "DecisionDate": iso_or_blank(decision["event_date"].reindex(refs).to_numpy()),
                    "DutyOwed": duty.replace({"no": "none"}).to_numpy(),
                    "Reason": cases["reason"].to_numpy(),
                    "TAStart": iso_or_blank(ta_start.reindex(refs).to_numpy()),
                    "TAEnd": iso_or_blank(ta_end.reindex(refs).to_numpy()),
                }
            ),
            "homelessness_cases.xlsx",
        )

    def revenues(self, events: pd.DataFrame, accounts: pd.DataFrame) -> None:
        parties = liable_parties(self.world, accounts)
        both = pd.concat(
            [events.assign(kind="event"), parties.assign(kind="party")], ignore_index=True
        )
        ev = self.records("revenues", both)
        people = self.person_table("revenues", ev).set_index("source_record_id")
        geo = self.world.geo
        props = accounts["prop"].to_numpy()
        last = self.world.calendar.month_starts[self.world.calendar.months]
        self.write(
            pd.DataFrame(
                {
                    "AccountRef": accounts["account_ref"],
                    "UPRN": geo.prop_uprn[props],
                    "PropertyAddress": geo.prop_address[props],
                    "Postcode": geo.prop_postcode[props],
                    "StartDate": iso(accounts["start_day"]),
                    "EndDate": iso_or_blank(
                        np.where(accounts["end_day"] >= last, np.nan, accounts["end_day"])
                    ),
                }
            ),
            "ctax_accounts.csv",
        )
        party = ev[ev["kind"] == "party"]
        p = people.loc[party["source_record_id"]]
        self.write(
            pd.DataFrame(
                {
                    "AccountRef": party["account_ref"].to_numpy(),
                    "PartyRef": party["source_record_id"].to_numpy(),
                    "Forename": p["first_name"].to_numpy(),
                    "Surname": p["surname"].to_numpy(),
                    "DOB": p["dob"].to_numpy(),
                    "NINO": p["ni_number"].to_numpy(),
                }
            ),
            "ctax_liable_parties.csv",
        )
        rec = ev[ev["event_type"].isin(RECOVERY_STAGES)]
        self.write(
            pd.DataFrame(
                {
                    "AccountRef": rec["account_ref"],
                    "Stage": rec["event_type"].map(RECOVERY_STAGES),
                    "StageDate": iso(rec["event_date"]),
                    "Amount": rec["amount"],
                }
            ),
            "ctax_recovery.csv",
        )
        claims = ev[ev["event_type"].str.contains("_claim_start", na=False)]
        ends = ev[ev["event_type"].str.contains("_claim_end", na=False)]
        claims = _pair_claims(claims, ends)
        p = people.loc[claims["source_record_id"]]
        who = self.identities(
            "revenues", claims["person_id"].to_numpy(), claims["event_date"].to_numpy()
        )
        self.write(
            pd.DataFrame(
                {
                    "ClaimRef": [f"BC{i:07d}" for i in range(len(claims))],
                    "ClaimantRef": claims["source_record_id"].to_numpy(),
                    "NINO": p["ni_number"].to_numpy(),
                    "Forename": p["first_name"].to_numpy(),
                    "Surname": p["surname"].to_numpy(),
                    "DOB": p["dob"].to_numpy(),
                    "Address": who["address"],
                    "Postcode": who["postcode"],
                    "BenefitType": np.where(
                        claims["event_type"].str.startswith("revs.ctr"), "CTR", "HB"
                    ),
                    "StartDate": iso(claims["event_date"]),
                    "ReceivedDate": iso(claims["known_date"]),
                    "EndDate": iso_or_blank(claims["end_date"].to_numpy()),
                }
            ),
            "benefit_claims.csv",
        )

    def truth(self) -> pd.DataFrame:
        return pd.concat(self.record_person, ignore_index=True)


def _prop_index(world: World, uprn: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    order = np.argsort(world.geo.prop_uprn)
    return np.asarray(order[np.searchsorted(world.geo.prop_uprn[order], uprn)])


def _tenancy_ref_for(tenancies: pd.DataFrame, arrears: pd.DataFrame) -> npt.NDArray[np.object_]:
    """The tenancy each arrears snapshot belongs to: the household's latest one begun by then."""
    t = tenancies[["household_id", "event_date", "ref"]].sort_values("event_date")
    a = arrears[["household_id", "event_date"]].reset_index().sort_values("event_date")
    found = pd.merge_asof(a, t, on="event_date", by="household_id", direction="backward")
    return found.sort_values("index")["ref"].fillna("").to_numpy()


def _pair_claims(starts: pd.DataFrame, ends: pd.DataFrame) -> pd.DataFrame:
    """Each claim's end: the next end of the same benefit for the same household."""
    starts = starts.assign(benefit=starts["event_type"].str.replace("_start", "", regex=False))
    ends = ends.assign(benefit=ends["event_type"].str.replace("_end", "", regex=False))
    s = starts.reset_index(drop=True).reset_index().sort_values("event_date")
    e = (
        ends[["household_id", "benefit", "event_date"]]
        .rename(columns={"event_date": "end_date"})
        .sort_values("end_date")
    )
    e["event_date"] = e["end_date"]
    found = pd.merge_asof(
        s,
        e,
        on="event_date",
        by=["household_id", "benefit"],
        direction="forward",
        allow_exact_matches=True,
    )
    return found.sort_values("index").reset_index(drop=True)
