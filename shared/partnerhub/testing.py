"""Test fixtures for every service's tests (a pytest plugin: ``pytest_plugins = ["partnerhub.testing"]``).

Real servers: ``DATABASE_URL`` / ``RABBITMQ_URL`` when set, else the local
PostgreSQL and RabbitMQ, else testcontainers where a Docker engine works. Under
``CI=true`` a test that needs one and finds none fails; elsewhere it is skipped.
Every run gets its own databases and its own RabbitMQ vhost (or a name prefix),
and removes them afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import httpx
import pytest
from sqlalchemy.engine import make_url

from partnerhub.auth import mint_token
from partnerhub.bus.envelope import Envelope, Event
from partnerhub.bus.inprocess import InProcessBroker, InProcessTransport
from partnerhub.bus.rabbitmq import RabbitTransport
from partnerhub.bus.transport import Transport
from partnerhub.db.engine import drop_database, make_engine
from partnerhub.db.migrations import migrate
from partnerhub.db.uow import Database
from partnerhub.service import ServiceDefinition, ServiceRuntime
from partnerhub.settings import ServiceSettings

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str) -> None:
    """Fail under CI, skip elsewhere: a broker or database test never passes without one."""
    message = f"{what} is not reachable; set DATABASE_URL / RABBITMQ_URL or start the local servers"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=2):
        return True
    return False


def _docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


# PostgreSQL --------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL of a reachable PostgreSQL server (any database on it)."""
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    parsed = make_url(url)
    if _reachable(parsed.host or "127.0.0.1", parsed.port or 5432):
        yield url
        return
    if "DATABASE_URL" not in os.environ and _docker_works():
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]

        with PostgresContainer("postgres:16", driver="asyncpg") as container:
            yield container.get_connection_url()
        return
    unavailable("PostgreSQL")


@dataclass
class DatabaseFactory:
    server_url: str
    created: list[str] = field(default_factory=list)

    def new_url(self, hint: str = "db") -> str:
        name = f"ph_t_{hint[:20]}_{uuid.uuid4().hex[:10]}".lower()
        url = make_url(self.server_url).set(database=name).render_as_string(hide_password=False)
        self.created.append(url)
        return url


@pytest.fixture
def databases(postgres_server: str) -> Iterator[DatabaseFactory]:
    """``databases.new_url("identity")``: a fresh PostgreSQL database URL, dropped after the test."""
    factory = DatabaseFactory(postgres_server)
    yield factory
    for url in factory.created:
        with contextlib.suppress(Exception):
            asyncio.run(drop_database(url))


