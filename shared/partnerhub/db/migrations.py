"""Alembic, one history per service, driven from code (``partnerhub migrate SERVICE``).

A service's ``migrations/env.py`` is two lines: it calls ``run_env(metadata)``.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from partnerhub.db.engine import dialect_of, ensure_database, make_engine
from partnerhub.logging import get_logger

log = get_logger(__name__)


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"
    )
    return cfg


def run_env(metadata: MetaData) -> None:
    """Body of every service's env.py: migrate on the connection handed in by ``migrate``."""
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `partnerhub migrate SERVICE`, which passes a connection")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def migrate(
    service: str, migrations_dir: Path, url: str, revision: str = "head", *, settings: Any = None
) -> None:
    """Create the database if missing and upgrade it; safe when replicas start together.

    ``settings``: the running service's, for a data migration that needs one of them (a migration reads
    ``context.config.attributes.get("settings")``; None from ``partnerhub migrate``: it reads the environment)."""
    await ensure_database(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            if dialect_of(url) == "postgresql":
                # one migrator at a time per database; the others wait, then find nothing to do
                lock_key = zlib.crc32(f"partnerhub-migrate-{service}".encode())
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key})
            cfg = alembic_config(migrations_dir, url)

            def _upgrade(sync_conn: Connection) -> None:
                cfg.attributes["connection"] = sync_conn
                cfg.attributes["settings"] = settings
                command.upgrade(cfg, revision)

            await conn.run_sync(_upgrade)
        log.info("database migrated", service=service, revision=revision)
    finally:
        await engine.dispose()
