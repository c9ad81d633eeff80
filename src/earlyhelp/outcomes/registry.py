"""The outcomes earlyhelp models, by name."""

from __future__ import annotations

from earlyhelp.outcomes.base import Outcome
from earlyhelp.outcomes.debt import DEBT
from earlyhelp.outcomes.homelessness import HOMELESSNESS
from earlyhelp.outcomes.safeguarding import SAFEGUARDING
from earlyhelp.outcomes.youth_asb import YOUTH_ASB

OUTCOMES: dict[str, Outcome] = {o.name: o for o in (SAFEGUARDING, HOMELESSNESS, YOUTH_ASB, DEBT)}
