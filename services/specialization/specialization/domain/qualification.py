"""Who qualifies for a job role, and until when (SP-3, SP-4, SP-14, CE-1).

- A certification alternative needs the badge *current* on the day (career certifications must be current, SP-3).
- An exam passes counts, however old, while its number is unchanged (No Retest, SP-4). An exam replaced by a new
  number stays equivalent to it, unless the announcement said existing holders must take the new exam: then passes
  of the old number stop counting on the announcement's effective date (CE-1, SP-14).
- An alternative naming a Specialist badge and its exams is met by the badge OR the exams (SP-4).
- An alternative naming a certification that certification announced as a Specialist badge (kind
  ``cqs_specialist``, projected from ``certification.requirements.changed``) is also met by passes of every exam of
  one of the required alternatives of that badge's version in force on the day (CE-10, SP-4): its holder stays
  qualified after the badge expires. The passes count like any SP-4 exam requirement (replacements included); when a
  later version of the badge takes effect, its exams decide from its effective date. Career certifications and
  Representative CQS are judged by the badge alone (SP-4 does not apply to career certifications themselves).
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
class CertificationVersion:
    """One version of a certification's requirements, as certification announced it (CE-2, CE-10)."""

    version: int
    effective_on: date | None  # None: in force since always
    required_exams: tuple[tuple[str, ...], ...] = ()  # alternatives: every exam of one achieves it


@dataclass(frozen=True)
class CertificationRequirements:
    """Every version of one certification's requirements; ``kind`` as the latest version says."""

    code: str
    kind: str
    versions: tuple[CertificationVersion, ...] = ()

    @property
    def specialist(self) -> bool:
        return self.kind == "cqs_specialist"

    def in_force(self, day: date) -> CertificationVersion | None:
        """The version in force on ``day``: the latest effective one (the higher number on the same date)."""
        found = [v for v in self.versions if v.effective_on is None or v.effective_on <= day]
        return max(found, key=lambda v: (v.effective_on or date.min, v.version), default=None)

    def next_after(self, day: date) -> CertificationVersion | None:
        later = [v for v in self.versions if v.effective_on is not None and v.effective_on > day]
        return min(later, key=lambda v: (v.effective_on, v.version), default=None)


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


def exams_until(exams: Iterable[str], facts: PersonFacts, replacements: Mapping[str, Replacement]) -> date | None:
    """Until when passes of every exam of the list count (SP-4); None when one is missing."""
    ends = [exam_until(e, facts, replacements) for e in exams]
    if not ends or any(e is None for e in ends):
        return None
    return min(e for e in ends if e is not None)


def component_exams_until(
    requirements: CertificationRequirements, facts: PersonFacts, replacements: Mapping[str, Replacement], day: date
) -> date | None:
    """CE-10/SP-4: until when the Specialist badge's component exams meet a role from ``day`` on: every exam of one
    required alternative of the version in force; a later version decides from its own effective date."""
    version = requirements.in_force(day)
    if version is None:
        return None
    ends = [u for u in (exams_until(alt, facts, replacements) for alt in version.required_exams) if u is not None]
    until = max(ends, default=None)
    if until is None or until <= day:
        return None
    following = requirements.next_after(day)
    if following is not None and following.effective_on is not None and until >= following.effective_on:
        later = component_exams_until(requirements, facts, replacements, following.effective_on)
        return later if later is not None else following.effective_on
    return until


def _specialist(alternative: Alternative, certifications: Mapping[str, CertificationRequirements]) -> CertificationRequirements | None:
    found = certifications.get(alternative.certification or "")
    return found if found is not None and found.specialist else None


def alternative_until(
    alternative: Alternative,
    facts: PersonFacts,
    replacements: Mapping[str, Replacement],
    day: date,
    certifications: Mapping[str, CertificationRequirements] | None = None,
) -> date | None:
    """Until when the alternative is met from ``day`` on; None when it is not met on ``day``."""
    candidates: list[date] = []
    if alternative.certification:
        badge = facts.badges.get(alternative.certification)
        if badge is not None and badge.current_on(day):
            candidates.append(badge.valid_until())
        specialist = _specialist(alternative, certifications or {})
        if specialist is not None:
            components = component_exams_until(specialist, facts, replacements, day)
            if components is not None:
                candidates.append(components)
    if alternative.exams:
        listed = exams_until(alternative.exams, facts, replacements)
        if listed is not None:
            candidates.append(listed)
    candidates = [c for c in candidates if c > day]
    return max(candidates) if candidates else None


def describe(alternative: Alternative, certifications: Mapping[str, CertificationRequirements], day: date) -> str:
    """What the alternative asks, naming a Specialist badge's component exams in force on ``day`` (CE-10)."""
    specialist = _specialist(alternative, certifications)
    version = specialist.in_force(day) if specialist is not None else None
    if version is None or not version.required_exams:
        return alternative.describe()
    ways = " or ".join("exams " + ", ".join(alt) for alt in version.required_exams)
    listed = f" or exams {', '.join(alternative.exams)}" if alternative.exams else ""
    return f"{alternative.certification} (or its {ways}){listed}"


def qualify(
    alternatives: Iterable[Alternative],
    facts: PersonFacts,
    replacements: Mapping[str, Replacement],
    day: date,
    certifications: Mapping[str, CertificationRequirements] | None = None,
) -> Qualification:
    """The best alternative the person meets on ``day`` (the one that lasts longest). ``certifications``: the
    projected requirements of certifications (a Specialist badge is met by its component exams too, CE-10)."""
    alternatives = tuple(alternatives)
    certifications = certifications or {}
    best: Qualification | None = None
    for alternative in alternatives:
        until = alternative_until(alternative, facts, replacements, day, certifications)
        if until is not None and (best is None or until > best.until):
            via = alternative.certification if alternative.certification and _badge_met(alternative, facts, day) else "exams"
            best = Qualification(True, until, via)
    if best is not None:
        return best
    wanted = " | ".join(describe(a, certifications, day) for a in alternatives) or "nothing defined"
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
    certifications: Mapping[str, CertificationRequirements] | None = None,
) -> Holding:
    """When a holder's role falls vacant, judged on ``day``: now if they no longer qualify or left."""
    until_member = member_until(memberships, be_geo_id, day)
    if until_member is None:
        return Holding(day, "left")
    q = qualify(alternatives, facts, replacements, day, certifications)
    if not q.qualified:
        return Holding(day, "qualification_lapsed")
    if until_member <= q.until:
        return Holding(None if until_member == FOREVER else until_member, "left" if until_member != FOREVER else "")
    return Holding(q.until, "qualification_lapsed", q.via if q.via != "exams" else "exams")
