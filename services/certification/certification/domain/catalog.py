"""The exam and certification catalogs (CE-1, CE-2, CE-4, CE-12) as plain values, with their checks.

A certification keeps versions of its requirements, each in force from its effective date (CE-4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import get_args

from partnerhub.bus.contracts import BadgeKind
from partnerhub.bus.contracts import program_category as program_category  # CE-12, one map for all

Kind = BadgeKind  # the contract's kinds: a badge event carries the certification's kind as it is
KINDS: tuple[Kind, ...] = get_args(BadgeKind)
CQS_KINDS = frozenset({"cqs_representative", "cqs_specialist"})

# CE-4: CQS 24 months; career certifications: associate 3 years, professional 3 years, expert 2 years.
# The Sales Expert is not named by the FAQs: 3 years (interpretation, configurable like the others).
DEFAULT_VALIDITY_MONTHS: Mapping[str, int] = {
    "associate": 36,
    "professional": 36,
    "expert": 24,
    "sales_expert": 36,
    "cqs_representative": 24,
    "cqs_specialist": 24,
}



class CatalogError(ValueError):
    """A catalog entry that would make the catalog inconsistent (unknown exam, cycle …)."""


@dataclass(frozen=True)
class ExamDef:
    number: str
    title: str
    technical: bool = False  # SE/FE related (CE-7)
    replaces: str | None = None  # the exam number this one supersedes (CE-1)
    replacement_required: bool = False  # the announcement: existing holders must take this one
    # with ``replaces``: the first day passes of the old exam stop counting when required, and the business
    # date of the announcement (None until announced; as written: None asks for the announcement's date)
    replacement_effective_on: date | None = None
    replacement_announced_on: date | None = None


@dataclass(frozen=True)
class Announcement:
    """CE-1: exam ``old`` was replaced by ``new``; what ``certification.exam.replaced`` carries."""

    old: str
    new: str
    required: bool
    effective_on: date
    announced_on: date


def announce(before: ExamDef | None, exam: ExamDef, today: date) -> tuple[ExamDef, Announcement | None]:
    """The exam as stored, and the announcement its write makes (None when there is nothing new to say).

    An announcement is new when the exam first names the exam it replaces, or when whether holders must take it
    (``replacement_required``) or the effective date given changes. No effective date given: an announcement takes
    effect on its own business date, and a repeat keeps the date already announced. A replacement once announced
    stays: it is neither withdrawn nor moved to another exam (CE-1: a new number is a new exam).
    """
    if before is not None and before.replaces is not None and exam.replaces != before.replaces:
        raise CatalogError(
            f"exam {exam.number} was announced as replacing {before.replaces}; an announced replacement is neither "
            "withdrawn nor moved (issue a new exam number instead)"
        )
    if exam.replaces is None:
        return replace(exam, replacement_effective_on=None, replacement_announced_on=None), None
    if (
        before is not None
        and before.replacement_announced_on is not None
        and before.replacement_required == exam.replacement_required
        and exam.replacement_effective_on in (None, before.replacement_effective_on)
    ):
        kept = replace(
            exam,
            replacement_effective_on=before.replacement_effective_on,
            replacement_announced_on=before.replacement_announced_on,
        )
        return kept, None
    effective_on = exam.replacement_effective_on or today
    stored = replace(exam, replacement_effective_on=effective_on, replacement_announced_on=today)
    return stored, Announcement(exam.replaces, exam.number, exam.replacement_required, effective_on, today)


@dataclass(frozen=True)
class CertificationDef:
    """One version of a certification's requirements (CE-2, CE-4); version 1 is in force since always."""

    code: str
    name: str
    kind: Kind
    required_exams: tuple[tuple[str, ...], ...]  # alternatives; each alternative is a set of exams
    validity_months: int
    prerequisites: tuple[str, ...] = ()  # any one of them, active (CE-2)
    renewal_exams: tuple[tuple[str, ...], ...] | None = None  # CE-5; None: the required exams
    version: int = 1
    effective_on: date | None = None  # the first day in force; None: since always (the first version)

    @property
    def renewal_sets(self) -> tuple[tuple[str, ...], ...]:
        return self.renewal_exams or self.required_exams

    def exam_numbers(self) -> set[str]:
        numbers = {e for alt in self.required_exams for e in alt}
        numbers.update(e for alt in self.renewal_exams or () for e in alt)
        return numbers

    def same_requirements(self, other: CertificationDef) -> bool:
        """The same requirements, whatever the version number and effective date."""
        return (
            self.code == other.code
            and self.name == other.name
            and self.kind == other.kind
            and self.required_exams == other.required_exams
            and self.renewal_sets == other.renewal_sets
            and self.prerequisites == other.prerequisites
            and self.validity_months == other.validity_months
        )


