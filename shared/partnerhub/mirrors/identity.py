"""The identity mirror: what every other service keeps of identity's facts, and its rules, in one place.

Identity owns people, CCO IDs, merges, memberships and planned leaves (ARCHITECTURE.md, one fact, one
owner). Certification, learning, specialization and notify each keep a copy in their own database, fed
by identity's events. The copy was written four times, in three styles, with the rules (ID-2, ID-3)
each time again; now each service declares the mirror's tables in its MetaData
(``add_identity_tables``), subscribes the mirror's handlers (``IdentityMirror.subscriptions``) and
says in two hooks what it does itself when a fact changes:

- ``rekey(uow, merge)``: a merge moved the retired IDs to the survivor in the mirror; move the
  service's own rows (results, entries, allocations, addresses' admin roles …);
- ``after_change(uow, change)``: a person's facts changed (profile, membership, planned leave,
  merge); recompute what depends on them (credits, role holdings …).

The rules, one place each:

- **ID-3, end before start tolerated.** A ``membership.ended`` may arrive before its ``started``: the
  stint is recorded with its end, and the late start changes nothing. Memberships are keyed by
  (person, partner, start), so a redelivery changes nothing either.
- **ID-2, survivor resolved.** An event about a retired ID is applied to its survivor. Aliases are
  collapsed on write: when a survivor is itself merged later, every ID retired into it points at the
  new survivor, so one lookup resolves any ID (no chains to follow at read time).
- **Profiles by time.** A profile event applies only if it is not older (``occurred_at``) than the one
  kept; a service keeps only the profile fields it names (``keep``): personal data only where needed.
- **Planned leaves by revision.** A plan or cancellation applies only with a higher revision than the
  one kept; a cancellation keeps its revision (``leaves_on`` empty), so a late older plan stays out.

Every handler first takes the people's rows (``lock``, in CCO ID order), so a service writer that takes
the same locks (learning's ledger) never misses a membership change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from alembic import op
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerhub.bus import contracts as c
from partnerhub.bus.consumer import Batched
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.db.lookups import CHUNK, chunks, survivor_of, survivors_of
from partnerhub.db.platform import NAMING_CONVENTION
from partnerhub.db.types import UtcDateTime
from partnerhub.db.uow import UnitOfWork

PROFILE_FIELDS = ("name", "email", "program_staff")
CCO = String(64)
PARTNER = String(64)


@dataclass(frozen=True)
class IdentityTables:
    """The mirror's tables in one service's MetaData, and the reads every service needs of them."""

    people: Table  # one row per CCO ID seen: the profile fields kept, and the row to lock per person
    memberships: Table  # (person, partner, start) -> end; ``ended_on`` may be in the future once known
    planned_leaves: Table  # (person, partner, start) -> the planned first day no longer a member, by revision
    aliases: Table  # retired -> survivor, collapsed: a survivor is never itself retired

    async def resolve(self, conn: AsyncConnection, cco_id: str) -> str:
        """ID-2: the active CCO ID for ``cco_id`` (itself unless a merge retired it)."""
        return await survivor_of(conn, cco_id, aliases=self.aliases)

    async def resolve_many(self, conn: AsyncConnection, cco_ids: Iterable[str], size: int = CHUNK) -> dict[str, str]:
        """Each ID mapped to its active ID, one query per chunk."""
        return await survivors_of(conn, cco_ids, aliases=self.aliases, size=size)

    async def lock(self, uow: UnitOfWork, cco_ids: Iterable[str]) -> None:
        """Take these people's rows (created if missing), in CCO ID order: writers of the same people queue."""
        ids = sorted(set(cco_ids))
        if not ids:
            return
        for part in chunks(ids):
            await uow.conn.execute(uow.db.insert_ignoring_duplicates(self.people), [{"cco_id": i} for i in part])
        await uow.db.lock_keys(uow.conn, self.people.c.cco_id, ids)

    async def known(self, conn: AsyncConnection, cco_ids: Iterable[str]) -> set[str]:
        """The IDs identity has told this service about: a profile event, or retired by a merge."""
        ids = sorted(set(cco_ids))
        found: set[str] = set()
        for part in chunks(ids):
            found.update(
                await conn.scalars(
                    select(self.people.c.cco_id).where(self.people.c.cco_id.in_(part), self.people.c.as_of.is_not(None))
                )
            )
            found.update(await conn.scalars(select(self.aliases.c.retired).where(self.aliases.c.retired.in_(part))))
        return found


