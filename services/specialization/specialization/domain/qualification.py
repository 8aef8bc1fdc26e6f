"""Who qualifies for a job role, and until when (SP-3, SP-4, SP-14, CE-1).

- A certification alternative needs the badge *current* on the day (career certifications must be current, SP-3).
- An exam passes counts, however old, while its number is unchanged (No Retest, SP-4). An exam replaced by a new
  number stays equivalent to it, unless the announcement said existing holders must take the new exam: then passes
  of the old number stop counting on the announcement's effective date (CE-1, SP-14).
- An alternative naming a Specialist badge and its exams is met by the badge OR the exams (SP-4).
- Membership of the partner bounds everything: a person who left holds no role (SP-14).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from specialization.domain.calendar import FOREVER
from specialization.domain.catalog import Alternative


@dataclass(frozen=True)
class Badge:
    certification: str
    kind: str
    achieved_on: date
    expires_on: date | None = None
    expired_on: date | None = None

    def valid_until(self) -> date:
        """The first day the badge no longer counts (FOREVER when it does not expire)."""
        ends = [d for d in (self.expires_on, self.expired_on) if d is not None]
        return min(ends) if ends else FOREVER

    def current_on(self, day: date) -> bool:
        return self.achieved_on <= day < self.valid_until()


@dataclass(frozen=True)
class Replacement:
    """Exam ``old`` was replaced by ``new`` (CE-1); ``required``: existing holders must pass ``new`` by ``effective_on``."""

    old: str
    new: str
    required: bool
    effective_on: date


@dataclass(frozen=True)
class PersonFacts:
    badges: Mapping[str, Badge] = field(default_factory=dict)
    exams: Mapping[str, date] = field(default_factory=dict)  # exam number -> first pass


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    until: date = FOREVER  # first day it no longer holds (FOREVER: indefinitely)
    via: str = ""  # the certification code or "exams"
    missing: str = ""  # what is missing, when not qualified


def _forward_chain(exam: str, replacements: Mapping[str, Replacement]) -> list[Replacement]:
    chain: list[Replacement] = []
    seen = {exam}
    current = replacements.get(exam)
    while current is not None and current.new not in seen:
        chain.append(current)
        seen.add(current.new)
        current = replacements.get(current.new)
    return chain


def pass_counts_until(passed: str, required: str, replacements: Mapping[str, Replacement]) -> date | None:
    """Until when a pass of exam ``passed`` counts for a requirement naming ``required``; None when it never does."""
    chain = _forward_chain(passed, replacements)
    related = passed == required or any(r.new == required for r in chain)
    if not related:  # a newer exam counts for an older listing too
        related = any(r.new == passed for r in _forward_chain(required, replacements))
    if not related:
        return None
    ends = [r.effective_on for r in chain if r.required]
    return min(ends) if ends else FOREVER


def exam_until(required: str, facts: PersonFacts, replacements: Mapping[str, Replacement]) -> date | None:
    best: date | None = None
    for passed in facts.exams:
        until = pass_counts_until(passed, required, replacements)
        if until is not None and (best is None or until > best):
            best = until
    return best


def alternative_until(
    alternative: Alternative, facts: PersonFacts, replacements: Mapping[str, Replacement], day: date
) -> date | None:
    """Until when the alternative is met from ``day`` on; None when it is not met on ``day``."""
    candidates: list[date] = []
    if alternative.certification:
        badge = facts.badges.get(alternative.certification)
        if badge is not None and badge.current_on(day):
            candidates.append(badge.valid_until())
    if alternative.exams:
        ends = [exam_until(e, facts, replacements) for e in alternative.exams]
        if all(e is not None for e in ends):
            candidates.append(min(e for e in ends if e is not None))
    candidates = [c for c in candidates if c > day]
    return max(candidates) if candidates else None


def qualify(
    alternatives: Iterable[Alternative],
    facts: PersonFacts,
    replacements: Mapping[str, Replacement],
    day: date,
) -> Qualification:
    """The best alternative the person meets on ``day`` (the one that lasts longest)."""
    alternatives = tuple(alternatives)
    best: Qualification | None = None
    for alternative in alternatives:
        until = alternative_until(alternative, facts, replacements, day)
        if until is not None and (best is None or until > best.until):
            via = alternative.certification if alternative.certification and _badge_met(alternative, facts, day) else "exams"
            best = Qualification(True, until, via)
    if best is not None:
        return best
    wanted = " | ".join(a.describe() for a in alternatives) or "nothing defined"
    return Qualification(False, missing=f"needs {wanted}")


def _badge_met(alternative: Alternative, facts: PersonFacts, day: date) -> bool:
    badge = facts.badges.get(alternative.certification or "")
    return badge is not None and badge.current_on(day)


@dataclass(frozen=True)
class Membership:
    be_geo_id: str
    started_on: date
    ended_on: date | None = None  # the first day the person is no longer a member


def member_until(memberships: Iterable[Membership], be_geo_id: str, day: date) -> date | None:
    """Until when the person is a member of the partner from ``day`` on; None when not a member on ``day``."""
    for m in memberships:
        if m.be_geo_id == be_geo_id and m.started_on <= day and (m.ended_on is None or day < m.ended_on):
            return m.ended_on or FOREVER
    return None


@dataclass(frozen=True)
class Holding:
    """A holder's standing in a role: when the role falls vacant, and why (SP-14)."""

    vacates_on: date | None  # None: nothing known that would end it
    reason: str = ""
    certification: str = ""  # the qualifying certification whose expiry ends it (NO-4 warnings)


def holding(
    alternatives: Iterable[Alternative],
    facts: PersonFacts,
    memberships: Iterable[Membership],
    replacements: Mapping[str, Replacement],
    be_geo_id: str,
    day: date,
) -> Holding:
    """When a holder's role falls vacant, judged on ``day``: now if they no longer qualify or left."""
    until_member = member_until(memberships, be_geo_id, day)
    if until_member is None:
        return Holding(day, "left")
    q = qualify(alternatives, facts, replacements, day)
    if not q.qualified:
        return Holding(day, "qualification_lapsed")
    if until_member <= q.until:
        return Holding(None if until_member == FOREVER else until_member, "left" if until_member != FOREVER else "")
    return Holding(q.until, "qualification_lapsed", q.via if q.via != "exams" else "exams")
