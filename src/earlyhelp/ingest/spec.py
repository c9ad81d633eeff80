"""`sources.yaml`: how each extract maps onto the canonical person records and events.

Validated with pydantic so that a mistake names the source and the YAML key before any data is
read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from earlyhelp.canonical import PERSON_FIELDS
from earlyhelp.errors import ConfigurationError
from earlyhelp.ingest.vocabulary import EVENT_TYPES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonMap(_Strict):
    """Extract columns holding each canonical person field (absent fields are not held)."""

    first_name: str | None = None
    middle_names: str | None = None
    surname: str | None = None
    dob: str | None = None
    sex: str | None = None
    address: str | None = None
    postcode: str | None = None
    uprn: str | None = None
    upn: str | None = None
    nhs_number: str | None = None
    ni_number: str | None = None
    ethnicity: str | None = None

    def columns(self) -> dict[str, str]:
        """Canonical field -> extract column, for the fields this extract holds."""
        return {f: c for f in PERSON_FIELDS if (c := getattr(self, f)) is not None}


class EventMap(_Strict):
    """One kind of event each row records (a row may record several, e.g. a start and an end)."""

    type: str | None = Field(default=None, description="a fixed event type")
    type_column: str | None = Field(default=None, description="column whose code gives the type")
    types: dict[str, str] = Field(default_factory=dict, description="code -> event type")
    date: str = Field(description="column with the date the event happened")
    optional: bool = Field(default=False, description="a blank date means no event, not an error")
    known_date: str | None = Field(default=None, description="column with the date it was known")
    known_lag_days: int = Field(default=0, ge=0, description="else: days after the event date")
    subject: Literal["person", "account", "tenancy"] = "person"
    subject_key: str | None = Field(default=None, description="column of the subject's key")
    attributes: dict[str, str] = Field(default_factory=dict, description="name -> column")

    @model_validator(mode="after")
    def _typed(self) -> EventMap:
        if (self.type is None) == (self.type_column is None):
            raise ValueError("give exactly one of 'type' or 'type_column' (with 'types')")
        unknown = sorted({t for t in [self.type, *self.types.values()] if t} - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"event types not in the vocabulary: {', '.join(unknown)}")
        if self.type_column and not self.types:
            raise ValueError("'type_column' needs 'types' mapping its codes to event types")
        return self


class ReferenceMap(_Strict):
    """A reference table loaded as it is (areas, council tax accounts)."""

    table: Literal["area", "postcode_lsoa", "ct_account"]
    columns: dict[str, str] = Field(description="warehouse column -> extract column")
    dates: list[str] = Field(default_factory=list, description="warehouse columns holding dates")


class SourceSpec(_Strict):
    """One extract: where it is, how to read it and what its columns mean."""

    system: str
    file: str | None = Field(default=None, description="file or glob under the data folder")
    table: str | None = Field(default=None, description="or a table behind a SQLAlchemy URL")
    url: str | None = None
    format: Literal["csv", "xlsx", "parquet", "sql"] = "csv"
    encoding: str = "utf-8"
    mode: Literal["snapshot", "increment"] = Field(
        default="snapshot",
        description="snapshot: each new file replaces the source's earlier ones (a full extract); "
        "increment: every file adds to them",
    )
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"])
    record_id: str | None = Field(default=None, description="column of the system's person id")
    person: PersonMap | None = None
    events: list[EventMap] = Field(default_factory=list)
    relations: dict[Literal["account", "tenancy"], str] = Field(
        default_factory=dict, description="subject -> column: this person belongs to it"
    )
    reference: ReferenceMap | None = None

    @model_validator(mode="after")
    def _complete(self) -> SourceSpec:
        if self.format == "sql":
            if not (self.table and self.url):
                raise ValueError("a 'sql' source needs 'table' and 'url'")
        elif not self.file:
            raise ValueError("give 'file' (a name or glob under the data folder)")
        if not (self.person or self.events or self.reference):
            raise ValueError("map at least one of 'person', 'events' or 'reference'")
        if (self.person or self.relations) and not self.record_id:
            raise ValueError("'person' and 'relations' need 'record_id'")
        for event in self.events:
            if event.subject == "person" and not (event.subject_key or self.record_id):
                raise ValueError("a person event needs 'record_id' or 'subject_key'")
            if event.subject != "person" and not event.subject_key:
                raise ValueError(f"a {event.subject} event needs 'subject_key'")
        return self

    def required_columns(self) -> list[str]:
        """Every extract column the mapping names, which the header must therefore hold."""
        names = [self.record_id] if self.record_id else []
        if self.person:
            names += list(self.person.columns().values())
        for event in self.events:
            names += [
                c for c in (event.type_column, event.date, event.known_date, event.subject_key) if c
            ]
            names += list(event.attributes.values())
        names += list(self.relations.values())
        if self.reference:
            names += list(self.reference.columns.values())
        return list(dict.fromkeys(names))


class SourcesFile(_Strict):
    """The whole of `sources.yaml`."""

    sources: dict[str, SourceSpec]


def load_sources(path: Path) -> dict[str, SourceSpec]:
    """Read and validate `sources.yaml`; an error names the file, the source and the key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigurationError(f"{path}: no such sources file") from error
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{path}: not valid YAML: {error}") from error
    try:
        return SourcesFile.model_validate(raw).sources
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigurationError(f"{path}: {problems}") from error
