"""Readiness means "can serve requests": a service whose broker is down stays ready (its writes go on, their
events wait in the outbox) and says so in /readyz and /metrics; one whose database is unreachable is not ready.

A real ``partnerhub serve identity`` process, its RabbitMQ URL pointing at a port nothing listens on (the
shared broker is never touched), on a PostgreSQL database of the test's own that the test then drops."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select

from partnerhub.db.engine import drop_database, make_engine
from partnerhub.db.platform import new_metadata
from partnerhub.settings import ServiceSettings
from partnerhub.testing import bearer, eventually, free_port, serve_process


class _Dev(ServiceSettings):
    service_name = "readiness"


STAFF = bearer(_Dev(), "staff.ready", "program_staff")


def serve(service: str, env: dict[str, str], log: Path):  # noqa: ANN201 (a context manager)
    return serve_process(service, env, log, ready="/healthz")


def _gauge(metrics: str, name: str) -> float:
    (line,) = [line for line in metrics.splitlines() if line.startswith(name + "{")]
    return float(line.rsplit(" ", 1)[1])


async def test_a_service_without_its_broker_is_ready_and_serves_writes_but_not_without_its_database(
    tmp_path: Path, databases
) -> None:
    database_url = databases.new_url("ready")
    closed = free_port()  # nothing listens here: the broker is down for this service
    env = {
        "IDENTITY_DATABASE_URL": database_url,
        "PARTNERHUB_RABBITMQ_URL": f"amqp://guest:guest@127.0.0.1:{closed}/",
        "PARTNERHUB_CLOCK": "manual",
    }
    with serve("identity", env, tmp_path / "identity.log") as url:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            body = ready.json()
            assert (body["status"], body["database"], body["broker"]) == ("ready", "ok", "down")
            assert body["checks"] == {"database": "ok", "broker": "down"}
            assert _gauge((await client.get("/metrics")).text, "partnerhub_broker_connected") == 0
            # it serves writes: the event waits in the outbox until the broker is back
            r = await client.post("/v1/partners", json={"be_geo_id": "300001", "name": "Down", "country": "DE"}, headers=STAFF)
            assert r.status_code == 201, r.text
            engine = make_engine(database_url)
            try:
                outbox = new_metadata().tables["outbox"]
                async with engine.connect() as conn:
                    waiting = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
                assert waiting == 1
            finally:
                await engine.dispose()

            await drop_database(database_url)  # the database goes away under the running service

            async def unready() -> httpx.Response | None:
                r = await client.get("/readyz")
                return r if r.status_code == 503 else None

            gone = await eventually(unready, timeout=30, interval=0.25)
            body = gone.json()
            assert body["status"] == "not ready" and body["database"].startswith("unreachable")
            assert body["broker"] == "down"
            assert (await client.get("/healthz")).status_code == 200, "alive all the same: no restart is needed"
