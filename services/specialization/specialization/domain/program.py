"""CE-12: the Channel Partner program's certified-individual requirements, by exactly the certifications allowed.

sales expert ← Cisco Sales Expert only; associate ← CCNA or CCDA; professional ← CCNP, CCDP, CCIP or CCSP;
expert ← CCIE. A Cisco Qualified Specialist badge (either type) never counts, whatever its code.
"""

from __future__ import annotations

from collections.abc import Iterable

CATEGORIES: dict[str, frozenset[str]] = {
    "sales_experts": frozenset({"CSE", "CISCO SALES EXPERT", "CISCO-SALES-EXPERT", "SALES-EXPERT"}),
    "associates": frozenset({"CCNA", "CCDA"}),
    "professionals": frozenset({"CCNP", "CCDP", "CCIP", "CCSP"}),
    "experts": frozenset({"CCIE"}),
}
NEVER_COUNTS = frozenset({"cqs_representative", "cqs_specialist"})


def category_of(certification: str, kind: str) -> str | None:
    if kind in NEVER_COUNTS:
        return None
    code = certification.strip().upper()
    if kind == "sales_expert":
        return "sales_experts"
    for category, codes in CATEGORIES.items():
        if code in codes:
            return category
    return None


def count_people(badges: Iterable[tuple[str, str, str]]) -> dict[str, list[str]]:
    """``badges``: (cco_id, certification, kind) of current members' current badges → people per category."""
    people: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    for cco_id, certification, kind in badges:
        category = category_of(certification, kind)
        if category:
            people[category].add(cco_id)
    return {c: sorted(p) for c, p in people.items()}
