"""Benchmark: the everyday HTTP paths of real ``partnerhub serve`` processes under many connections (issue 19).

Starts, on the shared PostgreSQL (a throw-away database per service) and RabbitMQ (a throw-away vhost):
identity, certification and learning as ``partnerhub serve <service>`` processes, and the raw ceiling
(``bench/http_ceiling.py``: FastAPI + pydantic + asyncpg, one INSERT plus one outbox INSERT per request,
the services' uvicorn flags). Each path is loaded by ``wrk -t1 -cN`` (a separate process; ``make wrk``
installs Debian's) with ``bench/http_paths.lua``: unique external ids and CCO IDs, bearer tokens.

Paths (``--paths``): ``individuals`` identity POST /v1/individuals; ``exam-results`` certification
POST /v1/exam-results (the demo's exam catalog loaded first); ``completions`` learning POST /v1/completions
(one completion each); ``cl-view`` learning GET /v1/partners/{id}/cl-view of a partner with ``--members``
current members (and a tenth as many previous employees), seeded through learning's own paths: identity's
events (registered, membership started/ended) published on the run's vhost, then completions in batches
of 1,000 through POST /v1/completions.

Rounds are interleaved (ceiling, then each path, ``--rounds`` times), each once every server is quiet (the
events an earlier round caused are applied first, so a round's CPU is its own path's); per path it prints the medians of
req/s, p50, p99 and server CPU ms per request (utime+stime of the server process from /proc before and
after each round), the ratios to the ceiling, and the load average. Responses are counted by status:
a run with more than 1 % non-2xx answers (or socket errors) says so and exits 1.

    .venv/bin/python bench/http_paths.py --small              # 2,000 members, 2 rounds of 5 s
    .venv/bin/python bench/http_paths.py                      # 20,000 members, 3 rounds of 10 s, 50 connections
    .venv/bin/python bench/http_paths.py --paths cl-view --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.engine import make_url

from partnerhub.auth import mint_token
from partnerhub.bus.contracts import (
    IndividualRegistered,
    MembershipEnded,
    MembershipStarted,
    StatusChanged,
)
from partnerhub.bus.envelope import Envelope
from partnerhub.bus.rabbitmq import RabbitTransport
from partnerhub.db.engine import ensure_database, make_engine
from partnerhub.settings import ServiceSettings
from partnerhub.testing import free_port, running, scratch_servers, serve_process

HERE = Path(__file__).parent
LUA = HERE / "http_paths.lua"
PARTNER = "BG-HTTP"
START, END = date(2026, 1, 1), date(2026, 12, 31)
TODAY = "2026-09-01"
EXAM = "640-801"  # the demo catalog's CCNA composite: a pass earns CCNA
ENT_ACTIVITIES = [("CLV-E0", 60), ("CLV-E1", 120), ("CLV-E2", 180), ("CLV-E3", 240)]
SEC_ACTIVITY = ("CLV-S0", 60)
MAX_BAD_SHARE = 0.01


@dataclass(frozen=True)
class PathSpec:
    name: str
    service: str  # "ceiling" for the raw app
    kind: str  # the Lua script's BENCH_KIND
    route: str
    roles: tuple[str, ...] = ("system",)
    arg: str = ""
    write: bool = True


PATHS = {
    "individuals": PathSpec("identity POST /v1/individuals", "identity", "individual", "/v1/individuals"),
    "exam-results": PathSpec("certification POST /v1/exam-results", "certification", "exam", "/v1/exam-results", arg=EXAM),
    "completions": PathSpec("learning POST /v1/completions (one)", "learning", "completion", "/v1/completions", arg="CLV-E0"),
    "cl-view": PathSpec("learning GET cl-view", "learning", "get", f"/v1/partners/{PARTNER}/cl-view", ("program_staff",), write=False),
}
CEILING = PathSpec("ceiling POST (INSERT + outbox INSERT)", "ceiling", "individual", "/v1/individuals")


@dataclass
class Server:
    url: str
    pid: int
    database_url: str = ""


@dataclass
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU per answered request
    load: float
    requests: int
    bad: int  # non-2xx answers plus socket errors and timeouts
    codes: dict[str, int]


@dataclass
class Figures:
    spec: PathSpec
    rounds: list[Round] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.rounds)


# servers -----------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and of its waited-for children), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime (fields 14-17)
    return ticks / os.sysconf("SC_CLK_TCK")


def child_serving(port: int) -> int:
    """The pid of this process's child started with ``--port PORT`` (``serve_process`` does not say it)."""
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            line = child.cmdline()
            if "--port" in line and line[line.index("--port") + 1] == str(port):
                return child.pid
    raise RuntimeError(f"no child process serves port {port}")


