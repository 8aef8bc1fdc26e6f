"""The catalog's shape: levels with yearly points (SP-1, SP-8) and role requirements as alternatives (SP-3, SP-4),
kept in versions by effective date (SP-3, ARCHITECTURE "Time")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

Level = Literal["advanced_architecture", "advanced_technology", "express", "atp"]
LEVELS: tuple[str, ...] = ("advanced_architecture", "advanced_technology", "express", "atp")
ROLES: tuple[str, ...] = ("AM", "SE", "FE")

# SP-8: Advanced Architecture 100, Express 40, Advanced Technology one value for the level (default 80); ATP none
DEFAULT_LEVEL_POINTS: dict[str, int | None] = {
    "advanced_architecture": 100,
    "advanced_technology": 80,
    "express": 40,
    "atp": None,
}


@dataclass(frozen=True)
class Alternative:
    """One way to fill a role: a certification, or a list of exams, or (SP-4, a Specialist badge) the badge OR its exams."""

    certification: str | None = None
    exams: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.certification and self.exams:
            return f"{self.certification} or exams {', '.join(self.exams)}"
        if self.certification:
            return self.certification
        return "exams " + ", ".join(self.exams)


@dataclass(frozen=True)
class Specialization:
    """A specialization with the role requirements of one version (``version``, in force from ``effective_on``;
    None: since always)."""

    code: str
    name: str
    level: str
    roles: dict[str, tuple[Alternative, ...]] = field(default_factory=dict)
    version: int = 1
    effective_on: date | None = None

    def describe_role(self, role: str) -> str:
        return " | ".join(a.describe() for a in self.roles.get(role, ()))


@dataclass(frozen=True)
class Versions:
    """Every version of a specialization's role requirements, in order (SP-3: a role is judged by the version in
    force on the date of the application or renewal submission)."""

    versions: tuple[Specialization, ...]

    @property
    def latest(self) -> Specialization:
        return self.versions[-1]

    def in_force(self, day: date) -> Specialization:
        """The version in force on ``day``: the latest effective one; the first is in force since always."""
        found = [v for v in self.versions if v.effective_on is None or v.effective_on <= day]
        return found[-1] if found else self.versions[0]

    def numbered(self, version: int | None) -> Specialization:
        """That version (a partner's recorded one); unknown or None: the first."""
        return next((v for v in self.versions if v.version == version), self.versions[0])

    def with_name(self, name: str, level: str) -> Versions:
        return Versions(tuple(replace(v, name=name, level=level) for v in self.versions))


class VersionRefused(ValueError):
    """A requirements version that may not be written (its date)."""


def next_version(
    history: Versions | None, roles: dict[str, tuple[Alternative, ...]], effective_on: date | None, today: date
) -> tuple[int, date | None] | None:
    """The (number, effective_on) of the version a write creates, or None when it changes no requirement.

    The first version is in force since always. A later one takes effect on ``effective_on`` (default today, the
    service's business date), never before today nor before the latest version's date (versions are never
    rewritten: a partner may have been judged by one). Raises VersionRefused."""
    day = effective_on or today
    if day < today:
        raise VersionRefused(f"effective_on {day} is before today ({today}): a version takes effect today or later")
    if history is None:
        return 1, None
    latest = history.latest
    if latest.effective_on is not None and day < latest.effective_on:
        raise VersionRefused(
            f"effective_on {day} is before version {latest.version}'s date ({latest.effective_on}): versions follow each other"
        )
    if roles == latest.roles:
        return None
    return latest.version + 1, day


def has_continuous_learning(level: str) -> bool:
    """SP-1: ATP designations are tracked like specializations but without Continuous Learning."""
    return level != "atp"


def required_points(level_points: int | None) -> int:
    """ATP designations have no Continuous Learning (SP-1): nothing to earn."""
    return level_points or 0
