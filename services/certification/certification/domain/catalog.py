"""The exam and certification catalogs (CE-1, CE-2, CE-4, CE-12) as plain values, with their checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from partnerhub.bus.contracts import program_category as program_category  # CE-12, one map for all

Kind = Literal["associate", "professional", "expert", "sales_expert", "cqs_representative", "cqs_specialist"]
KINDS: tuple[str, ...] = (
    "associate", "professional", "expert", "sales_expert", "cqs_representative", "cqs_specialist",
)
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
    code: str
    name: str
    kind: str
    required_exams: tuple[tuple[str, ...], ...]  # alternatives; each alternative is a set of exams
    validity_months: int
    prerequisites: tuple[str, ...] = ()  # any one of them, active (CE-2)
    renewal_exams: tuple[tuple[str, ...], ...] | None = None  # CE-5; None: the required exams

    @property
    def renewal_sets(self) -> tuple[tuple[str, ...], ...]:
        return self.renewal_exams or self.required_exams

    def exam_numbers(self) -> set[str]:
        numbers = {e for alt in self.required_exams for e in alt}
        numbers.update(e for alt in self.renewal_exams or () for e in alt)
        return numbers


@dataclass
class Catalog:
    exams: dict[str, ExamDef] = field(default_factory=dict)
    certifications: dict[str, CertificationDef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.order: list[str] = topological_order(self.certifications)
        self._satisfies: dict[str, frozenset[str]] = {}
        self._successors: dict[str, list[ExamDef]] = {}
        for exam in self.exams.values():
            if exam.replaces:
                self._successors.setdefault(exam.replaces, []).append(exam)
        self.cqs_technical_exams: frozenset[str] = frozenset(
            e
            for c in self.certifications.values()
            if c.kind in CQS_KINDS
            for e in c.exam_numbers()
            if e in self.exams and self.exams[e].technical
        )
        self.associates: tuple[str, ...] = tuple(
            c.code for c in self.certifications.values() if c.kind == "associate"
        )
        self.dependents: dict[str, set[str]] = {}
        for c in self.certifications.values():
            for pre in c.prerequisites:
                self.dependents.setdefault(pre, set()).add(c.code)
        self._by_requirement: dict[str, set[str]] = {}
        for c in self.certifications.values():
            for e in c.exam_numbers():
                self._by_requirement.setdefault(e, set()).add(c.code)

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
        codes: set[str] = set()
        for number in requirement_numbers:
            codes.update(self._by_requirement.get(number, ()))
        return codes


def topological_order(certifications: Mapping[str, CertificationDef]) -> list[str]:
    """Prerequisites before the certifications that need them; raises CatalogError on a cycle."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(code: str, path: tuple[str, ...]) -> None:
        mark = state.get(code)
        if mark == 2:
            return
        if mark == 1:
            raise CatalogError(f"prerequisites form a cycle: {' -> '.join((*path, code))}")
        state[code] = 1
        cert = certifications.get(code)
        for pre in cert.prerequisites if cert else ():
            if pre in certifications:
                visit(pre, (*path, code))
        state[code] = 2
        order.append(code)

    for code in sorted(certifications):
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
    """CE-2: known exams and prerequisites, not its own prerequisite, no prerequisite cycle."""
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
    merged = dict(catalog.certifications)
    merged[cert.code] = cert
    topological_order(merged)
