"""Badges computed from exam passes: achieve (CE-3), validity (CE-4), renew or lapse (CE-5),
the CCNA/CCDA extension (CE-7) and the Representative CQS extension of 2015-04-26 (CE-9).

``replay`` walks an individual's passes in date order and returns each badge as of ``today``.
It is the one source of truth: a new result, a historical import or a merge all recompute
the person from their whole history, so the order results arrive in never matters.

Day convention: a badge is active on day ``d`` when ``achieved_on <= d < expires_on``;
on ``expires_on`` itself it is expired.

Requirement versions (CE-4): achievement on day ``d`` is judged by the version in force on ``d``, a
renewal (CE-5) by the version in force on the renewal day, and a badge keeps the term of the version it
was achieved or renewed under (``BadgeState.version``), whatever later versions say. Besides the days
with passes, a day a new version comes into force is judged too: requirements already met by earlier
passes are met that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from certification.domain.catalog import Catalog, CertificationDef, Kind
from partnerhub.dates import add_months, add_years

# CE-7 (interpretation): new expiry = pass date + 3 years, when later than the current one.
ASSOCIATE_EXTENSION_YEARS = 3
# CE-9: Representative CQS badges active and approved on this date got five more years.
REPRESENTATIVE_EXTENSION_DATE = date(2015, 4, 26)
REPRESENTATIVE_EXTENSION_YEARS = 5


@dataclass(frozen=True)
class Pass:
    exam: str
    on: date


@dataclass
class BadgeState:
    certification: str
    kind: Kind
    achieved_on: date
    expires_on: date
    renewed_on: date | None = None
    extension_reason: str | None = None
    status: str = "active"
    version: int = 1  # CE-4: the requirements version it was achieved or last renewed under

    @property
    def period_start(self) -> date:
        """Start of the current validity period: the last renewal, else the achievement."""
        return self.renewed_on or self.achieved_on

    def active_on(self, day: date) -> bool:
        return self.achieved_on <= day < self.expires_on


def replay(passes: Iterable[Pass], catalog: Catalog, today: date) -> dict[str, BadgeState]:
    """Every badge the passes earn, as of ``today`` (passes after ``today`` are ignored)."""
    by_day: dict[date, list[str]] = defaultdict(list)
    requirement_numbers: set[str] = set()
    for p in passes:
        if p.on <= today:
            by_day[p.on].append(p.exam)
            requirement_numbers.update(catalog.satisfies(p.exam))
    if not by_day:
        return {}
    touched = catalog.certifications_touched_by(requirement_numbers)
    order = [code for code in catalog.order if code in touched]
    first = min(by_day)
    extra = {REPRESENTATIVE_EXTENSION_DATE} if first <= REPRESENTATIVE_EXTENSION_DATE <= today else set()
    extra.update(day for day, codes in catalog.effective_days.items() if first < day <= today and codes & touched)
    days = sorted(set(by_day) | extra)

    latest: dict[str, date] = {}  # requirement number -> date of its latest pass so far
    states: dict[str, BadgeState] = {}
    counting_from: dict[str, date] = {}  # CE-5: after an expiry, only passes from that day count

    for day in days:
        _expire(states, counting_from, day)
        numbers_today: set[str] = set()
        for exam in by_day.get(day, ()):
            for number in catalog.satisfies(exam):
                latest[number] = day
                numbers_today.add(number)
        # only a pass that day, a version coming into force that day, or a prerequisite newly held
        # that day can change a badge
        candidates = catalog.certifications_touched_by(numbers_today)
        candidates.update(catalog.effective_days.get(day, ()))
        for code in order:
            if code in candidates and _evaluate(code, day, catalog, latest, states, counting_from):
                candidates.update(catalog.dependents.get(code, ()))
        for exam in by_day.get(day, ()):
            if exam in catalog.cqs_technical_exams:
                _extend_associates(states, catalog, exam, day)
        if day == REPRESENTATIVE_EXTENSION_DATE:
            _extend_representatives(states, day)
    _expire(states, counting_from, today)
    return states


def _expire(states: dict[str, BadgeState], counting_from: dict[str, date], day: date) -> None:
    for code, state in states.items():
        if state.status == "active" and state.expires_on <= day:
            state.status = "expired"
            counting_from[code] = state.expires_on


def _all_passed(exams: tuple[str, ...], latest: dict[str, date], after: date | None, strict: bool) -> bool:
    for number in exams:
        when = latest.get(number)
        if when is None:
            return False
        if after is not None and (when <= after if strict else when < after):
            return False
    return True


def still_needed(
    cert: CertificationDef, latest: dict[str, date], active: set[str], counting_from: date | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CE-3 in words for a certification not held: the exams still to pass of the alternative closest to done
    (passes before ``counting_from`` no longer count, CE-5), and the prerequisites of which none is active
    (empty when one is). The same test as ``_evaluate``'s (``_all_passed``), explained rather than decided."""
    best: tuple[str, ...] | None = None
    for alt in cert.required_exams:
        missing = tuple(n for n in alt if not _all_passed((n,), latest, counting_from, strict=False))
        if best is None or len(missing) < len(best):
            best = missing
    prerequisites = () if not cert.prerequisites or any(p in active for p in cert.prerequisites) else cert.prerequisites
    return best or (), prerequisites


