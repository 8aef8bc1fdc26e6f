"""`partnerhub today set` starts the jump, then follows GET /v1/admin/today, printing progress, until it is over."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from partnerhub import cli


def progress(today: str, done: int, running: bool = True, error: str | None = None) -> dict[str, object]:
    return {"today": today, "clock": "manual", "target": "2027-01-04", "running": running,
            "days_done": done, "days_total": 3, "last_error": error}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[httpx.Request], list[dict[str, object]]]]:
    """A fake clock: PUT answers 202; each GET answers the next of ``states``."""
    seen: list[httpx.Request] = []
    states: list[dict[str, object]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "PUT":
            return httpx.Response(202, json=progress("2027-01-01", 0))
        return httpx.Response(200, json=states.pop(0))

    real = httpx.Client
    monkeypatch.setattr(cli.httpx, "Client", lambda **kw: real(transport=httpx.MockTransport(handle), **kw))
    yield seen, states


def test_today_set_waits_and_prints_progress(server) -> None:
    seen, states = server
    states += [progress("2027-01-02", 1), progress("2027-01-02", 1), progress("2027-01-03", 2), progress("2027-01-04", 3, running=False)]
    result = CliRunner().invoke(cli.app, ["today", "set", "2027-01-04", "--url", "http://clock.test", "--poll", "0"])
    assert result.exit_code == 0, result.output
    put = seen[0]
    assert (put.method, put.url.params["wait"], json.loads(put.content)) == ("PUT", "false", {"date": "2027-01-04"})
    lines = [line for line in result.output.splitlines() if "days" in line and line.startswith("http")]
    assert lines == [
        "http://clock.test: 2027-01-02  1/3 days",
        "http://clock.test: 2027-01-03  2/3 days",
        "http://clock.test: 2027-01-04  3/3 days",
    ], "a line each time the clock moved on"
    assert states == []


def test_today_set_fails_when_a_daily_job_failed(server) -> None:
    _, states = server
    states += [progress("2027-01-02", 1, running=False, error="daily job j failed on 2027-01-03: boom")]
    result = CliRunner().invoke(cli.app, ["today", "set", "2027-01-04", "--url", "http://clock.test", "--poll", "0"])
    assert result.exit_code == 2
    assert "stopped at 2027-01-02: daily job j failed on 2027-01-03" in result.output


def test_today_set_moves_the_standalone_of_the_data_folder_never_a_default_port(server, tmp_path) -> None:
    """Issue "for the people who use it" 3: the command finds the system from its data folder or --url."""
    seen, states = server
    result = CliRunner().invoke(cli.app, ["today", "set", "2027-01-04", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and seen == []
    assert "no standalone system is running with the data folder" in result.output
    (tmp_path / "standalone.json").write_text(json.dumps({"url": "http://127.0.0.1:8123", "pid": 1}))
    states.append(progress("2027-01-04", 3, running=False))
    result = CliRunner().invoke(cli.app, ["today", "set", "2027-01-04", "--data-dir", str(tmp_path), "--poll", "0"])
    assert result.exit_code == 0, result.output
    assert str(seen[0].url).startswith("http://127.0.0.1:8123/v1/admin/today")
    (tmp_path / "standalone.json").write_text("not json")
    result = CliRunner().invoke(cli.app, ["today", "set", "2027-01-04", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--url" in result.output


def test_standalone_on_a_busy_port_says_so_before_migrating_anything(tmp_path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        data = tmp_path / "data"
        result = CliRunner().invoke(cli.app, ["standalone", "--port", str(port), "--data-dir", str(data)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert not data.exists(), "nothing was migrated, seeded or written"
