"""Benchmark: xAPI statements/s through POST /v1/xapi/statements in batches of 100, beside the completions
batch figure (POST /v1/completions, batches of 100), the two interleaved round by round so that both see the
same machine; the load average is printed with each round.

Every statement is a library completion by an account actor (it earns, like the completion beside it), so both
paths do the same ledger work; the LRS also stores the statement and its related agents and activities.

    .venv/bin/python bench/learning_xapi.py --small                         # 5,000 of each, standalone (SQLite)
    .venv/bin/python bench/learning_xapi.py --count 50000 --mode distributed   # PostgreSQL + RabbitMQ
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from learning.app import SERVICE
from partnerhub.bus.contracts import MembershipStarted
from partnerhub.bus.envelope import Envelope
from partnerhub.testing import scratch_servers, start_system

START = date(2026, 1, 1)
TODAY = date(2026, 6, 1)
V = {"X-Experience-API-Version": "1.0.3"}


async def run(args: argparse.Namespace) -> None:
    activities = args.activities
    tmp = Path(tempfile.mkdtemp(prefix="bench-xapi-"))
    async with contextlib.AsyncExitStack() as stack:
        extra = await stack.enter_async_context(scratch_servers(args.database_url, args.rabbitmq_url)) if args.mode == "distributed" else {}
        async with start_system([SERVICE], args.mode, tmp_path=tmp, start_date=TODAY, data_dir=tmp / "data", log_level="WARNING", publish_timeout=30.0, **extra) as system:
            runtime, client, staff = system.runtimes["learning"], system.clients["learning"], system.staff()
            lms = system.token("bench.lms", "system")
            for a in range(activities):
                body = {"title": f"A{a}", "kind": "online_course", "duration_minutes": 60, "specializations": ["ENT"]}
                assert (await client.put(f"/v1/activities/A{a}", json=body, headers=staff)).status_code == 200
                assert (await client.post(f"/v1/activities/A{a}/publish", headers=staff)).status_code == 200
            people = -(-args.count // activities)
            setup = [Envelope.wrap(MembershipStarted(cco_id=f"{kind}{i:06d}", be_geo_id=f"BG{i % 20:03d}", started_on=START), producer="identity")
                     for kind in ("c", "x") for i in range(people)]
            for i in range(0, len(setup), 1000):
                await runtime.transport.publish(setup[i : i + 1000])

            def when(k: int) -> str:
                return f"{(START + timedelta(days=k % 150)).isoformat()}T12:00:00Z"

            def completions(k0: int) -> list[dict]:
                return [{"external_id": f"c{k}", "cco_id": f"c{k // activities:06d}", "activity_id": f"A{k % activities}",
                         "action": "completed", "occurred_at": when(k)} for k in range(k0, k0 + args.batch)]

            def statements(k0: int) -> list[dict]:
                return [{"id": str(uuid.uuid4()), "actor": {"account": {"homePage": "https://id.cisco.com", "name": f"x{k // activities:06d}"}},
                         "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
                         "object": {"id": f"https://lms.example.com/activities/A{k % activities}",
                                    "definition": {"name": {"en-US": f"Activity {k % activities}"}}},
                         "context": {"registration": str(uuid.uuid4()), "platform": "bench"},
                         "result": {"completion": True, "duration": "PT1H"}, "timestamp": when(k)}
                        for k in range(k0, k0 + args.batch)]

            totals = {"completions": 0.0, "statements": 0.0}
            done = 0
            rounds = args.count // args.batch
            print(f"mode: {args.mode}  {args.count:,} completions and {args.count:,} statements, batches of {args.batch}, "
                  f"interleaved in {args.rounds} rounds")
            per_round = max(1, rounds // args.rounds)
            for r in range(0, rounds, per_round):
                spent = {"completions": 0.0, "statements": 0.0}
                for k in range(r, min(r + per_round, rounds)):
                    k0 = k * args.batch
                    t = time.perf_counter()
                    answer = await client.post("/v1/completions", json={"items": completions(k0)}, headers=lms, timeout=300)
                    spent["completions"] += time.perf_counter() - t
                    assert answer.status_code == 200 and answer.json()["earned"] == args.batch, answer.text[:300]
                    t = time.perf_counter()
                    answer = await client.post("/v1/xapi/statements", json=statements(k0), headers={**lms, **V}, timeout=300)
                    spent["statements"] += time.perf_counter() - t
                    assert answer.status_code == 200 and f"earned={args.batch}" in answer.headers["X-Learning-Outcome"], answer.text[:300]
                n = (min(r + per_round, rounds) - r) * args.batch
                done += n
                for key in totals:
                    totals[key] += spent[key]
                load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                print(f"  {done:>8,}  completions {n / spent['completions']:>7,.0f}/s   statements {n / spent['statements']:>7,.0f}/s   load {load}")
            print(f"completions: {done / totals['completions']:,.0f}/s through POST /v1/completions (batches of {args.batch})")
            print(f"statements:  {done / totals['statements']:,.0f}/s through POST /v1/xapi/statements (batches of {args.batch})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50_000, help="completions, and as many statements")
    parser.add_argument("--small", action="store_true", help="5,000 of each")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="lines printed (each interleaves both)")
    parser.add_argument("--activities", type=int, default=20, help="people = count / activities")
    parser.add_argument("--mode", choices=["standalone", "distributed"], default="standalone")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--rabbitmq-url", default=os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args()
    if args.small:
        args.count = 5_000
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
