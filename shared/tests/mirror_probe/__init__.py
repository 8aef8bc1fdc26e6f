"""A minimal service holding only the identity mirror, for testing its rules in both modes: every profile field
kept, memberships and planned leaves followed, and each hook call recorded in ``mirror_hooks``."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic_settings import SettingsConfigDict
from sqlalchemy import Column, Integer, String, Table, select

from partnerhub.db.platform import new_metadata
from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.mirrors.identity import Change, IdentityMirror, Merge, add_identity_tables
from partnerhub.service import ServiceDefinition
from partnerhub.settings import ServiceSettings

metadata = new_metadata()
IDENTITY = add_identity_tables(metadata)
hooks = Table(
    "mirror_hooks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("hook", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("cco_ids", String(400), nullable=False),
)


class MirrorProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "mirrorprobe"
    model_config = SettingsConfigDict(env_prefix="MIRRORPROBE_", extra="ignore")


async def after_change(uow: UnitOfWork, change: Change) -> None:
    await uow.conn.execute(hooks.insert().values(hook="after_change", kind=change.kind, cco_ids=",".join(change.cco_ids)))


async def rekey(uow: UnitOfWork, merge: Merge) -> None:
    await uow.conn.execute(
        hooks.insert().values(hook="rekey", kind="merge", cco_ids=",".join((merge.survivor, *merge.retired)))
    )


MIRROR = IdentityMirror(
    IDENTITY, keep=("name", "email", "program_staff"), leaves=True, after_change=after_change, rekey=rekey
)


async def calls(db: Database) -> list[tuple[str, str, str]]:
    async with db.engine.connect() as conn:
        return [(r.hook, r.kind, r.cco_ids) for r in await conn.execute(select(hooks).order_by(hooks.c.seq))]


MIRROR_PROBE = ServiceDefinition(
    name="mirrorprobe",
    title="Mirror probe",
    port=8098,
    settings_cls=MirrorProbeSettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions=MIRROR.subscriptions(),
)
