"""The opt-out register: people who are not to be alerted on, with who, when and why."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp.errors import AlertError
from earlyhelp.store.db import utcnow
from earlyhelp.store.models import OptOut


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise AlertError(f"{what} is required")
    return value.strip()


def add_opt_out(session: Session, person_id: str, by: str, reason: str) -> OptOut:
    """Record an opt-out (an existing active one is returned unchanged)."""
    person_id, by, reason = (
        _required(person_id, "the person id"),
        _required(by, "who records it"),
        _required(reason, "a reason"),
    )
    active = session.scalars(
        select(OptOut).where(OptOut.person_id == person_id, OptOut.withdrawn_at.is_(None))
    ).first()
    if active is not None:
        return active
    entry = OptOut(person_id=person_id, recorded_by=by, recorded_at=utcnow(), reason=reason)
    session.add(entry)
    session.flush()
    return entry


def withdraw_opt_out(session: Session, person_id: str, by: str, reason: str) -> OptOut:
    """End a person's active opt-out; the record stays, with who withdrew it and why."""
    active = session.scalars(
        select(OptOut).where(OptOut.person_id == person_id, OptOut.withdrawn_at.is_(None))
    ).first()
    if active is None:
        raise AlertError(f"{person_id} has no active opt-out")
    active.withdrawn_at = utcnow()
    active.withdrawn_by = _required(by, "who withdraws it")
    active.withdrawn_reason = _required(reason, "a reason")
    return active


def opted_out(session: Session) -> set[str]:
    """Every person with an active opt-out."""
    return set(session.scalars(select(OptOut.person_id).where(OptOut.withdrawn_at.is_(None))).all())


def opt_outs(session: Session) -> list[OptOut]:
    """The whole register, oldest first, withdrawn entries included."""
    return list(session.scalars(select(OptOut).order_by(OptOut.id)).all())
