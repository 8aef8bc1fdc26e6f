"""Run the whole system as real processes, in either mode, and drive it only through HTTP.

- ``standalone``: one ``partnerhub standalone`` process (SQLite, in-process bus) on one port;
- ``multi``: five ``partnerhub serve`` processes on PostgreSQL and RabbitMQ.

Mail goes to a real SMTP server (aiosmtpd) inside the test.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller

from partnerhub.auth import mint_token
from partnerhub.settings import ServiceSettings
from partnerhub.testing import free_port

SERVICES = ("identity", "certification", "learning", "specialization", "notify")


class _Dev(ServiceSettings):
    service_name = "e2e"


def token(sub: str, *roles: str, admin_of: tuple[str, ...] = (), pam_of: tuple[str, ...] = ()) -> dict[str, str]:
    jwt = mint_token(_Dev(), sub, roles or ("individual",), admin_of=admin_of, pam_of=pam_of)
    return {"Authorization": f"Bearer {jwt}"}


STAFF = token("staff.e2e", "program_staff")



@dataclass
class MailSink:
    """A real SMTP server; ``messages`` holds what it accepted."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpts, m in self.messages if address in rcpts]


@contextmanager
def smtp_sink() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class Topology:
    mode: str
    base_urls: dict[str, str]
    clock_urls: list[str]
    log_dir: Path

    def url(self, service: str, path: str) -> str:
        return self.base_urls[service] + path

    async def move_clock(self, client: httpx.AsyncClient, day: str) -> None:
        for url in self.clock_urls:
            r = await client.put(f"{url}/v1/admin/today", params={"wait": "true"}, json={"date": day}, headers=STAFF, timeout=600)
            assert r.status_code == 200, f"moving the clock of {url} to {day}: {r.status_code} {r.text}"

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in sorted(self.log_dir.glob("*.log")))


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "partnerhub.cli", *args], env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT
    )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for proc in processes:
        proc.terminate()
    deadline = time.monotonic() + 20
    for proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_ready(urls: list[str], processes: list[subprocess.Popen[bytes]], log_dir: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    pending = list(urls)
    with httpx.Client(timeout=3) as client:
        while pending and time.monotonic() < deadline:
            for proc in processes:
                if proc.poll() is not None:
                    raise AssertionError(f"a service process exited ({proc.returncode}):\n{_logs(log_dir)}")
            url = pending[0]
            try:
                if _serving_with_broker(client.get(f"{url}/readyz")):
                    pending.pop(0)
                    continue
            except httpx.TransportError:
                pass
            time.sleep(0.25)
    if pending:
        raise AssertionError(f"never ready: {pending}\n{_logs(log_dir)}")


def _serving_with_broker(ready: httpx.Response) -> bool:
    """Ready, and connected to its broker (its queues declared): /readyz is 200 without a broker too."""
    if ready.status_code != 200:
        return False
    body = ready.json()  # one service's, or standalone's with every service's checks
    brokers = [body["broker"]] if "broker" in body else [c["broker"] for c in body["checks"].values()]
    return all(b == "ok" for b in brokers)


def _logs(log_dir: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in sorted(log_dir.glob("*.log")))


@contextmanager
def run_topology(
    mode: str,
    tmp_path: Path,
    *,
    start_date: str,
    smtp_port: int,
    databases=None,  # partnerhub.testing.DatabaseFactory, for multi
    broker=None,  # partnerhub.testing.Broker, for multi
    namespace: str = "",
) -> Iterator[Topology]:
    log_dir = tmp_path / f"logs-{mode}"
    log_dir.mkdir(parents=True, exist_ok=True)
    common = {
        "PARTNERHUB_CLOCK": "manual",
        "PARTNERHUB_START_DATE": start_date,
        "PARTNERHUB_ENVIRONMENT": "test",
        "PARTNERHUB_OUTBOX_POLL_INTERVAL": "0.1",
        "NOTIFY_SMTP_HOST": "127.0.0.1",
        "NOTIFY_SMTP_PORT": str(smtp_port),
        "IDENTITY_DEV_TOKENS": "true",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if mode == "standalone":
            port = free_port()
            processes.append(
                _spawn(
                    ["standalone", "--port", str(port), "--data-dir", str(tmp_path / "data"), "--no-demo",
                     "--start-date", start_date],
                    common,
                    log_dir / "standalone.log",
                )
            )
            root = f"http://127.0.0.1:{port}"
            topology = Topology(mode, {s: f"{root}/{s}" for s in SERVICES}, [root], log_dir)
            _wait_ready([root], processes, log_dir)
        elif mode == "multi":
            assert databases is not None and broker is not None
            env = {**common, "PARTNERHUB_RABBITMQ_URL": broker.url, "PARTNERHUB_NAMESPACE": namespace}
            urls = {}
            for service in SERVICES:
                port = free_port()
                service_env = {**env, f"{service.upper()}_DATABASE_URL": databases.new_url(service)}
                processes.append(_spawn(["serve", service, "--port", str(port)], service_env, log_dir / f"{service}.log"))
                urls[service] = f"http://127.0.0.1:{port}"
            topology = Topology(mode, urls, list(urls.values()), log_dir)
            _wait_ready(list(urls.values()), processes, log_dir)
        else:
            raise ValueError(mode)
        yield topology
    finally:
        _stop(processes)


async def eventually_http(check, *, what: str, topology: Topology, timeout: float = 30.0):
    """Retry ``check()`` until truthy; on timeout, fail with ``what`` (rule and service) and the logs."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Exception | None = None
    while asyncio.get_running_loop().time() < deadline:
        try:
            result = await check()
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what}: not reached within {timeout}s ({last})\n{topology.logs()[-6000:]}")
