"""The probe service (shared/tests/probe) as a process of its own, for the fault hook's case:
settings from the environment (PROBE_* / PARTNERHUB_*), runs until killed or until a fault point
exits it."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "tests"))

from partnerhub.service import ServiceRuntime  # noqa: E402
from probe import PROBE  # noqa: E402


async def main() -> None:
    runtime = ServiceRuntime(PROBE, PROBE.settings_cls(), own_lifespan=False)
    await runtime.start()
    print("probe started", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runtime.stop()


if __name__ == "__main__":
    asyncio.run(main())