@contextlib.contextmanager
def service(name: str, env: dict[str, str], log: Path) -> Iterator[Server]:
    with serve_process(name, env, log) as url:
        yield Server(url, child_serving(int(url.rsplit(":", 1)[1])), env[f"{name.upper()}_DATABASE_URL"])


@contextlib.contextmanager
def ceiling(database_url: str, log: Path) -> Iterator[Server]:
    """The raw ceiling app (bench/http_ceiling.py) under uvicorn with the services' flags."""
    asyncio.run(ensure_database(database_url))
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", "http_ceiling:app", "--app-dir", str(HERE), "--port", str(port),
               "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
    with running(command, {"CEILING_DSN": dsn}, log, url, name="ceiling", ready="/healthz", timeout=60) as proc:
        yield Server(url, proc.pid)


def token(roles: tuple[str, ...]) -> str:
    # every service of a dev/test installation accepts the dev tokens (the same default HS256 secret)
    return mint_token(ServiceSettings(), "bench.http", roles, ttl_seconds=6 * 3600)


# seeding -----------------------------------------------------------------------------------------
def seed_catalog(url: str) -> None:
    """The demo's exam and certification catalog, through certification's own API."""
    from certification.demo import DEMO_FILE

    catalog = json.loads(DEMO_FILE.read_text())
    staff = {"Authorization": f"Bearer {token(('program_staff',))}"}
    with httpx.Client(base_url=url, headers=staff, timeout=60) as client:
        for exam in catalog["exams"]:
            r = client.put(f"/v1/exams/{exam['number']}", json={k: v for k, v in exam.items() if k != "number"})
            assert r.status_code in (200, 201), r.text
        for cert in catalog["certifications"]:
            body = {k: v for k, v in cert.items() if k != "code"}
            r = client.put(f"/v1/certifications/{cert['code']}", json=body)
            assert r.status_code in (200, 201), r.text


def seed_activities(client: httpx.Client) -> None:
    for activity_id, minutes in ENT_ACTIVITIES + [SEC_ACTIVITY]:
        spec = "SEC" if activity_id == SEC_ACTIVITY[0] else "ENT"
        body = {"title": activity_id, "kind": "online_course", "duration_minutes": minutes, "specializations": [spec]}
        assert client.put(f"/v1/activities/{activity_id}", json=body).status_code == 200
        assert client.post(f"/v1/activities/{activity_id}/publish").status_code == 200


async def publish(broker_url: str, namespace: str, envelopes: list[Envelope]) -> None:
    transport = RabbitTransport(broker_url, namespace=namespace, service="bench", publish_timeout=60)
    await transport.start()
    try:
        for i in range(0, len(envelopes), 1000):
            await transport.publish(envelopes[i : i + 1000])
    finally:
        await transport.stop()


