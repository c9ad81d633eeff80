"""`sources.yaml`: how each extract maps onto the canonical person records and events.

Validated with pydantic so that a mistake names the source and the YAML key before any data is
read.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
    id: str | None = Field(
        default=None,
        description="column of the system's own event id: with it, an event seen in two files "
        "is one event even if its details were revised",
    )
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


class SnapshotChecks(_Strict):
    """What a new snapshot must pass before it replaces the current one; a snapshot that fails
    is held, and the current one stays, until a person accepts it (`ingest --accept`)."""

    min_rows_share: float = Field(
        default=0.5, ge=0, le=1, description="rows read, as a share of the current snapshot's"
    )
    max_quarantine_share: float = Field(
        default=0.2, ge=0, le=1, description="the most of a snapshot's rows that may be quarantined"
    )


# Keys that say how to check or choose files, not how to read them: changing them does not
# make an extract read differently, so they stay out of the load's identity.
NOT_IN_IDENTITY = frozenset({"checks", "snapshot_pick", "url"})


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
    snapshot_pick: Literal["date_in_name", "name"] = Field(
        default="date_in_name",
        description="which of several files matching a snapshot's glob is current: the newest "
        "by the date in its name, or the last in name order",
    )
    checks: SnapshotChecks = Field(default_factory=SnapshotChecks)
    sheet: str | None = Field(default=None, description="xlsx: the sheet to read (else the first)")
    header_row: int = Field(default=1, ge=1, description="the line or row holding the header")
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"])
    record_id: str | None = Field(default=None, description="column of the system's person id")
    person: PersonMap | None = None
    events: list[EventMap] = Field(default_factory=list)
    relations: dict[Literal["account", "tenancy"], str] = Field(
        default_factory=dict, description="subject -> column: this person belongs to it"
    )
    reference: ReferenceMap | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError as error:
            raise ValueError(
                f"unknown encoding {value!r}; use a Python codec name such as utf-8, cp1252, "
                "latin-1 or utf-16"
            ) from error
        return value

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

    def identity(self) -> str:
        """A hash of everything that decides how the extract is read: a changed mapping makes a
        new load of the same file."""
        text = self.model_dump_json(exclude=set(NOT_IN_IDENTITY))
        return hashlib.sha256(text.encode()).hexdigest()

    def required_columns(self) -> list[str]:
        """Every extract column the mapping names, which the header must therefore hold."""
        names = [self.record_id] if self.record_id else []
        if self.person:
            names += list(self.person.columns().values())
        for event in self.events:
            names += [
                c
                for c in (
                    event.type_column,
                    event.date,
                    event.known_date,
                    event.subject_key,
                    event.id,
                )
                if c
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
    except (FileNotFoundError, IsADirectoryError) as error:
        raise ConfigurationError(f"{path}: no such sources file") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigurationError(f"{path}{where}: not valid YAML ({problem})") from error
    try:
        return SourcesFile.model_validate(raw).sources
    except ValidationError as error:
        problems = "; ".join(_describe(e) for e in error.errors())
        raise ConfigurationError(f"{path}: {problems}") from error


def _describe(error: Any) -> str:
    """One validation error as `key: what is wrong`, listing the allowed keys for a typo."""
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc)
    if error["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else ""
        return f"{key}: not a key here" + (f"; allowed: {allowed}" if allowed else "")
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}: {message}"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model a location in `sources.yaml` points into (dict keys and list indices skipped)."""
    model: type[BaseModel] | None = SourcesFile
    skip = False
    for part in loc:
        if skip:
            skip = False
            continue
        info = model.model_fields.get(str(part)) if model else None
        if info is None:
            return None
        skip = get_origin(info.annotation) in (dict, list)
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if found := _inner_model(arg):
            return found
    return None
