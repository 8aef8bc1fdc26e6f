"""Run every benchmark and print its figures (``make bench``).

    .venv/bin/python bench/run_all.py            # quick sizes, a few minutes
    .venv/bin/python bench/run_all.py --full     # the issues' target sizes (tens of minutes)
    .venv/bin/python bench/run_all.py identity_duplicates learning_ingest   # some of them

Each benchmark is its own script (``bench/<name>.py --help``); this only runs them one after
another so that they do not compete for the machine's two cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent

# name: (quick arguments, target-size arguments)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "platform_bus": (["--count", "5000"], ["--count", "50000"]),
    "identity_register": (["--small"], ["--count", "100000", "--backend", "postgres"]),
    "identity_duplicates": (["--small"], ["--count", "1000000"]),
    "certification_import": (["--small"], ["--count", "1000000"]),
    "certification_daily": (["--small"], ["--count", "1000000"]),
    "certification_credentials": (["--small"], ["--count", "1000"]),
    "learning_ingest": (["--small"], ["--count", "200000", "--mode", "distributed"]),
    "learning_xapi": (["--small"], ["--count", "50000", "--mode", "distributed"]),
    "learning_clview": (["--small"], ["--members", "10000", "--entries", "500000", "--mode", "distributed"]),
    "specialization_anniversary": (["--small"], ["--count", "100000"]),
    "notify_mail": (["--small"], ["--count", "50000"]),
    "http_paths": (["--small"], ["--members", "20000", "--rounds", "3", "--duration", "10"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--full", action="store_true", help="the target sizes named in the issues")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    failed = []
    for name in args.names or list(BENCHMARKS):
        quick, full = BENCHMARKS[name]
        command = [sys.executable, str(HERE / f"{name}.py"), *(full if args.full else quick)]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, check=False)
        print(f"=== {name}: exit {result.returncode} after {time.perf_counter() - started:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