def wait_until(check: Any, what: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def seed_clview(url: str, broker_url: str, namespace: str, members: int) -> str:
    """A partner with ``members`` current members and a tenth as many previous employees, all with points."""
    staff = {"Authorization": f"Bearer {token(('program_staff',))}"}
    lms = {"Authorization": f"Bearer {token(('system',))}"}
    stayers = [f"clv{i:06d}" for i in range(members)]
    leavers = [f"clvx{i:06d}" for i in range(members // 10)]
    with httpx.Client(base_url=url, headers=staff, timeout=300) as client:
        seed_activities(client)
        view = lambda: client.get(f"/v1/partners/{PARTNER}/cl-view", params={"people_limit": 0}).json()  # noqa: E731
        t0 = time.perf_counter()
        events = [Envelope.wrap(StatusChanged(be_geo_id=PARTNER, specialization=s, status="approved", level="advanced_architecture",
                                              anniversary=END, period_start=START, period_end=END, points_required=100),
                                producer="specialization") for s in ("ENT", "SEC")]
        for c in stayers + leavers:
            events.append(Envelope.wrap(IndividualRegistered(cco_id=c, name=f"Member {c}", email=f"{c}@bench.example"), producer="identity"))
            events.append(Envelope.wrap(MembershipStarted(cco_id=c, be_geo_id=PARTNER, started_on=date(2025, 1, 1)), producer="identity"))
        asyncio.run(publish(broker_url, namespace, events))
        wait_until(lambda: view()["members"] == len(stayers) + len(leavers) and len(view()["specializations"]) == 2, "memberships")
        ends = [Envelope.wrap(MembershipEnded(cco_id=c, be_geo_id=PARTNER, started_on=date(2025, 1, 1), ended_on=date(2026, 6, 1)),
                              producer="identity") for c in leavers]
        asyncio.run(publish(broker_url, namespace, ends))
        wait_until(lambda: view()["members"] == len(stayers), "membership ends")
        t1 = time.perf_counter()
        expected = post_completions(client, lms, stayers + leavers)
        wait_until(lambda: {s["specialization"]: s["points_earned"] for s in view()["specializations"]} == expected, "credits")
        summary = ", ".join(f"{s['specialization']} {s['points_earned']:,} points, {s['previous_employees']['total']:,} previous employees"
                            for s in view()["specializations"])
    return (f"{len(events) + len(ends):,} identity/specialization events applied in {t1 - t0:.0f} s, completions credited in "
            f"{time.perf_counter() - t1:.0f} s; {members:,} current members; {summary}")


def post_completions(client: httpx.Client, lms: dict[str, str], people: list[str]) -> dict[str, int]:
    """Person i completes one of the ENT activities (by i) and every third person also the SEC one, through the
    bulk path; the points each specialization is expected to show."""
    items = []
    for i, c in enumerate(people):
        activity = ENT_ACTIVITIES[i % len(ENT_ACTIVITIES)][0]
        items.append({"external_id": f"clv-{c}-e", "cco_id": c, "activity_id": activity, "action": "completed",
                      "occurred_at": "2026-03-01T12:00:00Z"})
        if i % 3 == 0:
            items.append({"external_id": f"clv-{c}-s", "cco_id": c, "activity_id": SEC_ACTIVITY[0], "action": "completed",
                          "occurred_at": "2026-03-01T12:00:00Z"})
    expected = {"ENT": 0, "SEC": 0}
    for k in range(0, len(items), 1000):
        batch = items[k : k + 1000]
        r = client.post("/v1/completions", json={"items": batch}, headers=lms)
        assert r.status_code == 200, r.text
        for item, outcome in zip(batch, r.json()["items"], strict=True):
            assert outcome["status"] == "earned", outcome
            expected["SEC" if item["activity_id"] == SEC_ACTIVITY[0] else "ENT"] += outcome["points"]
    return expected


async def analyze(database_url: str) -> None:
    """A bulk load leaves no planner statistics yet (autovacuum gathers them later in production)."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    finally:
        await engine.dispose()


# load --------------------------------------------------------------------------------------------
def wrk(server: Server, spec: PathSpec, args: argparse.Namespace, seconds: float) -> Round:
    env = {**os.environ, "BENCH_KIND": spec.kind, "BENCH_PATH": spec.route, "BENCH_ARG": spec.arg,
           "BENCH_TOKEN": "" if spec.service == "ceiling" else token(spec.roles), "BENCH_PREFIX": f"h{uuid.uuid4().hex[:8]}"}
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(LUA), server.url + spec.route]
    cpu = cpu_seconds(server.pid)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    cpu = cpu_seconds(server.pid) - cpu
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    assert done.returncode == 0 and lines, f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    out = json.loads(lines[-1].removeprefix("BENCH_JSON "))
    codes = out["codes"]
    ok = sum(n for c, n in codes.items() if c.startswith("2"))
    bad = out["requests"] - ok + out["socket_errors"] + out["timeouts"]
    return Round(rps=ok / (out["duration_us"] / 1e6), p50_ms=out["p50_us"] / 1000, p99_ms=out["p99_us"] / 1000,
                 cpu_ms=cpu * 1000 / max(1, ok), load=os.getloadavg()[0], requests=out["requests"], bad=bad, codes=codes)


def settle(servers: dict[str, Server], quiet_share: float = 0.05, limit_s: float = 30.0) -> None:
    """Wait until every server is quiet (under ``quiet_share`` of a core over 0.5 s), at most ``limit_s``:
    the events an earlier round caused (identity's registrations, consumed by certification and learning)
    are applied before the next round, so a round's CPU is its own path's work."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = {name: cpu_seconds(s.pid) for name, s in servers.items()}
        time.sleep(0.5)
        if all(cpu_seconds(s.pid) - before[name] < quiet_share * 0.5 for name, s in servers.items()):
            return


def show_round(index: int, figures: Figures, r: Round) -> None:
    others = {c: n for c, n in r.codes.items() if not c.startswith("2")}
    print(f"  round {index + 1} {figures.spec.name:40s} {r.rps:8.1f} req/s  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms  "
          f"CPU {r.cpu_ms:6.2f} ms/req  load {r.load:4.1f}" + (f"  NON-2XX/ERRORS {r.bad:,} {others}" if r.bad else ""), flush=True)


def report(results: list[Figures], ceiling_figures: Figures | None) -> bool:
    """The table of medians; False when a path had too many failed answers."""
    base_rps = ceiling_figures.median("rps") if ceiling_figures else None
    base_cpu = ceiling_figures.median("cpu_ms") if ceiling_figures else None
    print(f"\nmedians of {len(results[0].rounds)} interleaved rounds; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"| {'path':40s} | req/s | p50 ms | p99 ms | CPU ms/req | req/s ratio | CPU ratio | load | non-2xx |")
    print(f"|{'-' * 42}|------:|-------:|-------:|-----------:|------------:|----------:|-----:|--------:|")
    healthy = True
    for f in ([ceiling_figures] if ceiling_figures else []) + results:
        ratio = f"{f.median('rps') / base_rps:.2f}" if base_rps and f.spec.write and f is not ceiling_figures else "—"
        cpu_ratio = f"{f.median('cpu_ms') / base_cpu:.2f}" if base_cpu and f.spec.write and f is not ceiling_figures else "—"
        bad, total = sum(r.bad for r in f.rounds), sum(r.requests for r in f.rounds)
        print(f"| {f.spec.name:40s} | {f.median('rps'):5.0f} | {f.median('p50_ms'):6.1f} | {f.median('p99_ms'):6.1f} | "
              f"{f.median('cpu_ms'):10.2f} | {ratio:>11s} | {cpu_ratio:>9s} | {f.median('load'):4.1f} | {bad:7,} |")
        if bad > MAX_BAD_SHARE * max(1, total):
            healthy = False
            print(f"FAILED: {f.spec.name}: {bad:,} of {total:,} requests were not answered 2xx "
                  f"({[r.codes for r in f.rounds]})", file=sys.stderr)
    return healthy


@contextlib.contextmanager
def profiled(server: Server, spec: PathSpec, args: argparse.Namespace) -> Iterator[None]:
    """py-spy samples the server for the round (``--profile DIR``): DIR/<path>.txt, collapsed stacks."""
    if not args.profile or spec.service == "ceiling":
        yield
        return
    out = Path(args.profile) / f"{spec.kind}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen([args.py_spy, "record", "--pid", str(server.pid), "--format", "raw", "--rate", "200",
                            "--nonblocking", "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(2)  # SIGINT: py-spy writes what it sampled
        spy.wait(timeout=30)
        print(f"  profile of {spec.name}: {out}", flush=True)


def measure(servers: dict[str, Server], specs: list[PathSpec], args: argparse.Namespace) -> bool:
    plan = ([CEILING] if any(s.write for s in specs) else []) + specs
    figures = {s.name: Figures(s) for s in plan}
    for spec in plan:  # warm up: pools, prepared statements, compiled statements, caches
        settle(servers)
        wrk(servers[spec.service], spec, args, min(3.0, args.duration))
    print(f"\nloading each path with wrk -t1 -c{args.connections} for {args.duration:g} s, {args.rounds} interleaved rounds")
    for index in range(args.rounds):
        for spec in plan:
            settle(servers)
            r = wrk(servers[spec.service], spec, args, args.duration)
            figures[spec.name].rounds.append(r)
            show_round(index, figures[spec.name], r)
    if args.profile:  # one more round per path, sampled, after the measured ones (warm, and not counted)
        for spec in specs:
            settle(servers)
            with profiled(servers[spec.service], spec, args):
                wrk(servers[spec.service], spec, args, args.duration)
    ceiling_figures = figures.pop(CEILING.name, None)
    return report(list(figures.values()), ceiling_figures)


# the run -----------------------------------------------------------------------------------------
def start_servers(stack: contextlib.ExitStack, specs: list[PathSpec], scratch: dict[str, Any], tmp: Path) -> dict[str, Server]:
    names = sorted({s.service for s in specs})
    servers: dict[str, Server] = {}
    urls = {name: scratch["databases"].new_url(name) for name in names}
    for name in names:
        env = {f"{name.upper()}_DATABASE_URL": urls[name], "PARTNERHUB_RABBITMQ_URL": scratch["broker"].url,
               "PARTNERHUB_NAMESPACE": scratch["namespace"], "PARTNERHUB_CLOCK": "manual", "PARTNERHUB_START_DATE": TODAY,
               "PARTNERHUB_LOG_LEVEL": "WARNING", f"{name.upper()}_DATA_DIR": str(tmp / name)}
        servers[name] = stack.enter_context(service(name, env, tmp / f"{name}.log"))
        print(f"started partnerhub serve {name} (pid {servers[name].pid}) at {servers[name].url}", flush=True)
    if any(s.write for s in specs):
        servers["ceiling"] = stack.enter_context(ceiling(scratch["databases"].new_url("ceiling"), tmp / "ceiling.log"))
        print(f"started the raw ceiling (pid {servers['ceiling'].pid}) at {servers['ceiling'].url}", flush=True)
    return servers


def prepare(servers: dict[str, Server], specs: list[PathSpec], scratch: dict[str, Any], args: argparse.Namespace) -> None:
    if "certification" in servers:
        seed_catalog(servers["certification"].url)
        print("certification: the demo catalog loaded through PUT /v1/exams and /v1/certifications", flush=True)
    if "learning" in servers:
        t = time.perf_counter()
        if any(s.kind == "get" for s in specs):
            print("learning: " + seed_clview(servers["learning"].url, scratch["broker"].url, scratch["namespace"], args.members), flush=True)
        else:
            with httpx.Client(base_url=servers["learning"].url, headers={"Authorization": f"Bearer {token(('program_staff',))}"}) as c:
                seed_activities(c)
        asyncio.run(analyze(servers["learning"].database_url))
        print(f"learning: seeded and ANALYZEd in {time.perf_counter() - t:.0f} s", flush=True)


async def scratch_run(args: argparse.Namespace, specs: list[PathSpec]) -> bool:
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    async with scratch_servers(args.database_url, args.rabbitmq_url) as scratch:
        # the servers and wrk are driven synchronously; the scratch databases and vhost are removed afterwards
        return await asyncio.to_thread(run_servers, args, specs, scratch, tmp)


def run_servers(args: argparse.Namespace, specs: list[PathSpec], scratch: dict[str, Any], tmp: Path) -> bool:
    with contextlib.ExitStack() as stack:
        servers = start_servers(stack, specs, scratch, tmp)
        prepare(servers, specs, scratch, args)
        print(f"load average before the rounds: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        return measure(servers, specs, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per path (default 3)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated, some of: {', '.join(PATHS)}")
    parser.add_argument("--members", type=int, default=20_000, help="current members of the CL View's partner (default 20,000)")
    parser.add_argument("--small", action="store_true", help="a quick run: 2,000 members, 2 rounds of 5 s")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--rabbitmq-url", default=os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--profile", metavar="DIR", help="sample each service with py-spy in one more round after the measured ones (collapsed stacks in DIR)")
    parser.add_argument("--py-spy", default=os.environ.get("PY_SPY", "py-spy"), help="the py-spy program for --profile")
    args = parser.parse_args()
    names = [n.strip() for n in args.paths.split(",") if n.strip()]
    unknown = set(names) - set(PATHS)
    if unknown or not names:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}; known: {', '.join(PATHS)}")
    if args.small:
        args.members, args.rounds, args.duration = 2_000, 2, 5.0
    if shutil.which("wrk") is None:
        parser.error("wrk is needed: make wrk (Debian's package)")
    if args.profile and shutil.which(args.py_spy) is None:
        parser.error(f"--profile needs py-spy ({args.py_spy} not found; pip install py-spy, or --py-spy PATH)")
    healthy = asyncio.run(scratch_run(args, [PATHS[n] for n in names]))
    if not healthy:
        print("FAILED: too many non-2xx answers (see above)", file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