# RabbitMQ ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Broker:
    url: str
    vhost: str | None  # None when the run shares the server's vhost (names are prefixed instead)

    def close_all_connections(self) -> None:
        """Drop every client connection of this run (as a network failure would)."""
        if self.vhost is None:
            raise RuntimeError("dropping connections needs rabbitmqctl and a vhost of our own")
        subprocess.run(
            ["rabbitmqctl", "-q", "close_all_connections", "--vhost", self.vhost, "partnerhub test"],
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    base = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    parts = urlsplit(base)
    if not _reachable(parts.hostname or "127.0.0.1", parts.port or 5672):
        if "RABBITMQ_URL" not in os.environ and _docker_works():
            from testcontainers.rabbitmq import RabbitMqContainer  # type: ignore[import-not-found]

            with RabbitMqContainer("rabbitmq:3.13") as container:
                params = container.get_connection_params()
                yield Broker(f"amqp://guest:guest@{params.host}:{params.port}/", None)
            return
        unavailable("RabbitMQ")
    with scratch_vhost(base) as scratch:
        yield scratch


@contextlib.contextmanager
def scratch_vhost(base: str) -> Iterator[Broker]:
    """A RabbitMQ vhost of our own on a local server (rabbitmqctl), deleted afterwards with
    every queue and message in it; elsewhere the server's vhost (names are prefixed instead)."""
    parts = urlsplit(base)
    ctl = shutil.which("rabbitmqctl")
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if ctl is None or not local:
        yield Broker(base, None)
        return
    vhost = f"ph-test-{uuid.uuid4().hex[:10]}"
    user = parts.username or "guest"
    subprocess.run([ctl, "-q", "add_vhost", vhost], check=True, capture_output=True, timeout=60)
    try:
        subprocess.run(
            [ctl, "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True, capture_output=True, timeout=60
        )
        yield Broker(urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", "")), vhost)
    finally:
        subprocess.run([ctl, "-q", "delete_vhost", vhost], capture_output=True, timeout=60)


@contextlib.asynccontextmanager
async def scratch_servers(database_url: str, rabbitmq_url: str) -> AsyncIterator[dict[str, Any]]:
    """``start_system``'s arguments for a distributed run outside pytest (the benchmarks): fresh
    databases and a vhost of the run's own, removed afterwards with everything in them."""
    databases = DatabaseFactory(database_url)
    try:
        with scratch_vhost(rabbitmq_url) as broker:
            yield {"databases": databases, "broker": broker, "namespace": f"bench{uuid.uuid4().hex[:6]}."}
    finally:
        for url in databases.created:
            with contextlib.suppress(Exception):
                await drop_database(url)


@contextlib.asynccontextmanager
async def scratch_database(definition: ServiceDefinition, server_url: str, *, keep: bool = False) -> AsyncIterator[Database]:
    """A fresh, migrated PostgreSQL database of the service's for a benchmark, dropped afterwards
    (unless ``keep``)."""
    url = make_url(server_url).set(database=f"ph_bench_{definition.name}_{uuid.uuid4().hex[:8]}")
    url_text = url.render_as_string(hide_password=False)
    await migrate(definition.name, definition.migrations_dir, url_text)
    db = Database(make_engine(url_text), definition.metadata, producer=definition.name)
    try:
        yield db
    finally:
        await db.dispose()
        if not keep:
            await drop_database(url_text)


@pytest.fixture
def namespace() -> str:
    """A prefix for exchange and queue names: tests in one vhost never see each other's messages."""
    return f"t{uuid.uuid4().hex[:8]}."


# tokens ------------------------------------------------------------------------------------------
def bearer(
    settings: ServiceSettings, sub: str, *roles: str, admin_of: Sequence[str] = (), pam_of: Sequence[str] = ()
) -> dict[str, str]:
    token = mint_token(settings, sub, roles or ("individual",), admin_of=admin_of, pam_of=pam_of)
    return {"Authorization": f"Bearer {token}"}


# running services in a test ----------------------------------------------------------------------
@dataclass
class System:
    """Some services, started in one of the two modes, with an HTTP client each."""

    runtimes: dict[str, ServiceRuntime]
    clients: dict[str, httpx.AsyncClient]
    mode: str

    def staff(self, sub: str = "staff.test") -> dict[str, str]:
        return bearer(next(iter(self.runtimes.values())).settings, sub, "program_staff")

    def token(self, sub: str, *roles: str, admin_of: Sequence[str] = (), pam_of: Sequence[str] = ()) -> dict[str, str]:
        return bearer(next(iter(self.runtimes.values())).settings, sub, *roles, admin_of=admin_of, pam_of=pam_of)


async def eventually(check: Any, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Await ``check()`` until it returns a truthy value (or raise its last AssertionError)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: BaseException | None = None
    while loop.time() < deadline:
        try:
            result = await check()
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(interval)
    if last is not None:
        raise last
    raise AssertionError(f"condition not met within {timeout}s")


@contextlib.asynccontextmanager
async def start_system(
    definitions: Sequence[ServiceDefinition],
    mode: str,
    *,
    tmp_path: Path,
    databases: DatabaseFactory | None = None,
    broker: Broker | None = None,
    namespace: str = "",
    database_urls: dict[str, str] | None = None,
    tracer_provider: Any = None,
    **overrides: Any,
) -> AsyncIterator[System]:
    """``mode``: ``standalone`` (SQLite, in-process bus) or ``distributed`` (PostgreSQL, RabbitMQ).
    ``tracer_provider``: an OpenTelemetry SDK provider every service traces into (e.g. with an in-memory exporter)."""
    shared = InProcessBroker()
    common = {"clock": "manual", "environment": "test", "dev_tokens": True, "outbox_poll_interval": 0.1}
    common.update(overrides)
    runtimes: dict[str, ServiceRuntime] = {}
    for definition in definitions:
        settings, transport = _settings_for(
            definition, mode, (database_urls or {}).get(definition.name), tmp_path, databases, broker, namespace,
            shared, common,
        )
        runtimes[definition.name] = ServiceRuntime(
            definition, settings, transport=transport, own_lifespan=False, tracer_provider=tracer_provider
        )
    clients: dict[str, httpx.AsyncClient] = {}
    try:
        for runtime in runtimes.values():
            await runtime.start()
        for name, runtime in runtimes.items():
            clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=runtime.app), base_url=f"http://{name}.test"
            )
        yield System(runtimes, clients, mode)
    finally:
        for client in clients.values():
            await client.aclose()
        for runtime in reversed(list(runtimes.values())):
            await runtime.stop()
        if broker is not None:
            await delete_topology(broker.url, [r.transport for r in runtimes.values()])


def _settings_for(
    definition: ServiceDefinition,
    mode: str,
    given_url: str | None,
    tmp_path: Path,
    databases: DatabaseFactory | None,
    broker: Broker | None,
    namespace: str,
    shared: InProcessBroker,
    common: dict[str, Any],
) -> tuple[ServiceSettings, Transport | None]:
    """A service's settings and transport in ``mode``: its own SQLite file on the shared in-process bus, or its
    own PostgreSQL database on the run's RabbitMQ (the runtime then builds the transport)."""
    if mode == "standalone":
        settings = definition.settings_cls(
            database_url=given_url or f"sqlite+aiosqlite:///{tmp_path / (definition.name + '.db')}",
            bus="inprocess",
            **common,
        )
        return settings, InProcessTransport(shared)
    if mode == "distributed":
        assert databases is not None and broker is not None, "distributed mode needs databases and broker"
        settings = definition.settings_cls(
            database_url=given_url or databases.new_url(definition.name),
            bus="rabbitmq",
            rabbitmq_url=broker.url,
            namespace=namespace,
            **common,
        )
        return settings, None
    raise ValueError(f"unknown mode {mode!r}")


async def delete_topology(url: str, transports: Sequence[Any]) -> None:
    """Remove the queues and exchanges a test's services declared. A run's vhost would otherwise
    gather thousands of idle quorum queues, and RabbitMQ grows slow to accept connections."""
    queues: set[str] = set()
    exchanges: set[str] = set()
    for transport in transports:
        if isinstance(transport, RabbitTransport):
            q, x = transport.declared_names()
            queues.update(q)
            exchanges.update(x)
    if not queues and not exchanges:
        return
    try:
        connection = await aio_pika.connect(url.split(",")[0].strip(), timeout=10)  # a cluster: its first node
        async with connection:
            channel = await connection.channel()
            for name in sorted(queues):
                await channel.queue_delete(name)
            for name in sorted(exchanges):
                await channel.exchange_delete(name)
    except Exception as exc:  # cleanup only: the vhost goes at the end of the run anyway
        warnings.warn(f"could not remove the test's RabbitMQ queues: {exc!r}", stacklevel=1)


@pytest.fixture(params=["standalone", "distributed"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test in both modes: standalone, and on the real PostgreSQL and RabbitMQ."""
    return str(request.param)


@pytest.fixture
def system_factory(mode: str, tmp_path: Path, request: pytest.FixtureRequest, namespace: str) -> Iterator[Any]:
    """``async with system_factory(IDENTITY, NOTIFY) as system:`` in the test's mode."""
    databases = broker_ = None
    if mode == "distributed":
        databases = request.getfixturevalue("databases")
        broker_ = request.getfixturevalue("broker")

    def factory(*definitions: ServiceDefinition, **overrides: Any) -> Any:
        return start_system(
            definitions,
            mode,
            tmp_path=tmp_path,
            databases=databases,
            broker=broker_,
            namespace=namespace,
            **overrides,
        )

    yield factory


def free_port() -> int:
    """A TCP port nobody listens on right now (for a server the test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_process(
    service: str, env: dict[str, str], log: Path, *, ready: str = "/readyz", timeout: float = 90
) -> Iterator[str]:
    """``partnerhub serve SERVICE`` as a real process on a free port, its output in ``log``; yields its URL
    once ``ready`` answers 200 (``/healthz``: once it answers at all), and stops it afterwards."""
    import sys

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "partnerhub.cli", "serve", service, "--port", str(port)]
    with running(command, env, log, url, name=service, ready=ready, timeout=timeout):
        yield url


@contextlib.contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path, url: str, *, name: str, ready: str = "/readyz", timeout: float = 90
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` as a process (``env`` added to ours), its output in ``log``; yields it once ``url + ready``
    answers 200 (``/healthz``: once it answers at all), and terminates it afterwards (killed after 20 s)."""
    import time

    handle = log.open("ab")
    proc = subprocess.Popen(command, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert proc.poll() is None, f"{name} exited:\n{log.read_text()[-4000:]}"
            assert time.monotonic() < deadline, f"{name} never ready:\n{log.read_text()[-4000:]}"
            try:
                answer = httpx.get(f"{url}{ready}", timeout=2)
                if answer.status_code == 200 or ready == "/healthz":
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        handle.close()


async def deliver(
    runtime: ServiceRuntime,
    *events: Event | Envelope,
    producer: str = "identity",
    occurred_at: datetime | None = None,
    timeout: float = 30,
) -> list[Envelope]:
    """Publish ``events`` on the service's own transport (as their owner would) and wait until its consumer
    has applied each one: its id is in the inbox. Returns the envelopes sent."""
    envelopes = [e if isinstance(e, Envelope) else Envelope.wrap(e, producer=producer) for e in events]
    if occurred_at is not None:
        envelopes = [e.model_copy(update={"occurred_at": occurred_at}) for e in envelopes]
    await runtime.transport.publish(envelopes)
    await eventually(lambda: in_inbox(runtime, envelopes), timeout=timeout)
    return envelopes


async def in_inbox(runtime: ServiceRuntime, envelopes: Sequence[Envelope]) -> bool:
    """True once the service's consumer has applied every one of ``envelopes`` (their ids are in its inbox)."""
    from sqlalchemy import select

    inbox, ids = runtime.db.inbox, {str(e.id) for e in envelopes}
    async with runtime.db.engine.connect() as conn:
        found = {r[0] for r in await conn.execute(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids)))}
    return found == ids


# the pages in a real browser: Debian's Chromium driven by Playwright, apps served by uvicorn ------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _chromium_present() -> bool:
    return os.path.exists(CHROMIUM)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium (Debian's; no browser is ever downloaded), closed after the test."""
    from playwright.async_api import async_playwright

    assert _chromium_present(), "Debian's chromium is needed (make browser); no browser is downloaded"
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def served(app: Any) -> tuple[Any, asyncio.Task[None], str]:
    """``app`` served by uvicorn on a free port (its lifespan is the caller's): (server, task, base URL)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():
            task.result()
        return bool(server.started)

    await eventually(started, timeout=60)
    return server, task, f"http://127.0.0.1:{port}"
