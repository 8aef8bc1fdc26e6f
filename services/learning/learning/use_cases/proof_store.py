"""Where proof-of-attendance files are kept (CL-5), behind one small interface.

- ``DatabaseProofStore`` (the default): in learning's own database, table ``proof_files``, written in the same
  transaction as the proof's row. Every replica reads what any replica stored; a restart loses nothing.
- ``FolderProofStore``: files under ``DATA_DIR`` on local disk, for one replica only (every replica has a disk of
  its own). Written before the proof's transaction, removed again if that transaction fails.

A file is named by its proof's ``stored_as`` (``proofs/<proof id>.<extension>``). Its size limit is checked
before it gets here (``PROOF_MAX_BYTES``).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from learning.settings import LearningSettings
from learning.tables import proof_files
from partnerhub.db.uow import Database, UnitOfWork


class ProofStore(Protocol):
    async def put(self, uow: UnitOfWork, name: str, content: bytes) -> None:
        """Keep ``content`` as ``name``; it counts once ``uow`` commits (a failed submission calls ``discard``)."""
        ...

    async def get(self, name: str) -> bytes | None:
        """The content stored as ``name``, None when there is none."""
        ...

    async def discard(self, name: str) -> None:
        """Forget what ``put`` kept of a submission whose transaction failed."""
        ...


class DatabaseProofStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, uow: UnitOfWork, name: str, content: bytes) -> None:
        await uow.conn.execute(proof_files.insert().values(name=name, content=content, stored_at=datetime.now(UTC)))

    async def get(self, name: str) -> bytes | None:
        async with self.db.engine.connect() as conn:
            content = await conn.scalar(select(proof_files.c.content).where(proof_files.c.name == name))
        return bytes(content) if content is not None else None

    async def discard(self, name: str) -> None:
        return None  # the transaction's rollback took it


class FolderProofStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def put(self, uow: UnitOfWork, name: str, content: bytes) -> None:
        await asyncio.to_thread(_write, self.folder / name, content)

    async def get(self, name: str) -> bytes | None:
        path = self.folder / name
        return await asyncio.to_thread(path.read_bytes) if path.is_file() else None

    async def discard(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(content)
    tmp.replace(path)


def proof_store(settings: LearningSettings, db: Database) -> ProofStore:
    """The store the settings name (``PROOF_STORE``)."""
    if settings.proof_store == "folder":
        return FolderProofStore(settings.data_dir)
    return DatabaseProofStore(db)
