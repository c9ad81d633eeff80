"""Validation: each readable row becomes canonical person, event and relation rows, or goes to
quarantine with the field and the reason. Nothing is dropped silently."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from earlyhelp.ingest.readers import RawTable
from earlyhelp.ingest.spec import EventMap, SourceSpec

EARLIEST_BIRTH = pd.Timestamp("1900-01-01")
EARLIEST_EVENT = pd.Timestamp("1990-01-01")
# Text that a spreadsheet would run as a formula: a classic way to smuggle commands into files.
FORMULA = r"^\s*[=+@]|^\s*-[^0-9\s]"
TEXT_FIELDS = ("first_name", "middle_names", "surname", "address", "postcode")


@dataclass
class Validated:
    """What one extract yields: canonical rows of each kind and the quarantined rows."""

    people: pd.DataFrame
    events: pd.DataFrame
    relations: pd.DataFrame
    reference: pd.DataFrame
    quarantine: pd.DataFrame
    rows_loaded: int


class _Faults:
    """The first fault found in each row, by row position."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.field = pd.Series("", index=frame.index, dtype=object)
        self.reason = pd.Series("", index=frame.index, dtype=object)

    def flag(self, mask: pd.Series, field: str, reason: pd.Series | str) -> None:
        fresh = mask & (self.reason == "")
        self.field[fresh] = field
        self.reason[fresh] = reason[fresh] if isinstance(reason, pd.Series) else reason

    @property
    def bad(self) -> pd.Series:
        return self.reason != ""


