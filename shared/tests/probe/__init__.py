"""A minimal service for testing the platform: one table, one event, one counting handler (batched)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from sqlalchemy import Column, Integer, String, Table, select, update

from partnerhub.bus.consumer import Batched
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.db.platform import new_metadata
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.service import ServiceDefinition
from partnerhub.settings import ServiceSettings

metadata = new_metadata()
items = Table("probe_items", metadata, Column("key", String(100), primary_key=True))
applied = Table(
    "probe_applied",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("times", Integer, nullable=False),
)

ATTEMPTS: Counter[str] = Counter()  # handler calls per key, in this process


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"
    model_config = SettingsConfigDict(env_prefix="PROBE_", extra="ignore")


class ItemCreated(Event):
    TYPE, KEY = "probe.item.created.v1", "key"
    key: str


async def create_items(db: Database, keys: list[str]) -> None:
    """A state change and its events, in one unit of work."""
    async with db.uow() as uow:
        await uow.conn.execute(items.insert(), [{"key": k} for k in keys])
        for key in keys:
            uow.emit(ItemCreated(key=key))
        await uow.commit()


async def on_item_created(uow: UnitOfWork, event: ItemCreated) -> None:
    ATTEMPTS[event.key] += 1
    if event.key.startswith("poison"):
        raise RuntimeError(f"cannot apply {event.key}")
    result = await uow.conn.execute(
        update(applied).where(applied.c.key == event.key).values(times=applied.c.times + 1)
    )
    if result.rowcount == 0:
        await uow.conn.execute(applied.insert().values(key=event.key, times=1))


async def on_items_created(uow: UnitOfWork, run: list[tuple[Envelope, ItemCreated]]) -> None:
    """The same for a run of them in one batch (``Batched``): one upsert adds each key's count."""
    counts: Counter[str] = Counter()
    for _, event in run:
        ATTEMPTS[event.key] += 1
        if event.key.startswith("poison"):
            raise RuntimeError(f"cannot apply {event.key}")  # the batch is then applied event by event
        counts[event.key] += 1
    stmt = uow.db.insert(applied)
    await uow.conn.execute(
        stmt.on_conflict_do_update(index_elements=["key"], set_={"times": applied.c.times + stmt.excluded.times}),
        [{"key": key, "times": n} for key, n in sorted(counts.items())],
    )


async def applied_counts(db: Database) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {row.key: row.times for row in await conn.execute(select(applied))}


PROBE = ServiceDefinition(
    name="probe",
    title="Probe",
    port=8099,
    settings_cls=ProbeSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={ItemCreated: Batched(on_item_created, on_items_created)},
    produces=(ItemCreated,),
)
