"""The first slice through the bus, in both run modes: identity registers a person
(identity.individual.registered) and notify keeps the address.

- standalone: one process, every service mounted under /<service>, SQLite, in-process bus;
- multi-process: `partnerhub serve` processes on PostgreSQL and RabbitMQ, with two notify replicas.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import select

from partnerhub.auth import mint_token
from partnerhub.settings import ServiceSettings
from partnerhub.standalone import Standalone
from partnerhub.testing import eventually, free_port


class _Dev(ServiceSettings):
    service_name = "dev"


STAFF = {"Authorization": f"Bearer {mint_token(_Dev(), 'staff.e2e', ['program_staff'])}"}


def _person(i: int) -> dict[str, str]:
    tag = uuid.uuid4().hex[:6]
    return {"cco_id": f"p{i}.{tag}", "name": f"Person {i}", "email": f"p{i}.{tag}@partner.example"}


async def test_slice_standalone(tmp_path: Path) -> None:
    system = Standalone(tmp_path / "data", demo=False)
    await system.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://sa") as client:
            health = await client.get("/healthz")
            assert health.status_code == 200
            for name in ("identity", "certification", "learning", "specialization", "notify"):
                assert (await client.get(f"/{name}/healthz")).json()["service"] == name
                assert (await client.get(f"/{name}/openapi.json")).status_code == 200
                assert (await client.get(f"/{name}/asyncapi.json")).json()["asyncapi"].startswith("2.")
            person = _person(1)
            created = await client.post(
                "/identity/v1/individuals", json=person, headers={**STAFF, "X-Correlation-ID": "trace-sa-1"}
            )
            assert created.status_code == 201, created.text
            assert created.headers["x-correlation-id"] == "trace-sa-1"
            identity_db = system.runtimes["identity"].db
            async with identity_db.engine.connect() as conn:
                envelopes = (await conn.execute(select(identity_db.outbox.c.envelope))).scalars().all()
            mine = [e for e in envelopes if e["key"] == person["cco_id"]]
            assert [e["correlation_id"] for e in mine] == ["trace-sa-1"], "the request's id travels in the event"

            async def address_known() -> bool:
                r = await client.get(f"/notify/v1/recipients/{person['cco_id']}", headers=STAFF)
                return r.status_code == 200 and r.json()["email"] == person["email"]

            await eventually(address_known)
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await system.stop()



@contextmanager
def _serve(service: str, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    port = free_port()
    log = (log_dir / f"{service}-{port}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "partnerhub.cli", "serve", service, "--port", str(port)],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def _until_ready(client: httpx.AsyncClient, url: str, log_dir: Path) -> None:
    async def ready() -> bool:
        try:
            r = await client.get(f"{url}/readyz")  # 200 without a broker too: wait for it as well
            return r.status_code == 200 and r.json()["broker"] == "ok"
        except httpx.TransportError:
            return False

    try:
        await eventually(ready, timeout=60, interval=0.25)
    except AssertionError:
        logs = "\n".join(p.read_text()[-3000:] for p in log_dir.glob("*.log"))
        raise AssertionError(f"{url} never became ready; logs:\n{logs}") from None


async def test_slice_multi_process_with_two_notify_replicas(tmp_path: Path, databases, broker, namespace) -> None:
    identity_db, notify_db = databases.new_url("identity"), databases.new_url("notify")
    common = {"PARTNERHUB_RABBITMQ_URL": broker.url, "PARTNERHUB_NAMESPACE": namespace, "PARTNERHUB_CLOCK": "manual"}
    with (
        _serve("identity", {**common, "IDENTITY_DATABASE_URL": identity_db}, tmp_path) as identity,
        _serve("notify", {**common, "NOTIFY_DATABASE_URL": notify_db}, tmp_path) as notify_a,
        _serve("notify", {**common, "NOTIFY_DATABASE_URL": notify_db}, tmp_path) as notify_b,
    ):
        async with httpx.AsyncClient(timeout=10) as client:
            for url in (identity, notify_a, notify_b):
                await _until_ready(client, url, tmp_path)
            people = [_person(i) for i in range(20)]
            responses = await asyncio.gather(
                *(client.post(f"{identity}/v1/individuals", json=p, headers=STAFF) for p in people)
            )
            assert [r.status_code for r in responses] == [201] * len(people)

            async def all_known() -> bool:
                for i, p in enumerate(people):
                    replica = (notify_a, notify_b)[i % 2]
                    r = await client.get(f"{replica}/v1/recipients/{p['cco_id']}", headers=STAFF)
                    if r.status_code != 200:
                        return False
                    assert r.json()["email"] == p["email"]
                return True

            await eventually(all_known, timeout=30, interval=0.2)
            # each event applied once across both replicas
            consumed = 0.0
            for replica in (notify_a, notify_b):
                metrics = (await client.get(f"{replica}/metrics")).text
                for line in metrics.splitlines():
                    if line.startswith("partnerhub_events_consumed_total") and "individual.registered" in line:
                        consumed += float(line.rsplit(" ", 1)[1])
            assert consumed == len(people)
            # the correlation id of a request comes back in the response header
            r = await client.get(f"{identity}/healthz", headers={"X-Correlation-ID": "trace-123"})
            assert r.headers["x-correlation-id"] == "trace-123"