def parse_dates(values: pd.Series, formats: list[str]) -> pd.Series:
    """Dates in any of the source's formats (tried in order); blank or unreadable gives NaT."""
    text = values.fillna("").astype(str).str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        missing = out.isna() & (text != "")
        if not missing.any():
            break
        out[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce")
    return pd.Series(out.dt.normalize(), index=values.index)


def validate(spec: SourceSpec, table: RawTable, today: dt.date) -> Validated:
    """Check every row against the mapping; return canonical rows and the quarantine."""
    frame = table.frame()
    faults = _Faults(frame)
    latest = pd.Timestamp(today)
    if spec.record_id:
        faults.flag(frame[spec.record_id].str.strip() == "", spec.record_id, "record id is blank")

    person = spec.person.columns() if spec.person else {}
    for name in TEXT_FIELDS:
        if name in person:
            column = person[name]
            faults.flag(
                frame[column].str.contains(FORMULA, regex=True),
                column,
                "text that a spreadsheet would run as a formula",
            )
    dob = None
    if "dob" in person:
        column = person["dob"]
        dob = parse_dates(frame[column], spec.date_formats)
        given = frame[column].str.strip() != ""
        faults.flag(
            given & dob.isna(),
            column,
            "date of birth in none of the formats " + ", ".join(spec.date_formats),
        )
        faults.flag(dob < EARLIEST_BIRTH, column, "date of birth before 1900")
        faults.flag(dob > latest, column, "date of birth in the future")

    event_frames = [
        _events(spec, event, i, frame, faults, latest) for i, event in enumerate(spec.events)
    ]
    reference = _reference(spec, frame, faults)
    good = ~faults.bad
    events = (
        pd.concat([e[good[e.index]] for e in event_frames], ignore_index=True)
        if event_frames
        else pd.DataFrame()
    )
    people = pd.DataFrame()
    if person:
        people = pd.DataFrame({"source_record_id": frame[spec.record_id].str.strip()})
        for name, column in person.items():
            people[name] = frame[column].str.strip().replace("", None)
        if dob is not None:
            people["dob"] = dob.dt.date
        people["seen_date"] = _first_event_date(event_frames, frame.index)
        people["_line"] = frame["_line"]
        people = people[good]
    relations = pd.DataFrame()
    if spec.relations:
        relations = pd.concat(
            [
                pd.DataFrame(
                    {
                        "subject": subject,
                        "subject_key": frame[column].str.strip(),
                        "source_record_id": frame[spec.record_id].str.strip(),
                    }
                )[good]
                for subject, column in spec.relations.items()
            ],
            ignore_index=True,
        )
    quarantine = pd.concat(
        [
            pd.DataFrame(
                {
                    "line": frame["_line"][~good],
                    "field": faults.field[~good],
                    "reason": faults.reason[~good],
                    "raw": frame[~good]
                    .drop(columns="_line")
                    .apply(lambda r: json.dumps(dict(r), ensure_ascii=False), axis=1)
                    .astype(object)
                    if (~good).any()
                    else pd.Series(dtype=object),
                }
            ),
            pd.DataFrame(
                [
                    {"line": p.line, "field": p.field, "reason": p.reason, "raw": p.raw}
                    for p in table.problems
                ],
                columns=["line", "field", "reason", "raw"],
            ),
        ],
        ignore_index=True,
    )
    return Validated(
        people,
        events,
        relations,
        reference[good] if len(reference) else reference,
        quarantine,
        int(good.sum()),
    )


def _events(
    spec: SourceSpec,
    event: EventMap,
    index: int,
    frame: pd.DataFrame,
    faults: _Faults,
    latest: pd.Timestamp,
) -> pd.DataFrame:
    """One event per row for this mapping (blank optional dates give none)."""
    when = parse_dates(frame[event.date], spec.date_formats)
    given = frame[event.date].str.strip() != ""
    faults.flag(~given & (not event.optional), event.date, "event date is blank")
    faults.flag(
        given & when.isna(),
        event.date,
        "date in none of the formats " + ", ".join(spec.date_formats),
    )
    faults.flag(when < EARLIEST_EVENT, event.date, "event date before 1990")
    faults.flag(when > latest, event.date, "event date in the future")
    if event.type_column:
        code = frame[event.type_column].str.strip()
        kind = code.map(event.types)
        faults.flag(
            kind.isna() & ((given) | (not event.optional)),
            event.type_column,
            "code '" + code + f"' is not one of {sorted(event.types)}",
        )
    else:
        kind = pd.Series(event.type, index=frame.index)
    if event.known_date:
        known = parse_dates(frame[event.known_date], spec.date_formats)
        known_given = frame[event.known_date].str.strip() != ""
        faults.flag(
            known_given & known.isna(),
            event.known_date,
            "date in none of the formats " + ", ".join(spec.date_formats),
        )
        faults.flag(known < when, event.known_date, "known before it happened")
        known = known.fillna(when)
    else:
        known = when + pd.Timedelta(days=event.known_lag_days)
    key_column = event.subject_key or spec.record_id
    assert key_column is not None  # the spec's validator guarantees it
    key = frame[key_column].str.strip()
    faults.flag(key == "", key_column, f"{event.subject} key is blank")
    attributes = frame[list(event.attributes.values())].rename(
        columns={v: k for k, v in event.attributes.items()}
    )
    attributes_json = (
        [json.dumps(a, ensure_ascii=False) for a in attributes.to_dict("records")]
        if event.attributes
        else ["{}"] * len(frame)
    )
    out = pd.DataFrame(
        {
            "event_id": frame["_line"].astype(str) + f":{index}",
            "subject": event.subject,
            "subject_key": key,
            "event_type": kind,
            "event_date": when.dt.date,
            "known_date": known.dt.date,
            "attributes": attributes_json,
            "natural_id": frame[event.id].str.strip() if event.id else None,
            "_line": frame["_line"],
        },
        index=frame.index,
    )
    return out[given] if event.optional else out


def _first_event_date(event_frames: list[pd.DataFrame], index: pd.Index) -> pd.Series:
    """The earliest event date of each row: when the system saw the person with these details."""
    dates = (
        pd.concat([pd.to_datetime(e["event_date"]).reindex(index) for e in event_frames], axis=1)
        if event_frames
        else pd.DataFrame(index=index)
    )
    earliest = pd.Series(dates.min(axis=1) if len(dates.columns) else pd.NaT, index=index)
    return pd.Series(earliest.dt.date, index=index)


def _reference(spec: SourceSpec, frame: pd.DataFrame, faults: _Faults) -> pd.DataFrame:
    if not spec.reference:
        return pd.DataFrame()
    out = pd.DataFrame(
        {name: frame[column].str.strip() for name, column in spec.reference.columns.items()},
        index=frame.index,
    )
    for name in spec.reference.dates:
        parsed = parse_dates(out[name], spec.date_formats)
        faults.flag(
            (out[name] != "") & parsed.isna(),
            spec.reference.columns[name],
            "date in none of the formats " + ", ".join(spec.date_formats),
        )
        out[name] = parsed.dt.date
    return out
