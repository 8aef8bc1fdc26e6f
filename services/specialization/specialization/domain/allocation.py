"""SP-5: one person fills at most two job roles across at most two specializations (both limits configurable)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seat:
    be_geo_id: str
    specialization: str
    role: str


def limit_violation(held: Iterable[Seat], wanted: Iterable[Seat], *, max_roles: int = 2, max_specializations: int = 2) -> str | None:
    """Why giving ``wanted`` to a person who holds ``held`` breaks SP-5; None when it does not."""
    seats = set(held) | set(wanted)
    specializations = {(s.be_geo_id, s.specialization) for s in seats}
    if len(seats) > max_roles:
        return f"would hold {len(seats)} job roles; the limit is {max_roles} (SP-5)"
    if len(specializations) > max_specializations:
        return f"would hold roles in {len(specializations)} specializations; the limit is {max_specializations} (SP-5)"
    return None