def _evaluate(
    code: str,
    day: date,
    catalog: Catalog,
    latest: dict[str, date],
    states: dict[str, BadgeState],
    counting_from: dict[str, date],
) -> bool:
    """Achieve or renew ``code`` on ``day`` if its rules are met; True when it became newly held.

    CE-4: judged by the version in force on ``day``; the badge records it and takes its validity."""
    cert = catalog.in_force(code, day)
    state = states.get(code)
    if state is not None and state.status == "active":
        # CE-5: the current (renewal) exams all passed after the period began, before expiry
        if any(_all_passed(alt, latest, state.period_start, strict=True) for alt in cert.renewal_sets):
            state.renewed_on = day
            state.expires_on = max(state.expires_on, add_months(day, cert.validity_months))
            state.version = cert.version
        return False
    start = counting_from.get(code)
    if not any(_all_passed(alt, latest, start, strict=False) for alt in cert.required_exams):
        return False
    if cert.prerequisites and not any(
        (pre := states.get(p)) is not None and pre.status == "active" and pre.active_on(day)
        for p in cert.prerequisites
    ):
        return False  # CE-3: prerequisites held
    # CE-3 achieved on the last required pass; CE-4 validity from achieved-on
    states[code] = BadgeState(
        code, cert.kind, achieved_on=day, expires_on=add_months(day, cert.validity_months), version=cert.version
    )
    return True


def _extend_associates(states: dict[str, BadgeState], catalog: Catalog, exam: str, day: date) -> None:
    """CE-7: a technical CQS exam passed while an associate badge is active extends it, never shortens."""
    for code in catalog.associates:
        state = states.get(code)
        if state is None or state.status != "active" or not state.active_on(day):
            continue
        new = add_years(day, ASSOCIATE_EXTENSION_YEARS)
        if new > state.expires_on:
            state.expires_on = new
            state.extension_reason = f"CE-7: technical CQS exam {exam} passed on {day.isoformat()}"


def _extend_representatives(states: dict[str, BadgeState], day: date) -> None:
    """CE-9: Representative CQS badges active on 2015-04-26 get five more years; expired ones stay expired."""
    for state in states.values():
        if state.kind == "cqs_representative" and state.status == "active" and state.active_on(day):
            state.expires_on = add_years(state.expires_on, REPRESENTATIVE_EXTENSION_YEARS)
            state.extension_reason = f"CE-9: Representative CQS active on {day.isoformat()}"


def representative_extension(state: BadgeState, day: date) -> BadgeState | None:
    """The daily job's form of CE-9 for a stored badge (None when it does not apply)."""
    if day != REPRESENTATIVE_EXTENSION_DATE or state.kind != "cqs_representative" or not state.active_on(day):
        return None
    return replace(
        state,
        expires_on=add_years(state.expires_on, REPRESENTATIVE_EXTENSION_YEARS),
        extension_reason=f"CE-9: Representative CQS active on {day.isoformat()}",
    )
