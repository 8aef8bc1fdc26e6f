"""The fault suite's own servers: a three-node RabbitMQ cluster and a PostgreSQL cluster, on ports,
node names, data folders, an Erlang cookie and an epmd of their own; never the machine's shared ones
(5672, 5432, 4369).

Both are started by a session fixture and removed afterwards with everything they wrote.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
REPORT = Path(__file__).resolve().parents[2] / "test-output" / "faults.txt"
RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


def free_ports(n: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def reachable(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def wait_for(check, timeout: float, what: str, interval: float = 0.2) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"{what} not within {timeout:.0f} s")


# RabbitMQ ----------------------------------------------------------------------------------------
@dataclass
class RabbitNode:
    name: str  # fault1@localhost
    port: int
    dist_port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"


@dataclass
class RabbitCluster:
    """Three RabbitMQ nodes ``faultN@localhost`` clustered through classic peer discovery."""

    base: Path
    nodes: list[RabbitNode] = field(default_factory=list)
    epmd_port: int = 0
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, base: Path, size: int = 3) -> RabbitCluster:
        base.mkdir(parents=True, exist_ok=True)
        ports = free_ports(2 * size + 1)
        cluster = cls(base=base, epmd_port=ports[-1])
        tag = secrets.token_hex(3)
        cluster.nodes = [
            RabbitNode(f"fault{i + 1}x{tag}@localhost", ports[2 * i], ports[2 * i + 1]) for i in range(size)
        ]
        home = base / "home"
        home.mkdir(exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16).upper())
        cookie.chmod(0o400)
        plugins = base / "enabled_plugins"
        plugins.write_text("[].\n")
        cluster.env = {
            "HOME": str(home),
            "ERL_EPMD_PORT": str(cluster.epmd_port),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_USE_LONGNAME": "false",
            "RABBITMQ_ALLOW_INPUT": "",
        }
        return cluster

    def node_env(self, node: RabbitNode) -> dict[str, str]:
        conf = self.base / f"{node.name.split('@')[0]}.conf"
        peers = "\n".join(
            f"cluster_formation.classic_config.nodes.{i + 1} = {n.name}" for i, n in enumerate(self.nodes)
        )
        conf.write_text(
            f"listeners.tcp.default = 127.0.0.1:{node.port}\n"
            "loopback_users = none\n"
            "cluster_formation.peer_discovery_backend = classic_config\n"
            f"{peers}\n"
            "cluster_partition_handling = pause_minority\n"
            "vm_memory_high_watermark.relative = 0.2\n"
            "disk_free_limit.absolute = 50MB\n"
            "log.console = false\n"
            "log.file.level = warning\n"
        )
        return {
            **os.environ,
            **self.env,
            "RABBITMQ_NODENAME": node.name,
            "RABBITMQ_NODE_PORT": str(node.port),
            "RABBITMQ_DIST_PORT": str(node.dist_port),
            "RABBITMQ_CONFIG_FILE": str(conf.with_suffix("")),
            "RABBITMQ_PID_FILE": str(self.base / f"{node.name.split('@')[0]}.pid"),
            # a small Erlang VM: three nodes share two cores with the rest of the machine
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "+S 1:1 +A 4 +sbwt none +sbwtdcpu none +sbwtdio none",
        }

    def start_node(self, node: RabbitNode) -> None:
        log = (self.base / f"{node.name.split('@')[0]}.out").open("ab")
        node.proc = subprocess.Popen(
            [RABBITMQ_SERVER], env=self.node_env(node), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start(self, timeout: float = 180) -> None:
        for node in self.nodes:
            self.start_node(node)
        for node in self.nodes:
            self.wait_node(node, timeout)
        wait_for(lambda: len(self.running_nodes()) == len(self.nodes), timeout, "the RabbitMQ cluster formed")

    def wait_node(self, node: RabbitNode, timeout: float = 120) -> None:
        def up() -> bool:
            assert node.proc is not None and node.proc.poll() is None, self.tail(node)
            return reachable(node.port)

        wait_for(up, timeout, f"RabbitMQ node {node.name}")

    def ctl(self, *args: str, node: RabbitNode | None = None, timeout: float = 60) -> str:
        node = node or next(n for n in self.nodes if n.proc is not None and n.proc.poll() is None)
        out = subprocess.run(
            [RABBITMQCTL, "-n", node.name, "-q", *args],
            env={**os.environ, **self.env}, capture_output=True, text=True, timeout=timeout,
        )
        if out.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {out.stdout}{out.stderr}")
        return out.stdout

    def running_nodes(self) -> list[str]:
        import json

        try:
            status = json.loads(self.ctl("cluster_status", "--formatter", "json", timeout=30))
        except Exception:
            return []
        return list(status.get("running_nodes", []))

    def kill(self, node: RabbitNode) -> None:
        """kill -9 of the node's whole process group (beam and its helpers)."""
        if node.proc is not None and node.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.proc.pid, signal.SIGKILL)
            node.proc.wait(timeout=30)

    def restart(self, node: RabbitNode, timeout: float = 120) -> None:
        self.start_node(node)
        self.wait_node(node, timeout)
        wait_for(lambda: node.name in self.running_nodes(), timeout, f"{node.name} back in the cluster")

    def tail(self, node: RabbitNode) -> str:
        out = self.base / f"{node.name.split('@')[0]}.out"
        return out.read_text(errors="replace")[-3000:] if out.exists() else ""

    def stop(self) -> None:
        for node in self.nodes:
            self.kill(node)
        # our own epmd, which the first node started as a daemon (so not in a node's process group);
        # `epmd -kill` refuses while it believes a node is registered: found by the HOME we gave it
        for pid in own_processes(self.env["HOME"]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)


