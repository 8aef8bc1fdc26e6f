"""Duplicate candidates (ID-5): same normalised e-mail, or near-identical names within one partner.

Pure functions over plain rows, so the benchmark can run them on a million people.
Candidate generation uses blocking, never all pairs:

* e-mail: people sorted by normalised e-mail; equal neighbours are candidates;
* names: people sorted by (partner, token-sorted normalised name) and, in a second pass,
  by (partner, normalised name reversed) — a typo early in a name is late when reversed;
  each person is compared with the next ``window`` people of the same partner only
  (a sorted-neighbourhood method), with rapidfuzz's normalised Indel ratio (of the names, or of their token-sorted forms).

Pairs are joined into groups (connected components).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from identity.domain.ids import normalise_email, normalise_name

SAME_EMAIL = "same-email"
SIMILAR_NAME = "similar-name"
DEFAULT_THRESHOLD = 90.0
DEFAULT_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Person:
    cco_id: str
    name: str
    email: str
    be_geo_id: str | None = None  # the partner of the active membership, if any


@dataclass(frozen=True)
class CandidateGroup:
    cco_ids: tuple[str, ...]
    score: float  # 0..1: 1.0 for a shared e-mail, else the best name similarity in the group
    reasons: tuple[str, ...]
    be_geo_id: str | None  # the partner, when every member is in the same one

    @property
    def reason(self) -> str:
        return self.reasons[0]


def name_key(name: str) -> str:
    """Token-sorted normalised name: ``"Smith, John"`` and ``"john smith"`` share it."""
    return " ".join(sorted(normalise_name(name).split()))


def email_pairs(emails: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (as chains of neighbours) of rows whose normalised e-mails are equal."""
    keys = [normalise_email(e) for e in emails]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    pairs = []
    for a, b in zip(order, order[1:], strict=False):
        if keys[a] and keys[a] == keys[b]:
            pairs.append((a, b))
    return pairs


def name_pairs(
    names: Sequence[str],
    partners: Sequence[str | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: int = DEFAULT_WINDOW,
) -> dict[tuple[int, int], float]:
    """Pairs of rows in the same partner with name similarity ≥ ``threshold`` (0..100).

    Two sorted-neighbourhood passes: by token-sorted name (finds swapped first/last names and
    late typos), and by the reversed name (finds typos in its first letters)."""
    raws = [normalise_name(n) for n in names]
    keys = [" ".join(sorted(r.split())) for r in raws]
    found: dict[tuple[int, int], float] = {}
    for sort_keys in (keys, [r[::-1] for r in raws]):
        block = [(p + "\x00" + k, i) for i, (p, k) in enumerate(zip(partners, sort_keys, strict=True)) if p is not None and k]
        block.sort()
        ids = [i for _, i in block]
        del block
        # columns in sorted order; offset k pairs each row with the k-th next one (same partner only)
        part = [partners[i] for i in ids]
        raw = [raws[i] for i in ids]
        key = [keys[i] for i in ids]
        for k in range(1, window + 1):
            for pa, pb, ra, rb, ka, kb, a, b in zip(
                part, part[k:], raw, raw[k:], key, key[k:], ids, ids[k:], strict=False
            ):
                if pa != pb:
                    continue
                score = ratio(ra, rb, score_cutoff=threshold)
                if not score and (ra != ka or rb != kb):  # word order differs: compare token-sorted too
                    score = ratio(ka, kb, score_cutoff=threshold)
                if score:
                    pair = (a, b) if a < b else (b, a)
                    if score > found.get(pair, 0.0):
                        found[pair] = score
    return found


def find_duplicates(
    people: Iterable[Person],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: int = DEFAULT_WINDOW,
) -> list[CandidateGroup]:
    """Candidate groups, best score first (then by first CCO ID)."""
    rows = list(people)
    by_email = email_pairs([p.email for p in rows])
    by_name = name_pairs([p.name for p in rows], [p.be_geo_id for p in rows], threshold=threshold, window=window)
    return groups_from_pairs(rows, by_email, by_name)


def groups_from_pairs(
    rows: Sequence[Person],
    by_email: Iterable[tuple[int, int]],
    by_name: dict[tuple[int, int], float],
) -> list[CandidateGroup]:
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges: list[tuple[int, int, float, str]] = [(a, b, 100.0, SAME_EMAIL) for a, b in by_email]
    edges += [(a, b, s, SIMILAR_NAME) for (a, b), s in by_name.items()]
    for a, b, _, _ in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in parent:
        members.setdefault(root(i), []).append(i)
    best: dict[int, float] = {}
    reasons: dict[int, set[str]] = {}
    for a, _, score, reason in edges:
        r = root(a)
        best[r] = max(best.get(r, 0.0), score)
        reasons.setdefault(r, set()).add(reason)
    groups = []
    for r, idx in members.items():
        partners = {rows[i].be_geo_id for i in idx}
        groups.append(
            CandidateGroup(
                cco_ids=tuple(sorted(rows[i].cco_id for i in idx)),
                score=round(best[r] / 100.0, 4),
                reasons=tuple(sorted(reasons[r], key=(SAME_EMAIL, SIMILAR_NAME).index)),
                be_geo_id=partners.pop() if len(partners) == 1 else None,
            )
        )
    groups.sort(key=lambda g: (-g.score, g.cco_ids))
    return groups


@dataclass(frozen=True)
class Duplicate:
    """One CCO ID the rule links to a given person, and why (the group's reasons and score)."""

    cco_id: str
    score: float
    reasons: tuple[str, ...]


def duplicates_of(
    cco_id: str, people: Iterable[Person], *, threshold: float = DEFAULT_THRESHOLD, window: int = DEFAULT_WINDOW
) -> list[Duplicate]:
    """The other CCO IDs of ``cco_id``'s candidate group, by the same rule as :func:`find_duplicates`.

    ``people`` must hold everyone the rule could link to the person: those sharing their normalised
    e-mail and every active member of their partner (``use_cases.duplicates.duplicates_for`` reads them)."""
    for group in find_duplicates(people, threshold=threshold, window=window):
        if cco_id in group.cco_ids:
            return [Duplicate(other, group.score, group.reasons) for other in group.cco_ids if other != cco_id]
    return []
