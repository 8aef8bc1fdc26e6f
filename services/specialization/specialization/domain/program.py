"""CE-12: the Channel Partner program's certified-individual requirements, counted by the kind
certification gives each certification (badge events carry it): sales expert, associate,
professional, expert. A Cisco Qualified Specialist badge (either type) never counts. The map from
kind to requirement is the one in the shared contracts; no code list here.
"""

from __future__ import annotations

from collections.abc import Iterable

from partnerhub.bus.contracts import PROGRAM_CATEGORY, program_category

# the response's names for the program categories
CATEGORIES: dict[str, str] = {category: f"{category}s" for category in PROGRAM_CATEGORY.values()}


def category_of(kind: str) -> str | None:
    category = program_category(kind)
    return CATEGORIES[category] if category else None


def count_people(badges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``badges``: (cco_id, kind) of current members' current badges → people per category."""
    people: dict[str, set[str]] = {c: set() for c in CATEGORIES.values()}
    for cco_id, kind in badges:
        category = category_of(kind)
        if category:
            people[category].add(cco_id)
    return {c: sorted(p) for c, p in people.items()}