def _in_force_key(version: CertificationDef) -> tuple[date, int]:
    return (version.effective_on or date.min, version.version)


def version_in_force(history: Sequence[CertificationDef], day: date) -> CertificationDef:
    """CE-4: the version with the greatest (effective_on, version) with effective_on <= day; the first
    version is in force since always (and before any later version's effective date)."""
    in_force = [v for v in history if v.effective_on is None or v.effective_on <= day]
    return max(in_force or history[:1], key=_in_force_key)


def next_version(
    history: Sequence[CertificationDef], cert: CertificationDef, effective_on: date | None, today: date
) -> CertificationDef | None:
    """CE-4: the version a write of ``cert`` adds to ``history`` (oldest first), or None when its
    requirements are those of the latest version already (nothing changes).

    Versions are never rewritten: a write adds one, in force from ``effective_on`` (default ``today``),
    which may not be before today (that would rewrite history) nor before the latest version's effective
    date. A latest version not yet in force can be superseded by one with the same effective date: both
    stay listed, the later one wins from that date. The first version is in force since always (its
    ``effective_on`` is None whatever the write says). The kind never changes: a new kind is a new
    certification.
    """
    day = effective_on or today
    if day < today:
        raise CatalogError(
            f"effective_on {day.isoformat()} is before today's business date {today.isoformat()}: "
            "requirements in force are never rewritten"
        )
    if not history:
        return replace(cert, version=1, effective_on=None)
    latest = history[-1]
    if cert.same_requirements(latest):
        return None
    if cert.kind != latest.kind:
        raise CatalogError(
            f"{cert.code} is a {latest.kind} certification; its kind never changes (a new kind is a new certification)"
        )
    if latest.effective_on is not None and day < latest.effective_on:
        raise CatalogError(
            f"effective_on {day.isoformat()} is before the effective date of version {latest.version} "
            f"({latest.effective_on.isoformat()})"
        )
    return replace(cert, version=latest.version + 1, effective_on=day)


