"""The catalog's shape: levels with yearly points (SP-1, SP-8) and role requirements as alternatives (SP-3, SP-4)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    code: str
    name: str
    level: str
    roles: dict[str, tuple[Alternative, ...]] = field(default_factory=dict)

    def describe_role(self, role: str) -> str:
        return " | ".join(a.describe() for a in self.roles.get(role, ()))


def has_continuous_learning(level: str) -> bool:
    """SP-1: ATP designations are tracked like specializations but without Continuous Learning."""
    return level != "atp"


def required_points(level_points: int | None) -> int:
    """ATP designations have no Continuous Learning (SP-1): nothing to earn."""
    return level_points or 0
