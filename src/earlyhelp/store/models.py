"""The store's tables as SQLAlchemy 2 models; every change here comes with a migration.

History is append-only: an alert's status changes are rows of ``alert_event``, never edits of
the past, and a replaced month keeps its alerts (marked superseded) rather than deleting them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Constraint names fixed by convention, so that migrations name them the same on every engine.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every store model."""

    metadata = MetaData(naming_convention=NAMING)


def UTCDateTime() -> DateTime:  # noqa: N802 (reads as the column type it stands for)
    """A timestamp with its zone; SQLite keeps it naive, so repositories write UTC only."""
    return DateTime(timezone=True)


class Publication(Base):
    """One outcome's alerts for one month, as one monthly run published them."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    outcome: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[dt.date] = mapped_column(Date)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(128))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    alert_count: Mapped[int] = mapped_column(Integer)
    replaced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    replaced_reason: Mapped[str | None] = mapped_column(Text)

    alerts: Mapped[list[Alert]] = relationship(back_populates="publication")

    __table_args__ = (
        # One publication in force per outcome and month; replaced ones stay as history.
        Index(
            "uq_publication_current",
            "month",
            "outcome",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
    )


class Alert(Base):
    """Work for a team: who (pseudonymous ids only), how strong the risk is, and why."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    outcome: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # new | additional_report | step_down
    unit_type: Mapped[str] = mapped_column(String(16))  # person | household | account
    unit_id: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[str | None] = mapped_column(String(64))
    assigned_to: Mapped[str | None] = mapped_column(String(128))
    ventile: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)  # the model's raw score: the ranking
    probability: Mapped[float] = mapped_column(Float)
    probability_low: Mapped[float] = mapped_column(Float)
    probability_high: Mapped[float] = mapped_column(Float)
    band_precision: Mapped[float] = mapped_column(Float)
    band_precision_low: Mapped[float] = mapped_column(Float)
    band_precision_high: Mapped[float] = mapped_column(Float)
    band_rows: Mapped[int] = mapped_column(Integer)
    band_positives: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[list[Any]] = mapped_column(JSON)  # the qualifying units, with their risk
    factors: Mapped[list[Any]] = mapped_column(JSON)
    household_members: Mapped[list[Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    publication: Mapped[Publication] = relationship(back_populates="alerts")
    history: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", order_by="AlertEvent.id"
    )

    __table_args__ = (
        Index("ix_alert_team_status", "team", "status"),
        Index("ix_alert_unit", "outcome", "unit_id"),
    )


class AlertEvent(Base):
    """One step of an alert's life: who did what, when, and why. Never updated."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)

    alert: Mapped[Alert] = relationship(back_populates="history")


class DataQualityReport(Base):
    """A record a practitioner found wrong while working an alert: the source and record named."""

    __tablename__ = "data_quality_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(128))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OptOut(Base):
    """A person who is not to be alerted on: who recorded it, when and why; withdrawal kept."""

    __tablename__ = "opt_out"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(128))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
