"""The fault suite's servers: one three-node RabbitMQ cluster and one PostgreSQL cluster for the
whole session, both of the suite's own (ports, node names, data folders, cookie, epmd), started here
and removed afterwards. Under CI=true a missing rabbitmq-server or pg_createcluster fails the suite;
it is never skipped there."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fault_servers import (
    RABBITMQ_SERVER,
    PgCluster,
    RabbitCluster,
    pg_cluster,
    rabbit_cluster,
    report,
)
from partnerhub.testing import IN_CI, DatabaseFactory


def _need(tool: str, path: str | None) -> None:
    if path and os.path.exists(path):
        return
    message = f"the fault suite needs {tool} (apt-get install rabbitmq-server postgresql)"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def rabbit() -> Iterator[RabbitCluster]:
    _need("rabbitmq-server", RABBITMQ_SERVER)
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="ph-faults-rmq-"))
    with rabbit_cluster(base) as cluster:
        report(f"RabbitMQ cluster of {len(cluster.nodes)} nodes up in {time.monotonic() - started:.1f} s")
        yield cluster


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    _need("pg_createcluster", shutil.which("pg_createcluster"))
    started = time.monotonic()
    with pg_cluster() as cluster:
        report(f"PostgreSQL cluster on port {cluster.port} up in {time.monotonic() - started:.1f} s")
        yield cluster


@pytest.fixture
def fault_databases(pg: PgCluster) -> Iterator[DatabaseFactory]:
    """Fresh databases on the suite's own PostgreSQL (the cluster goes at the end of the session)."""
    yield DatabaseFactory(pg.url)