def own_processes(home: str) -> list[int]:
    """Processes whose environment has HOME=home: only what this suite started has that HOME."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"HOME={home}".encode() in environ:
            found.append(int(entry))
    return found


@contextlib.contextmanager
def rabbit_cluster(base: Path) -> Iterator[RabbitCluster]:
    cluster = RabbitCluster.create(base)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


# PostgreSQL --------------------------------------------------------------------------------------
@dataclass
class PgCluster:
    version: str
    name: str
    port: int
    base: Path

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, action: str, *extra: str) -> None:
        out = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *extra],
            capture_output=True, text=True, timeout=120,
        )
        if out.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster {action}: {out.stdout}{out.stderr}")

    def start(self) -> None:
        self._ctl("start")
        wait_for(lambda: reachable(self.port), 60, "PostgreSQL")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        out = subprocess.run(["pg_dropcluster", self.version, self.name], capture_output=True, text=True, timeout=120)
        # pg_dropcluster leaves its /etc folder when the data folder is already gone; nothing of ours stays
        shutil.rmtree(f"/etc/postgresql/{self.version}/{self.name}", ignore_errors=True)
        shutil.rmtree(self.base, ignore_errors=True)
        if out.returncode != 0 and reachable(self.port):
            raise RuntimeError(f"pg_dropcluster {self.name}: {out.stdout}{out.stderr}")


@contextlib.contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="ph-faults-pg-", dir="/tmp"))
    shutil.chown(base, "postgres", "postgres")  # the server runs as the postgres user
    version = sorted(os.listdir("/usr/lib/postgresql"))[-1]
    name = f"faults{secrets.token_hex(3)}"
    port = free_ports(1)[0]
    cluster = PgCluster(version, name, port, base)
    subprocess.run(
        [
            "pg_createcluster", version, name, "-p", str(port), "-d", str(base / "data"),
            "-l", str(base / "postgresql.log"), "-s", str(base), "--",
            "--auth=trust", "--no-sync",
        ],
        check=True, capture_output=True, timeout=180,
    )
    conf = Path(f"/etc/postgresql/{version}/{name}/conf.d")
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "faults.conf").write_text(
        "listen_addresses = '127.0.0.1'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        "shared_buffers = 32MB\nmax_connections = 200\n"
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def report(line: str) -> None:
    """Print a result line (visible with -s) and keep it in test-output/faults.txt."""
    print(f"[faults] {line}", flush=True)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a") as out:
        out.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}\n")