def _tables(metadata: MetaData) -> IdentityTables:
    """Version 1 of the mirror's shape (frozen in ``create_identity_tables``; a change is a new version)."""
    people = Table(
        "identity_people",
        metadata,
        Column("cco_id", CCO, primary_key=True),
        Column("name", String(200), nullable=True),
        Column("email", String(320), nullable=True),
        Column("program_staff", Boolean, nullable=False, server_default=false()),
        # the occurred_at of the profile event kept; NULL: identity has not described this ID (a lock row)
        Column("as_of", UtcDateTime(), nullable=True),
        Column("updated_at", UtcDateTime(), nullable=True),
    )
    memberships = Table(
        "identity_memberships",
        metadata,
        Column("cco_id", CCO, primary_key=True),
        Column("be_geo_id", PARTNER, primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("ended_on", Date, nullable=True),  # the first day no longer a member
        # a partner's members in CCO ID order from the index alone (learning's CL View, lear0004)
        Index("ix_identity_memberships_partner_person", "be_geo_id", "cco_id", "started_on", "ended_on"),
    )
    planned_leaves = Table(
        "identity_planned_leaves",
        metadata,
        Column("cco_id", CCO, primary_key=True),
        Column("be_geo_id", PARTNER, primary_key=True),
        Column("started_on", Date, primary_key=True),
        Column("leaves_on", Date, nullable=True),  # None: cancelled (the revision stays)
        Column("revision", Integer, nullable=False),
    )
    aliases = Table(
        "identity_aliases",
        metadata,
        Column("retired", CCO, primary_key=True),
        Column("survivor", CCO, nullable=False, index=True),
        Column("merged_on", Date, nullable=True),
    )
    return IdentityTables(people, memberships, planned_leaves, aliases)


def add_identity_tables(metadata: MetaData) -> IdentityTables:
    """The mirror's tables in a service's MetaData (its tables.py)."""
    return _tables(metadata)


def create_identity_tables() -> IdentityTables:
    """Alembic: create the mirror's tables (version 1 of their shape). Returns them, for copying data in."""
    frozen = MetaData(naming_convention=NAMING_CONVENTION)
    tables = _tables(frozen)
    frozen.create_all(op.get_bind())
    return tables


def drop_identity_tables() -> None:
    frozen = MetaData(naming_convention=NAMING_CONVENTION)
    _tables(frozen)
    frozen.drop_all(op.get_bind())


@dataclass(frozen=True)
class Change:
    """What the mirror just changed, for the service's ``after_change``."""

    kind: Literal["profile", "membership", "leave", "merge"]
    cco_ids: tuple[str, ...]  # active IDs; for a merge the survivor first, then the retired ones
    event: Event
    be_geo_id: str | None = None
    leaves_on: date | None = None  # a leave: the planned date, None when cancelled


@dataclass(frozen=True)
class Merge:
    """A merge as the mirror applied it: ``retired`` (resolved, without the survivor) now resolve to ``survivor``."""

    survivor: str
    retired: tuple[str, ...]
    merged_on: date


Hook = Callable[[UnitOfWork, Any], Awaitable[None]]


@dataclass
class IdentityMirror:
    """The handlers of identity's events for one service. ``keep``: the profile fields the service keeps
    (``()`` keeps only that identity knows the person; ``None`` does not follow profiles at all);
    ``memberships`` / ``leaves``: whether it follows them."""

    tables: IdentityTables
    keep: Collection[str] | None = None
    memberships: bool = True
    leaves: bool = False
    after_change: Callable[[UnitOfWork, Change], Awaitable[None]] | None = None
    rekey: Callable[[UnitOfWork, Merge], Awaitable[None]] | None = None
    # the changes of a run of profile and membership events applied together (``apply_many``), at once;
    # without it, ``after_change`` for each in turn
    after_changes: Callable[[UnitOfWork, list[Change]], Awaitable[None]] | None = None
    _keep: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        unknown = set(self.keep or ()) - set(PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"the mirror keeps only {PROFILE_FIELDS}, not {sorted(unknown)}")
        self._keep = tuple(f for f in PROFILE_FIELDS if f in (self.keep or ()))

    def subscriptions(self) -> Mapping[type[Event], Callable[[UnitOfWork, Any], Awaitable[None]] | Batched]:
        """The handlers; profiles and memberships that arrive together are applied together (``apply_many``),
        merges and planned leaves one by one, each ending such a run."""
        subs: dict[type[Event], Callable[[UnitOfWork, Any], Awaitable[None]] | Batched] = {c.IndividualMerged: self.on_merged}
        if self.keep is not None:
            subs |= {
                c.IndividualRegistered: Batched(self.apply_one, self.apply_many),
                c.IndividualUpdated: Batched(self.apply_one, self.apply_many),
            }
        if self.memberships:
            subs |= {
                c.MembershipStarted: Batched(self.apply_one, self.apply_many),
                c.MembershipEnded: Batched(self.apply_one, self.apply_many),
            }
        if self.leaves:
            subs |= {c.LeavePlanned: self.on_leave, c.LeaveCancelled: self.on_leave}
        return subs

    async def _changed(self, uow: UnitOfWork, change: Change) -> None:
        if self.after_change is not None:
            await self.after_change(uow, change)

    async def _changed_many(self, uow: UnitOfWork, changes: list[Change]) -> None:
        if self.after_changes is not None:
            if changes:
                await self.after_changes(uow, changes)
            return
        for change in changes:
            await self._changed(uow, change)

    # profiles and memberships (ID-3) -------------------------------------------------------------
    async def apply_one(self, uow: UnitOfWork, e: Any) -> None:
        """One profile or membership event (a redelivery, a batch applied one by one): a run of one."""
        await self.apply_many(uow, [(uow.message, e)])

    async def apply_many(self, uow: UnitOfWork, items: list[tuple[Envelope | None, Any]]) -> None:
        """Profile and membership events that arrived together, in a few statements whatever their number:
        one survivor lookup, the people locked once (in CCO ID order), each profile by its time, the starts
        in one insert and the ends in one upsert, then the service's hook once. The same state as one by one:
        profiles go by ``occurred_at``; a start never overwrites an end and an end applies whether or not its
        start is there (ID-3), so starts and ends commute, and ends of one stint keep their order."""
        t, conn = self.tables, uow.conn
        profiles = [(env, e) for env, e in items if isinstance(e, c.IndividualRegistered | c.IndividualUpdated)]
        stints = [e for _, e in items if isinstance(e, c.MembershipStarted | c.MembershipEnded)]
        survivors = await t.resolve_many(conn, {e.cco_id for e in stints}) if stints else {}
        await t.lock(uow, {e.cco_id for _, e in profiles} | set(survivors.values()))
        changes: list[Change] = []
        for envelope, e in profiles:  # the latest profile wins by ``occurred_at``, whatever the arrival order
            if await self._store_profile(uow, e, envelope.occurred_at if envelope is not None else uow.occurred_at):
                changes.append(Change("profile", (e.cco_id,), e))
        m = t.memberships
        # ID-3: an end may arrive before its start: the stint is recorded with its end, and the start changes nothing
        starts = [
            {"cco_id": survivors[e.cco_id], "be_geo_id": e.be_geo_id, "started_on": e.started_on, "ended_on": None}
            for e in stints if isinstance(e, c.MembershipStarted)
        ]
        ends = [
            {"cco_id": survivors[e.cco_id], "be_geo_id": e.be_geo_id, "started_on": e.started_on, "ended_on": e.ended_on}
            for e in stints if isinstance(e, c.MembershipEnded)
        ]
        if starts:
            await conn.execute(uow.db.insert_ignoring_duplicates(m), starts)
        if ends:
            upsert = uow.db.insert(m)
            await conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=["cco_id", "be_geo_id", "started_on"], set_={"ended_on": upsert.excluded.ended_on}
                ),
                ends,
            )
        changes += [Change("membership", (survivors[e.cco_id],), e, be_geo_id=e.be_geo_id) for e in stints]
        await self._changed_many(uow, changes)

    async def _store_profile(self, uow: UnitOfWork, e: c.IndividualRegistered | c.IndividualUpdated, at: datetime) -> bool:
        """Keep the fields of the profile of ``at`` unless a later one is kept (the caller holds the lock)."""
        people = self.tables.people
        values = {f: getattr(e, f) for f in self._keep} | {"as_of": at, "updated_at": datetime.now(UTC)}
        changed = await uow.conn.execute(
            update(people)
            .where(people.c.cco_id == e.cco_id, or_(people.c.as_of.is_(None), people.c.as_of <= at))
            .values(**values)
        )
        return bool(changed.rowcount)

    # planned leaves (NO-4) -------------------------------------------------------------------------
    async def on_leave(self, uow: UnitOfWork, e: c.LeavePlanned | c.LeaveCancelled) -> None:
        leaves_on = e.leaves_on if isinstance(e, c.LeavePlanned) else None
        person = await self._person(uow, e.cco_id)
        if await self._store_leave(uow, person, e.be_geo_id, e.started_on, leaves_on, e.revision):
            await self._changed(uow, Change("leave", (person,), e, be_geo_id=e.be_geo_id, leaves_on=leaves_on))

    async def _store_leave(
        self, uow: UnitOfWork, cco_id: str, be_geo_id: str, started_on: date, leaves_on: date | None, revision: int
    ) -> bool:
        """Keep the plan of the highest revision; False when ``revision`` is not newer than the one kept."""
        p = self.tables.planned_leaves
        key = (p.c.cco_id == cco_id, p.c.be_geo_id == be_geo_id, p.c.started_on == started_on)
        known = await uow.conn.scalar(select(p.c.revision).where(*key))
        if known is not None and known >= revision:
            return False
        if known is None:
            await uow.conn.execute(
                p.insert().values(cco_id=cco_id, be_geo_id=be_geo_id, started_on=started_on, leaves_on=leaves_on, revision=revision)
            )
        else:
            await uow.conn.execute(update(p).where(*key).values(leaves_on=leaves_on, revision=revision))
        return True

    # merges (ID-2) ---------------------------------------------------------------------------------
    async def on_merged(self, uow: UnitOfWork, e: c.IndividualMerged) -> None:
        """ID-2: the retired IDs resolve to the survivor from now on (and every ID retired into them);
        their memberships, plans and, where the survivor has none, profile move to it; then the service
        moves its own rows (``rekey``) and recomputes (``after_change``)."""
        t, conn = self.tables, uow.conn
        survivor = await t.resolve(conn, e.survivor)
        retired = tuple(sorted({r for r in e.retired if r not in (survivor, e.survivor)}))
        if not retired:
            return
        await t.lock(uow, [survivor, *retired])
        stmt = uow.db.insert(t.aliases)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["retired"], set_={"survivor": stmt.excluded.survivor, "merged_on": stmt.excluded.merged_on}
            ),
            [{"retired": r, "survivor": survivor, "merged_on": e.merged_on} for r in retired],
        )
        # collapsed on write: IDs retired into a now-retired ID point at the survivor
        await conn.execute(update(t.aliases).where(t.aliases.c.survivor.in_(retired)).values(survivor=survivor))
        await self._move_memberships(uow, survivor, retired)
        await self._move_leaves(uow, survivor, retired)
        await self._merge_profile(uow, survivor, retired)
        merge = Merge(survivor, retired, e.merged_on)
        if self.rekey is not None:
            await self.rekey(uow, merge)
        await self._changed(uow, Change("merge", (survivor, *retired), e))

    async def _move_memberships(self, uow: UnitOfWork, survivor: str, retired: tuple[str, ...]) -> None:
        m = self.tables.memberships
        stints = (await uow.conn.execute(select(m).where(m.c.cco_id.in_(retired)))).all()
        if stints:
            await uow.conn.execute(delete(m).where(m.c.cco_id.in_(retired)))
            await uow.conn.execute(
                uow.db.insert_ignoring_duplicates(m),
                [{"cco_id": survivor, "be_geo_id": s.be_geo_id, "started_on": s.started_on, "ended_on": s.ended_on} for s in stints],
            )

    async def _move_leaves(self, uow: UnitOfWork, survivor: str, retired: tuple[str, ...]) -> None:
        p = self.tables.planned_leaves
        rows = (await uow.conn.execute(select(p).where(p.c.cco_id.in_(retired)))).all()
        await uow.conn.execute(delete(p).where(p.c.cco_id.in_(retired)))
        for r in rows:
            await self._store_leave(uow, survivor, r.be_geo_id, r.started_on, r.leaves_on, r.revision)

    async def _merge_profile(self, uow: UnitOfWork, survivor: str, retired: tuple[str, ...]) -> None:
        """The survivor keeps its own profile; it takes the latest retired one only if identity never described it."""
        people = self.tables.people
        mine = await uow.conn.scalar(select(people.c.as_of).where(people.c.cco_id == survivor))
        if mine is not None:
            return
        theirs = (
            await uow.conn.execute(
                select(people)
                .where(people.c.cco_id.in_(retired), people.c.as_of.is_not(None))
                .order_by(people.c.as_of.desc())
                .limit(1)
            )
        ).first()
        if theirs is not None:
            values = {f: getattr(theirs, f) for f in (*PROFILE_FIELDS, "as_of")} | {"updated_at": datetime.now(UTC)}
            await uow.conn.execute(update(people).where(people.c.cco_id == survivor).values(**values))

    async def _person(self, uow: UnitOfWork, cco_id: str) -> str:
        person = await self.tables.resolve(uow.conn, cco_id)
        await self.tables.lock(uow, [person])
        return person


# migrations -----------------------------------------------------------------------------------------
LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)  # ``as_of`` of a profile moved in by a migration: any event is newer


def copy_into(target: Table, source: str, where: str | None = None, **columns: Any) -> None:
    """Alembic: ``INSERT INTO target (columns) SELECT … FROM source [WHERE where]`` in the database, no rows
    through Python. ``columns`` maps each target column to a source column name or an SQL expression."""
    from sqlalchemy import literal_column, table, text

    exprs = [literal_column(v) if isinstance(v, str) else v for v in columns.values()]
    query = select(*exprs).select_from(table(source))
    if where is not None:
        query = query.where(text(where))
    op.execute(target.insert().from_select(list(columns), query))
