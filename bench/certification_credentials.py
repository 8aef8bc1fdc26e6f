"""Benchmark: certificates anyone can verify — credential and PDF downloads, verifications, through HTTP.

    .venv/bin/python bench/certification_credentials.py [--count N] [--small]

Starts the certification service in standalone mode (SQLite, in-process bus, the dev RSA key generated
on first use) in this process, gives N people a CCNA and a signed agreement, then, one request at a
time through the ASGI app: N credential downloads (sign a VC-JWT, RS256), N PDF downloads (fpdf2), N
verifications of a pasted credential (signature, claims, the badge), N verifications by number.
Prints requests/s and p50/p99 per kind.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from certification.app import SERVICE
from partnerhub.testing import start_system


def figures(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"{name:<28} {len(samples) / sum(samples):8.1f} req/s   p50 {statistics.median(samples) * 1000:6.1f} ms"
        f"   p99 {p99 * 1000:6.1f} ms"
    )


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with start_system([SERVICE], "standalone", tmp_path=Path(tmp), start_date="2026-02-01", log_level="WARNING") as system:
            api, staff = system.clients["certification"], system.staff()
            await api.put("/v1/exams/A1", json={"title": "CCNA exam"}, headers=staff)
            await api.put("/v1/certifications/CCNA", json={"name": "CCNA", "kind": "associate", "required_exams": [["A1"]]}, headers=staff)
            people = [f"p{i:05d}" for i in range(count)]
            lms = system.token("vue", "system")
            for i, cco in enumerate(people):
                body = {"external_id": f"r{i}", "cco_id": cco, "exam_number": "A1", "taken_on": "2026-01-10", "passed": True}
                await api.post("/v1/exam-results", json=body, headers=lms)
                await api.post(f"/v1/individuals/{cco}/agreements", json={}, headers=system.token(cco, "individual"))
            tokens, numbers, pdf_size = [], [], 0
            timings: dict[str, list[float]] = {"credential download": [], "PDF download": [], "verify a credential": [], "verify a number": []}
            for cco in people:
                me = system.token(cco, "individual")
                started = time.perf_counter()
                r = await api.get(f"/v1/individuals/{cco}/certifications/CCNA/credential", headers=me)
                timings["credential download"].append(time.perf_counter() - started)
                tokens.append(r.json()["jwt"])
                numbers.append(r.json()["certificate_number"])
                started = time.perf_counter()
                r = await api.get(f"/v1/individuals/{cco}/certifications/CCNA/certificate", headers=me)
                timings["PDF download"].append(time.perf_counter() - started)
                assert r.status_code == 200
                pdf_size = len(r.content)
            for token, number in zip(tokens, numbers, strict=True):
                started = time.perf_counter()
                r = await api.post("/v1/verifications", json={"credential": token})
                timings["verify a credential"].append(time.perf_counter() - started)
                assert r.json()["status"] == "valid"
                started = time.perf_counter()
                r = await api.post("/v1/verifications", json={"certificate_number": number})
                timings["verify a number"].append(time.perf_counter() - started)
                assert r.json()["status"] == "valid"
            print(f"certification credentials: {count} people, standalone (SQLite), one request at a time")
            for name, samples in timings.items():
                figures(name, samples)
            print(f"a credential (VC-JWT) is {len(tokens[0])} bytes, a certificate PDF {pdf_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--small", action="store_true", help="100 people")
    args = parser.parse_args()
    asyncio.run(run(100 if args.small else args.count))


if __name__ == "__main__":
    main()
