"""A fork server for the fault suite's processes: it imports the platform, the probe and notify once
(about 4 s of CPU per Python start on this machine), then forks a fresh process for each life the test
asks for. A child is an ordinary process of its own: its own event loop, connections and memory;
it is killed with SIGKILL or exits at a fault point like any other.

Protocol, one JSON line each way on stdin/stdout:
``{"start": "probe" | "notify", "env": {...}, "log": path, "port": n}`` → ``{"pid": n}``;
``{"poll": pid}`` → ``{"code": null | n}`` (the child's exit code, negative for a signal).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "tests"))

import uvicorn  # noqa: E402,F401

import notify.app  # noqa: E402,F401  (imported before the fork: the children start at once)
import partnerhub.cli  # noqa: E402
from partnerhub.service import ServiceRuntime  # noqa: E402
from probe import PROBE  # noqa: E402


async def run_probe() -> None:
    runtime = ServiceRuntime(PROBE, PROBE.settings_cls(), own_lifespan=False)
    await runtime.start()
    print("probe started", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runtime.stop()


def child(request: dict) -> None:  # type: ignore[type-arg]
    fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.update(request["env"])
    os.environ["PYTHONUNBUFFERED"] = "1"
    code = 0
    try:
        if request["start"] == "probe":
            asyncio.run(run_probe())
        else:
            partnerhub.cli.serve(request["start"], host="127.0.0.1", port=int(request["port"]))
    except SystemExit as exc:
        code = int(exc.code or 0)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    codes: dict[int, int] = {}
    for line in sys.stdin:
        request = json.loads(line)
        if "start" in request:
            pid = os.fork()
            if pid == 0:
                child(request)
            answer: dict = {"pid": pid}  # type: ignore[type-arg]
        else:
            pid = int(request["poll"])
            if pid not in codes:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    codes[pid] = os.waitstatus_to_exitcode(status)
            answer = {"code": codes.get(pid)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
