"""Which partners a person's points credit (ID-1, ID-2, CL-7, CL-8), and how credits are corrected.

A membership (a *stint*) runs from ``started_on`` (a member that day) to ``ended_on``
(no longer a member that day), or is open. An entry earned on day *d* credits partner P when
the person has a stint at P that had not ended by *d*: either they were a member on *d*
(CL-7), or they joined P later and P gets credit for their earlier entries too (CL-8).
A credit once given stays with P when the person leaves ("Previous Employee").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stint:
    be_geo_id: str
    started_on: date
    ended_on: date | None = None

    def member_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


def credited_partners(earned_on: date, stints: Iterable[Stint]) -> set[str]:
    """CL-7 and CL-8: every partner with a stint not ended by the day the points were earned."""
    return {s.be_geo_id for s in stints if s.ended_on is None or earned_on < s.ended_on}


def is_current_member(stints: Iterable[Stint], be_geo_id: str, today: date) -> bool:
    """False for a "Previous Employee" of the partner."""
    return any(s.be_geo_id == be_geo_id and s.member_on(today) for s in stints)


@dataclass(frozen=True)
class EntryFact:
    entry_id: str
    cco_id: str
    earned_on: date


def desired_credits(entries: Iterable[EntryFact], stints_by_person: Mapping[str, list[Stint]]) -> dict[tuple[str, str], str]:
    """{(be_geo_id, entry_id): cco_id} every active entry should credit."""
    wanted: dict[tuple[str, str], str] = {}
    for entry in entries:
        for partner in credited_partners(entry.earned_on, stints_by_person.get(entry.cco_id, [])):
            wanted[(partner, entry.entry_id)] = entry.cco_id
    return wanted


@dataclass(frozen=True)
class CreditState:
    cco_id: str
    active: bool


@dataclass(frozen=True)
class CreditChange:
    """One correction: ``grant`` (a positive credit to ``cco_id``) or ``revoke`` (a negative one)."""

    be_geo_id: str
    entry_id: str
    cco_id: str
    sign: int  # +1 grant, -1 revoke


def plan_reconciliation(
    desired: Mapping[tuple[str, str], str], existing: Mapping[tuple[str, str], CreditState]
) -> list[CreditChange]:
    """The credit events that take ``existing`` to ``desired``; a credit is never counted twice.

    A credit whose earner changed (a merge, ID-2) is revoked from the old ID and granted to the new one.
    """
    changes: list[CreditChange] = []
    for key in sorted(set(desired) | set(existing)):
        want = desired.get(key)
        have = existing.get(key)
        partner, entry = key
        if have is not None and have.active and have.cco_id != want:
            changes.append(CreditChange(partner, entry, have.cco_id, -1))
            have = None
        if want is not None and (have is None or not have.active):
            changes.append(CreditChange(partner, entry, want, +1))
    return changes


@dataclass(frozen=True)
class MergeEntry:
    entry_id: str
    cco_id: str
    activity_id: str
    earned_on: date


def plan_merge(entries: Iterable[MergeEntry]) -> tuple[list[str], list[str]]:
    """ID-2: of the entries of the survivor and the retired IDs, one per activity is kept (the earliest)
    and moves to the survivor; the others are voided. Returns (kept entry ids, voided entry ids)."""
    by_activity: dict[str, list[MergeEntry]] = {}
    for entry in entries:
        by_activity.setdefault(entry.activity_id, []).append(entry)
    kept: list[str] = []
    voided: list[str] = []
    for group in by_activity.values():
        group.sort(key=lambda e: (e.earned_on, e.entry_id))
        kept.append(group[0].entry_id)
        voided.extend(e.entry_id for e in group[1:])
    return sorted(kept), sorted(voided)
