"""Benchmark: bulk import of N exam results into PostgreSQL with badge computation.

    .venv/bin/python bench/certification_import.py [--count N] [--small] [--format csv|jsonl]

Creates a scratch database (dropped afterwards unless --keep), loads the demo catalog, writes a
file of N results (about 5 per person, ~10% failed, dates 2010-2024), then runs the import as
the API does (phase 1: batches of results + exam.passed outbox rows; phase 2: badge recompute).
Prints rows/s, wall time per phase, peak memory. Target: 1,000,000 rows under 5 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from certification.app import SERVICE
from certification.demo import seed
from certification.settings import CertificationSettings
from certification.tables import badges, exam_results
from certification.use_cases import imports
from partnerhub.db.uow import Database
from partnerhub.testing import scratch_database

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2025, 1, 1)
TRACKS = [
    ["640-802", "642-801", "642-811", "642-821", "642-831"],  # CCNA, CCNP
    ["640-861", "642-444", "642-432", "646-203", "642-371"],  # CCDA, CQS specialist + representatives (CE-7)
    ["646-151", "646-224", "640-801", "642-581", "350-001"],  # Sales Expert, CQS, CCNA
    ["640-821", "640-811", "642-501", "642-531", "LAB-RS"],  # CCNA via two exams, firewall specialist
]


def write_file(path: Path, count: int, fmt: str, seed_: int = 7) -> int:
    rng = random.Random(seed_)
    people = max(1, count // 5)
    written = 0
    with path.open("w") as out:
        if fmt == "csv":
            out.write("external_id,cco_id,exam_number,taken_on,passed\n")
        while written < count:
            person = rng.randrange(people)
            track = TRACKS[person % len(TRACKS)]
            day = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 14 * 365))
            for exam in track:
                if written >= count:
                    break
                day = min(day + timedelta(days=rng.randrange(1, 120)), TODAY)
                passed = rng.random() > 0.1
                ext = f"bench-{written}"
                if fmt == "csv":
                    out.write(f"{ext},p{person:07d},{exam},{day.isoformat()},{'pass' if passed else 'fail'}\n")
                else:
                    out.write(json.dumps({"external_id": ext, "cco_id": f"p{person:07d}", "exam_number": exam,
                                          "taken_on": day.isoformat(), "passed": passed}) + "\n")
                written += 1
    return written


class _Clock:
    async def today(self) -> date:
        return TODAY


class _Runtime:  # what the seed needs of a runtime
    def __init__(self, db: Database) -> None:
        self.db = db
        self.settings = SERVICE.settings_cls(database_url=str(db.engine.url))
        self.clock = _Clock()

    def settings_as(self, cls: type[CertificationSettings]) -> CertificationSettings:
        assert isinstance(self.settings, cls)
        return self.settings


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20,000 rows")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--recompute-batch", type=int, default=1000)
    parser.add_argument("--recompute-workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    count = 20_000 if args.small else args.count
    async with scratch_database(SERVICE, os.environ.get("DATABASE_URL", DEFAULT_SERVER), keep=args.keep) as db:

        await seed(_Runtime(db))  # type: ignore[arg-type]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"results.{args.format}"
            t0 = time.perf_counter()
            written = write_file(path, count, args.format)
            print(f"generated {written:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f}s")
            import_id = await imports.create_import(db, args.format, path.name, "bench")
            marks: dict[str, float] = {}
            started = time.perf_counter()

            def progress(report: imports.ImportReport) -> None:
                if report.status == "recomputing" and "phase1" not in marks:
                    marks["phase1"] = time.perf_counter() - started
                sys.stderr.write(
                    f"\r  read {report.lines_read:,}  accepted {report.accepted:,}  recomputed {report.individuals_recomputed:,}   "
                )

            original_recompute = imports.recompute_marked

            async def timed_recompute(*a, **kw):  # type: ignore[no-untyped-def]
                marks["phase1"] = time.perf_counter() - started
                return await original_recompute(*a, **kw)

            imports.recompute_marked = timed_recompute  # type: ignore[assignment]
            report = await imports.run_import(
                db, import_id, path, args.format, batch_size=args.batch, recompute_batch_size=args.recompute_batch,
                recompute_workers=args.recompute_workers,
                progress=progress, business_date=_Clock().today,
            )
            wall = time.perf_counter() - started
        sys.stderr.write("\n")
        async with db.engine.connect() as conn:
            results = await conn.scalar(select(func.count()).select_from(exam_results))
            badge_count = await conn.scalar(select(func.count()).select_from(badges))
            active = await conn.scalar(select(func.count()).select_from(badges).where(badges.c.status == "active"))
            outbox = await conn.scalar(select(func.count()).select_from(db.outbox))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        phase1 = marks.get("phase1", wall)
        print(f"import {report.status}: {report.accepted:,} accepted, {report.rejected:,} rejected, "
              f"{report.individuals_recomputed:,} people recomputed")
        print(f"  phase 1 (results + exam.passed events): {phase1:.1f}s  {report.accepted / phase1:,.0f} rows/s")
        print(f"  phase 2 (badge computation):            {wall - phase1:.1f}s  "
              f"{report.individuals_recomputed / max(wall - phase1, 1e-9):,.0f} people/s")
        print(f"  total wall {wall:.1f}s  ->  {report.accepted / wall:,.0f} rows/s end to end")
        print(f"  rows stored {results:,}; badges {badge_count:,} ({active:,} active); outbox events {outbox:,}")
        print(f"  peak memory (max RSS) {peak:.0f} MB")
        if count < 1_000_000:
            print(f"  extrapolated to 1,000,000 rows: ~{wall * 1_000_000 / max(count, 1):.0f}s (target < 300s)")


if __name__ == "__main__":
    asyncio.run(main())