@dataclass
class Catalog:
    """The exams, and every certification's versions; ``certifications`` holds each one's latest version.

    Built from ``certifications`` alone, each certification has that one version; ``versions`` (every
    version of a code, any order) takes precedence. What a pass can touch, the prerequisite order and the
    dependents are the union over all versions: a badge may be judged by any of them.
    """

    exams: dict[str, ExamDef] = field(default_factory=dict)
    certifications: dict[str, CertificationDef] = field(default_factory=dict)
    versions: dict[str, tuple[CertificationDef, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        history = {code: (cert,) for code, cert in self.certifications.items()}
        history.update({code: tuple(sorted(vs, key=lambda v: v.version)) for code, vs in self.versions.items() if vs})
        self.versions = history
        self.certifications = {code: vs[-1] for code, vs in history.items()}
        self.prerequisites: dict[str, set[str]] = {
            code: {p for v in vs for p in v.prerequisites} for code, vs in history.items()
        }
        self.order: list[str] = topological_order(self.prerequisites)
        self._satisfies: dict[str, frozenset[str]] = {}
        self._successors: dict[str, list[ExamDef]] = {}
        for exam in self.exams.values():
            if exam.replaces:
                self._successors.setdefault(exam.replaces, []).append(exam)
        every = [v for vs in history.values() for v in vs]
        self.cqs_technical_exams: frozenset[str] = frozenset(
            e
            for c in every
            if c.kind in CQS_KINDS
            for e in c.exam_numbers()
            if e in self.exams and self.exams[e].technical
        )
        self.associates: tuple[str, ...] = tuple(
            code for code, c in self.certifications.items() if c.kind == "associate"
        )
        self.dependents: dict[str, set[str]] = {}
        for code, pres in self.prerequisites.items():
            for pre in pres:
                self.dependents.setdefault(pre, set()).add(code)
        self._by_requirement: dict[str, set[str]] = {}
        for c in every:
            for e in c.exam_numbers():
                self._by_requirement.setdefault(e, set()).add(c.code)
        # CE-4: the days a later version comes into force, and the certifications it changes
        self.effective_days: dict[date, set[str]] = {}
        for c in every:
            if c.effective_on is not None:
                self.effective_days.setdefault(c.effective_on, set()).add(c.code)

    @classmethod
    def of(cls, exams: Iterable[ExamDef], versions: Iterable[CertificationDef]) -> Catalog:
        grouped: dict[str, list[CertificationDef]] = {}
        for v in versions:
            grouped.setdefault(v.code, []).append(v)
        return cls({e.number: e for e in exams}, versions={c: tuple(vs) for c, vs in grouped.items()})

    def in_force(self, code: str, day: date) -> CertificationDef:
        """CE-4: the version of ``code`` in force on ``day``."""
        return version_in_force(self.versions[code], day)

    def satisfies(self, passed: str) -> frozenset[str]:
        """CE-1: the requirement numbers a pass of ``passed`` fulfils.

        The exam itself; every older number it replaces (a newer exam covers an older requirement);
        and every newer number that replaced it without the announcement requiring existing
        holders to take it.
        """
        cached = self._satisfies.get(passed)
        if cached is not None:
            return cached
        found = {passed}
        older = self.exams.get(passed)
        seen = {passed}
        while older is not None and older.replaces and older.replaces not in seen:
            seen.add(older.replaces)
            found.add(older.replaces)
            older = self.exams.get(older.replaces)
        stack = [passed]
        while stack:
            current = stack.pop()
            for newer in self._successors.get(current, ()):
                if not newer.replacement_required and newer.number not in found:
                    found.add(newer.number)
                    stack.append(newer.number)
        result = frozenset(found)
        self._satisfies[passed] = result
        return result

    def certifications_touched_by(self, requirement_numbers: Iterable[str]) -> set[str]:
        """The certifications any version of which names one of ``requirement_numbers``."""
        codes: set[str] = set()
        for number in requirement_numbers:
            codes.update(self._by_requirement.get(number, ()))
        return codes


def topological_order(prerequisites: Mapping[str, Iterable[str]]) -> list[str]:
    """Prerequisites before the certifications that need them (code -> its prerequisites, over all
    versions); raises CatalogError on a cycle."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(code: str, path: tuple[str, ...]) -> None:
        mark = state.get(code)
        if mark == 2:
            return
        if mark == 1:
            raise CatalogError(f"prerequisites form a cycle: {' -> '.join((*path, code))}")
        state[code] = 1
        for pre in sorted(prerequisites.get(code, ())):
            if pre in prerequisites:
                visit(pre, (*path, code))
        state[code] = 2
        order.append(code)

    for code in sorted(prerequisites):
        visit(code, ())
    return order


def check_exam(exam: ExamDef, exams: Mapping[str, ExamDef]) -> None:
    """CE-1: the replaced exam exists and has no other successor, and replacements never form a cycle."""
    if exam.replaces is None:
        return
    if exam.replaces == exam.number:
        raise CatalogError(f"exam {exam.number} cannot replace itself")
    if exam.replaces not in exams:
        raise CatalogError(f"exam {exam.replaces} (replaced by {exam.number}) is not in the exam catalog")
    rival = next((e.number for e in exams.values() if e.replaces == exam.replaces and e.number != exam.number), None)
    if rival is not None:
        raise CatalogError(f"exam {exam.replaces} is already replaced by {rival}")
    seen = {exam.number}
    current: str | None = exam.replaces
    while current is not None:
        if current in seen:
            raise CatalogError(f"exam {exam.number} replacing {exam.replaces} would make a replacement cycle")
        seen.add(current)
        older = exams.get(current)
        current = older.replaces if older else None


def check_certification(cert: CertificationDef, catalog: Catalog) -> None:
    """CE-2: known exams and prerequisites, not its own prerequisite, no prerequisite cycle (over every
    version of every certification, ``cert`` added to its own)."""
    if cert.kind not in KINDS:
        raise CatalogError(f"kind must be one of {', '.join(KINDS)}")
    unknown = sorted(e for e in cert.exam_numbers() if e not in catalog.exams)
    if unknown:
        raise CatalogError(f"exams not in the exam catalog: {', '.join(unknown)}")
    if cert.code in cert.prerequisites:
        raise CatalogError(f"{cert.code} cannot be its own prerequisite")
    missing = sorted(p for p in cert.prerequisites if p not in catalog.certifications)
    if missing:
        raise CatalogError(f"prerequisite certifications not in the catalog: {', '.join(missing)}")
    merged = {code: set(pres) for code, pres in catalog.prerequisites.items()}
    merged.setdefault(cert.code, set()).update(cert.prerequisites)
    topological_order(merged)  # the union over all versions: any of them may judge a badge
