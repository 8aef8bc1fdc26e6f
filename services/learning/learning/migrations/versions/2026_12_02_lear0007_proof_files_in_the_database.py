"""learning: proof-of-attendance files in the database every replica shares (CL-5)

The files were written to the relative folder ``data/learning`` (``LEARNING_DATA_DIR``) of whichever replica took
the upload: another replica answered 404 for them, and a pod's restart lost them. They go to the table
``proof_files`` now. Each file found under the folder for a proof is copied into the table (the files stay where
they are: delete the folder once the service runs on this revision); a proof whose file is not there keeps no
content, and its file answers 404 as before. The folder is the running service's ``DATA_DIR`` when the service
migrates itself at start, else ``LEARNING_DATA_DIR`` / ``PARTNERHUB_DATA_DIR`` / ``data/learning``.

Downgrade writes the files back to the folder (those not already there), then drops the table.

Revision ID: lear0007
Revises: lear0006
Create Date: 2026-12-02
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from partnerhub.db.types import UtcDateTime
from partnerhub.logging import get_logger

revision = "lear0007"
down_revision = "lear0006"
branch_labels = None
depends_on = None
log = get_logger("learning.migrations")

proofs = sa.table("proofs", sa.column("proof_id"), sa.column("stored_as"))
proof_files = sa.table(
    "proof_files", sa.column("name"), sa.column("content", sa.LargeBinary), sa.column("stored_at", UtcDateTime())
)


def _folder() -> Path:
    settings = context.config.attributes.get("settings")
    if settings is not None and getattr(settings, "data_dir", None) is not None:
        return Path(settings.data_dir)
    return Path(os.environ.get("LEARNING_DATA_DIR") or os.environ.get("PARTNERHUB_DATA_DIR") or "data/learning")


def upgrade() -> None:
    op.create_table(
        "proof_files",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_proof_files")),
    )
    conn = op.get_bind()
    folder = _folder()
    moved = missing = 0
    for row in conn.execute(sa.select(proofs.c.proof_id, proofs.c.stored_as).order_by(proofs.c.proof_id)).all():
        path = folder / row.stored_as
        if not path.is_file():
            missing += 1
            continue
        # one file at a time: at most PROOF_MAX_BYTES (5 MiB by default) in memory
        conn.execute(proof_files.insert().values(name=row.stored_as, content=path.read_bytes(), stored_at=datetime.now(UTC)))
        moved += 1
    if moved or missing:
        log.info("proof files moved into the database", folder=str(folder.resolve()), moved=moved, missing=missing)


def downgrade() -> None:
    conn = op.get_bind()
    folder = _folder()
    for name in conn.execute(sa.select(proof_files.c.name).order_by(proof_files.c.name)).scalars().all():
        path = folder / name
        if not path.exists():
            content = conn.scalar(sa.select(proof_files.c.content).where(proof_files.c.name == name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(content))
    op.drop_table("proof_files")
