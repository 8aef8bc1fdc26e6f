"""Proof files (CL-5) live in learning's database, which every replica shares: a file uploaded through one
replica is served by another and survives a restart of both (two real ``partnerhub serve learning`` processes,
each with a data folder of its own, on one PostgreSQL database). The migration lear0007 moves the files of an
existing installation from its folder into the database; the folder store is still there for one replica."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from alembic import command

from learning.app import SERVICE
from learning.settings import LearningSettings
from partnerhub.db.migrations import alembic_config, migrate
from partnerhub.testing import bearer, serve_process, start_system

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
STAFF = bearer(LearningSettings(), "staff.proofs", "program_staff")
FORM = {"cco_id": "ivy", "event": "Cisco Live 2026", "specialization": "ENT", "attended_on": "2026-01-20"}


def serve_learning(env: dict[str, str], log: Path):  # noqa: ANN201 (a context manager)
    return serve_process("learning", env, log)


@contextmanager
def two_replicas(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two learning processes on one database, each with its own data folder (as two pods have)."""
    with ExitStack() as stack:
        urls = [
            stack.enter_context(
                serve_learning({**env, "LEARNING_DATA_DIR": str(tmp_path / f"disk-{i}")}, tmp_path / f"learning-{i}.log")
            )
            for i in (1, 2)
        ]
        yield urls[0], urls[1]


def _read(url: str, proof_id: str) -> httpx.Response:
    return httpx.get(f"{url}/v1/proofs/{proof_id}/file", headers=STAFF, timeout=10)


def test_a_proof_uploaded_through_one_replica_is_served_by_another_and_after_both_restart(
    tmp_path: Path, databases, broker, namespace
) -> None:
    env = {
        "LEARNING_DATABASE_URL": databases.new_url("learning"),
        "PARTNERHUB_RABBITMQ_URL": broker.url,
        "PARTNERHUB_NAMESPACE": namespace,
        "PARTNERHUB_CLOCK": "manual",
        "PARTNERHUB_START_DATE": "2026-03-01",
    }
    with two_replicas(env, tmp_path) as (first, second):
        r = httpx.post(
            f"{first}/v1/proofs", data=FORM, files={"file": ("certificate.pdf", PDF, "application/pdf")}, headers=STAFF
        )
        assert r.status_code == 201, r.text
        proof_id = r.json()["proof_id"]
        served = _read(second, proof_id)
        assert served.status_code == 200 and served.content == PDF, "the other replica serves it"
        assert served.headers["content-type"] == "application/pdf"
        assert not list(tmp_path.glob("disk-*/**/*.pdf")), "nothing on either replica's disk"
    with two_replicas(env, tmp_path) as (first, second):
        for url in (first, second):
            again = _read(url, proof_id)
            assert again.status_code == 200 and again.content == PDF, "kept across a restart of both"


async def test_lear0007_moves_existing_proof_files_from_the_folder_into_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'learning.db'}"
    folder = tmp_path / "data" / "learning"
    await migrate("learning", SERVICE.migrations_dir, url, revision="lear0006")
    columns = (
        "proof_id", "cco_id", "submitted_by", "event", "activity_id", "specialization", "attended_on", "content_type",
        "size", "sha256", "stored_as", "filename", "status", "submitted_at",
    )
    proofs = sa.table("proofs", *(sa.column(c) for c in columns))
    rows = []
    for i, (content, ext) in enumerate([(PDF, "pdf"), (PNG, "png"), (PDF, "pdf")]):
        proof_id = f"0000000{i}-0000-0000-0000-000000000000"
        rows.append({
            "proof_id": proof_id, "cco_id": "ivy", "submitted_by": "ivy", "event": f"Event {i}", "activity_id": f"event-{i}",
            "specialization": "ENT", "attended_on": date(2026, 1, 20), "content_type": "application/pdf",
            "size": len(content), "sha256": "-", "stored_as": f"proofs/{proof_id}.{ext}", "filename": f"f.{ext}",
            "status": "submitted", "submitted_at": datetime.now(UTC),
        })
        if i < 2:  # the third proof's file was lost before the migration
            (folder / "proofs").mkdir(parents=True, exist_ok=True)
            (folder / rows[-1]["stored_as"]).write_bytes(content)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'learning.db'}")
    with engine.begin() as conn:
        conn.execute(proofs.insert(), rows)
    monkeypatch.setenv("LEARNING_DATA_DIR", str(folder))  # `partnerhub migrate learning` reads it there
    await migrate("learning", SERVICE.migrations_dir, url)
    with engine.connect() as conn:
        moved = {r.name: bytes(r.content) for r in conn.execute(sa.text("SELECT name, content FROM proof_files"))}
    assert moved == {rows[0]["stored_as"]: PDF, rows[1]["stored_as"]: PNG}

    # the service serves them from the database, without the folder
    for path in (folder / "proofs").iterdir():
        path.unlink()
    async with start_system([SERVICE], "standalone", tmp_path=tmp_path, database_urls={"learning": url}) as system:
        client = system.clients["learning"]
        for row, content in ((rows[0], PDF), (rows[1], PNG)):
            r = await client.get(f"/v1/proofs/{row['proof_id']}/file", headers=system.staff())
            assert r.status_code == 200 and r.content == content
        assert (await client.get(f"/v1/proofs/{rows[2]['proof_id']}/file", headers=system.staff())).status_code == 404

    with engine.begin() as conn:  # downgrade: the files come back to the folder
        cfg = alembic_config(SERVICE.migrations_dir, url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "lear0006")
    assert (folder / rows[1]["stored_as"]).read_bytes() == PNG and (folder / rows[0]["stored_as"]).read_bytes() == PDF
    with engine.connect() as conn:
        assert "proof_files" not in sa.inspect(conn).get_table_names()
    engine.dispose()


async def test_the_folder_store_keeps_files_on_one_replicas_disk(tmp_path: Path) -> None:
    data = tmp_path / "disk"
    async with start_system(
        [SERVICE], "standalone", tmp_path=tmp_path, proof_store="folder", data_dir=data, start_date="2026-03-01"
    ) as system:
        client = system.clients["learning"]
        r = await client.post(
            "/v1/proofs", data=FORM, files={"file": ("c.png", PNG, "image/png")}, headers=system.staff()
        )
        assert r.status_code == 201, r.text
        proof = r.json()
        assert (data / f"proofs/{proof['proof_id']}.png").read_bytes() == PNG
        file = await client.get(f"/v1/proofs/{proof['proof_id']}/file", headers=system.staff())
        assert file.status_code == 200 and file.content == PNG
        # a refused submission (no such event in the library) leaves no file behind
        bad = await client.post(
            "/v1/proofs", data={**FORM, "activity_id": "EVT-NONE"}, files={"file": ("c.png", PNG, "image/png")},
            headers=system.staff(),
        )
        assert bad.status_code == 404
        assert len(list((data / "proofs").iterdir())) == 1
