"""The ``partnerhub`` command."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import httpx
import typer
from pydantic import ValidationError

from partnerhub.auth import ROLES, mint_token
from partnerhub.registry import discover, load
from partnerhub.settings import ServiceSettings, settings_error_lines

if TYPE_CHECKING:
    from partnerhub.service import ServiceDefinition

app = typer.Typer(help="partnerhub: run, migrate and operate the partner program services.", no_args_is_help=True)
today_app = typer.Typer(help="The business date of manual clocks.", no_args_is_help=True)
app.add_typer(today_app, name="today")
import_app = typer.Typer(help="Bulk loads into a running system.", no_args_is_help=True)
app.add_typer(import_app, name="import")
lrs_app = typer.Typer(help="Basic credentials of LMS clients of learning's xAPI LRS (program staff).", no_args_is_help=True)
app.add_typer(lrs_app, name="lrs-clients")

MULTI_PROCESS_URLS = [f"http://127.0.0.1:{p}" for p in range(8001, 8006)]


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _definition(service: str) -> ServiceDefinition:
    try:
        return load(service)
    except LookupError as exc:
        _fail(str(exc))


def _settings(definition: ServiceDefinition) -> ServiceSettings:
    """The service's settings from the environment; refused ones are printed one line each
    (JSON unless LOG_FORMAT=console, never a secret's value) and the command exits with 2."""
    try:
        return definition.settings_cls()
    except ValidationError as exc:
        for line in settings_error_lines(definition.settings_cls, exc):
            typer.echo(line, err=True)
        raise typer.Exit(2) from None


@app.command()
def services() -> None:
    """List the installed services and their default ports."""
    for name, definition in discover().items():
        typer.echo(f"{name:<16}{definition.port}  {definition.description}")


@app.command()
def standalone(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve every service on")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="folder for the SQLite files and mail")] = Path("data"),
    demo: Annotated[bool, typer.Option(help="load demo data on first start")] = True,
    reset: Annotated[bool, typer.Option(help="delete the data folder first")] = False,
    start_date: Annotated[str | None, typer.Option(help="first date of the manual clock (YYYY-MM-DD)")] = None,
) -> None:
    """Every service in one process: SQLite, in-process bus, dev tokens, manual clock (DEV ONLY)."""
    import uvicorn

    from partnerhub.standalone import Standalone

    # the port first: a busy one is said at once, before migrations, seeding and the demo story run
    listener = _listen(host, port)
    if reset and data_dir.exists():
        shutil.rmtree(data_dir)
    first = date.fromisoformat(start_date) if start_date else None
    # readable logs for a person at a terminal, unless a format was chosen
    overrides = {} if os.environ.get("PARTNERHUB_LOG_FORMAT") else {"log_format": "console"}
    system = Standalone(
        data_dir, demo=demo, start_date=first, base_url=f"http://{host}:{port}", banner=True, overrides=overrides
    )
    server = uvicorn.Server(uvicorn.Config(system.app, host=host, port=port, log_config=None, access_log=False))
    server.run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket for the server, or a clear failure when the address is taken."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        _fail(f"cannot listen on {host}:{port} ({exc.strerror}): is another system running there? choose --port")
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help="identity, certification, learning, specialization or notify")],
    host: Annotated[str | None, typer.Option(help="address to bind (default: the HOST setting)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: the PORT setting, else the service's own)")] = None,
) -> None:
    """Run one service against PostgreSQL and RabbitMQ (its database is created and migrated at start)."""
    import uvicorn

    from partnerhub.service import ServiceRuntime

    definition = _definition(service)
    settings = _settings(definition)
    runtime = ServiceRuntime(definition, settings, freeze_heap=True)
    uvicorn.run(
        runtime.app,
        host=host or settings.host,
        port=port or settings.port or definition.port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


@app.command()
def migrate(
    service: Annotated[str, typer.Argument(help="a service, or `all`")] = "all",
) -> None:
    """Create each service's database if missing and bring it to the latest migration."""
    from partnerhub.db.migrations import migrate as run_migrations
    from partnerhub.logging import configure_logging

    definitions = list(discover().values()) if service == "all" else [_definition(service)]
    for definition in definitions:
        settings = _settings(definition)
        configure_logging(settings.log_format, settings.log_level)
        typer.echo(f"migrating {definition.name} ...")
        asyncio.run(run_migrations(definition.name, definition.migrations_dir, settings.database_url))
        typer.echo(f"migrated {definition.name}")


@today_app.command("set")
def today_set(
    new_date: Annotated[str, typer.Argument(metavar="DATE", help="YYYY-MM-DD")],
    url: Annotated[
        list[str] | None, typer.Option(help="a base URL to move (repeatable); default: the standalone of --data-dir")
    ] = None,
    multi: Annotated[bool, typer.Option(help="move the five services on ports 8001-8005")] = False,
    data_dir: Annotated[
        Path, typer.Option(help="the data folder of the running standalone to move (it says where it listens)")
    ] = Path("data"),
    token: Annotated[str | None, typer.Option(envvar="PARTNERHUB_TOKEN", help="a program-staff bearer token")] = None,
    wait: Annotated[
        bool, typer.Option(help="wait until each service's daily jobs are done, printing progress (--no-wait: only start)")
    ] = True,
    poll: Annotated[float, typer.Option(help="seconds between progress checks")] = 1.0,
) -> None:
    """Move manual clocks forward; each service runs its daily jobs for every day passed.

    Which system: --url, or --multi, or else the standalone whose data folder is --data-dir (default
    `data`, as `make run` uses): it writes its address there while it runs. There is no silent default
    port, so the command never moves another system's clock. The services move one after the other,
    each one's jobs done before the next one moves."""
    try:
        date.fromisoformat(new_date)
    except ValueError:
        _fail(f"{new_date!r} is not a date (YYYY-MM-DD)")
    targets = url or (MULTI_PROCESS_URLS if multi else [_standalone_url(data_dir)])
    bearer = token or mint_token(_shared_settings(), "partnerhub-cli", ["program_staff"], ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {bearer}"}
    with httpx.Client(timeout=httpx.Timeout(60.0, connect=5.0)) as client:
        for base in targets:
            endpoint = f"{base.rstrip('/')}/v1/admin/today"
            typer.echo(f"{base}: moving to {new_date} ...")
            answer = _call(client, "PUT", endpoint, headers, json={"date": new_date}, params={"wait": "false"})
            if wait and answer.get("running"):
                answer = _follow(client, base, endpoint, headers, poll)
            typer.echo(json.dumps(answer, indent=2))


def _standalone_url(data_dir: Path) -> str:
    """The address a running standalone wrote into its data folder."""
    from partnerhub.standalone import ADDRESS_FILE

    path = data_dir / ADDRESS_FILE
    try:
        url = json.loads(path.read_text())["url"]
    except FileNotFoundError:
        _fail(
            f"no standalone system is running with the data folder {data_dir.resolve()} (it writes {ADDRESS_FILE} "
            "there while it runs); give its folder with --data-dir, or the address with --url"
        )
    except (ValueError, KeyError, TypeError):
        _fail(f"{path} does not say where the standalone listens; give the address with --url")
    return str(url)


def _call(client: httpx.Client, method: str, endpoint: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    try:
        response = client.request(method, endpoint, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        _fail(f"{endpoint} did not answer: {exc}")
    if response.status_code >= 400:
        _fail(f"{endpoint} answered {response.status_code}: {response.text}")
    return dict(response.json())


def _follow(client: httpx.Client, base: str, endpoint: str, headers: dict[str, str], poll: float) -> dict[str, Any]:
    """Poll the clock until its jump is over, printing a line whenever it has moved on."""
    shown = None
    while True:
        status = _call(client, "GET", endpoint, headers)
        line = f"{base}: {status.get('today')}  {status.get('days_done', 0)}/{status.get('days_total', 0)} days"
        if status.get("moving"):
            line += f"  (moving {status['moving']})"
        if line != shown:
            typer.echo(line)
            shown = line
        if not status.get("running"):
            break
        time.sleep(poll)
    if status.get("last_error"):
        _fail(f"{base} stopped at {status.get('today')}: {status['last_error']} (run the command again to resume)")
    if status.get("target") and str(status.get("today")) < str(status["target"]):
        _fail(f"{base} stopped at {status.get('today')} before {status['target']} (run the command again to resume)")
    return status


@import_app.command("exam-results")
def import_exam_results(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="a CSV or JSON-lines file")],
    url: Annotated[
        str | None, typer.Option(help="certification's base URL; default: the standalone of --data-dir")
    ] = None,
    data_dir: Annotated[Path, typer.Option(help="the data folder of the running standalone")] = Path("data"),
    format: Annotated[str | None, typer.Option(help="csv or jsonl (default: from the file name)")] = None,
    token: Annotated[
        str | None, typer.Option(envvar="PARTNERHUB_TOKEN", help="a bearer token of a system client or program staff")
    ] = None,
    poll: Annotated[float, typer.Option(help="seconds between progress checks")] = 0.5,
) -> None:
    """Load historical exam results (fields external_id, cco_id, exam_number, taken_on, passed), with progress.

    Lines already recorded (same external_id) are skipped, so after an interruption the same command
    resumes where it stopped. Bad lines never stop the good ones; they are listed at the end."""
    fmt = format or ("jsonl" if file.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv")
    if fmt not in ("csv", "jsonl"):
        _fail(f"--format must be csv or jsonl, not {fmt!r}")
    base = (url or f"{_standalone_url(data_dir)}/certification").rstrip("/")
    bearer = token or mint_token(_shared_settings(), "partnerhub-import", ["system"], ttl_seconds=24 * 3600)
    headers = {"Authorization": f"Bearer {bearer}"}
    content_type = "text/csv" if fmt == "csv" else "application/x-ndjson"
    with httpx.Client(timeout=httpx.Timeout(300.0, connect=5.0)) as client:
        with file.open("rb") as body:
            report = _call(
                client, "POST", f"{base}/v1/exam-results/imports", {**headers, "Content-Type": content_type},
                content=body, params={"format": fmt},
            )
        status_url = f"{base}/v1/exam-results/imports/{report['id']}"
        report = _follow_import(client, status_url, headers, report, poll)
        warnings = _warnings(client, status_url, headers) if report.get("warned") else []
    _print_import(report, warnings, status_url)
    if report["status"] == "failed":
        _fail(f"the import failed: {report.get('error')} (run the same command again to resume)")


def _warnings(client: httpx.Client, status_url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The import's first 100 warnings (lines recorded whose CCO ID identity had not told certification of)."""
    try:
        response = client.get(f"{status_url}/warnings", headers=headers, params={"limit": 100})
    except httpx.HTTPError as exc:
        _fail(f"{status_url}/warnings did not answer: {exc}")
    if response.status_code >= 400:
        _fail(f"{status_url}/warnings answered {response.status_code}: {response.text}")
    return list(response.json())


def _print_import(report: dict[str, Any], warnings: list[dict[str, Any]], status_url: str) -> None:
    """The import's figures, then its bad lines (not recorded) and its warnings (recorded, worth a look)."""
    typer.echo(
        f"{report['status']}: {report['lines_read']} lines read, {report['accepted']} recorded, "
        f"{report['replayed']} already there, {report['rejected']} bad, {report.get('warned', 0)} warned, "
        f"{report['individuals_recomputed']} people's badges recomputed"
    )
    for error in report.get("errors", []):
        typer.echo(f"  line {error['line']}: {error['error']}")
    if report["rejected"] > len(report.get("errors", [])):
        typer.echo(f"  ... every bad line: GET {status_url}/errors")
    if warnings:
        typer.echo("warnings (recorded all the same):")
    for warning in warnings:
        typer.echo(f"  line {warning['line']}: {warning['cco_id']}: {warning['reason']}")
    if report.get("warned", 0) > len(warnings):
        typer.echo(f"  ... every warning: GET {status_url}/warnings")


def _follow_import(
    client: httpx.Client, status_url: str, headers: dict[str, str], report: dict[str, Any], poll: float
) -> dict[str, Any]:
    """A progress bar of the import until it is done or failed: lines read of the total, rate, bad lines."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[rate]} lines/s  {task.fields[rejected]} bad"), TimeElapsedColumn(),
    )
    started = time.monotonic()
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("reading", total=report.get("lines_total"), rate="0", rejected=0)
        while True:
            elapsed = max(time.monotonic() - started, 1e-6)
            phase = "recomputing badges" if report["status"] == "recomputing" else report["status"]
            progress.update(
                task, description=phase, completed=report["lines_read"],
                rate=f"{report['lines_read'] / elapsed:,.0f}", rejected=report["rejected"],
            )
            if report["status"] in ("done", "failed"):
                return report
            time.sleep(poll)
            report = _call(client, "GET", status_url, headers)


def _lrs_call(method: str, path: str, url: str | None, data_dir: Path, token: str | None, body: Any = None) -> Any:
    """Learning's /v1/xapi-clients as program staff (a dev token is minted outside production)."""
    base = (url or f"{_standalone_url(data_dir)}/learning").rstrip("/")
    if token is None:
        settings = _shared_settings()
        if settings.environment == "production":
            _fail("give a program-staff token with --token or PARTNERHUB_TOKEN (none is minted in production)")
        token = mint_token(settings, "partnerhub-cli", ["program_staff"], ttl_seconds=300)
    with httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0)) as client:
        try:
            response = client.request(method, f"{base}{path}", headers={"Authorization": f"Bearer {token}"}, json=body)
        except httpx.HTTPError as exc:
            _fail(f"{base} did not answer: {exc}")
    if response.status_code >= 400:
        _fail(f"{base}{path} answered {response.status_code}: {response.text}")
    return (base, response.json() if response.content else None)


_LRS_URL = typer.Option(help="learning's base URL; default: the standalone of --data-dir (its /learning)")
_LRS_TOKEN = typer.Option(envvar="PARTNERHUB_TOKEN", help="a program-staff bearer token (dev: minted when not given)")


@lrs_app.command("issue")
def lrs_issue(
    name: Annotated[str, typer.Argument(help="who the client is, e.g. the LMS's name")],
    scope: Annotated[list[str] | None, typer.Option(help="repeatable xAPI scope (default: statements/write, statements/read, state, profile)")] = None,
    url: Annotated[str | None, _LRS_URL] = None,
    data_dir: Annotated[Path, typer.Option(help="the data folder of the running standalone")] = Path("data"),
    token: Annotated[str | None, _LRS_TOKEN] = None,
) -> None:
    """Issue Basic credentials for an LMS client: prints the endpoint, the key and the secret (shown once)."""
    body: dict[str, Any] = {"name": name}
    if scope:
        body["scopes"] = scope
    base, issued = _lrs_call("POST", "/v1/xapi-clients", url, data_dir, token, body)
    typer.echo(f"endpoint  {base}{issued['endpoint_path']}")
    typer.echo(f"key       {issued['key']}")
    typer.echo(f"secret    {issued['secret']}   (shown once: only its hash is kept)")
    typer.echo(f"scopes    {', '.join(issued['scopes'])}")


@lrs_app.command("list")
def lrs_list(
    url: Annotated[str | None, _LRS_URL] = None,
    data_dir: Annotated[Path, typer.Option(help="the data folder of the running standalone")] = Path("data"),
    token: Annotated[str | None, _LRS_TOKEN] = None,
) -> None:
    """The LMS clients, their scopes and whether they are revoked (never a secret)."""
    _, clients = _lrs_call("GET", "/v1/xapi-clients", url, data_dir, token)
    for c in clients:
        state = f"revoked {c['revoked_at']}" if c.get("revoked_at") else "active"
        typer.echo(f"{c['key']}  {c['name']}  [{', '.join(c['scopes'])}]  {state}")


@lrs_app.command("revoke")
def lrs_revoke(
    key: Annotated[str, typer.Argument(help="the client's key")],
    url: Annotated[str | None, _LRS_URL] = None,
    data_dir: Annotated[Path, typer.Option(help="the data folder of the running standalone")] = Path("data"),
    token: Annotated[str | None, _LRS_TOKEN] = None,
) -> None:
    """Revoke a client's credentials: its next request is a 401."""
    _lrs_call("DELETE", f"/v1/xapi-clients/{key}", url, data_dir, token)
    typer.echo(f"revoked {key}")


@app.command()
def token(
    sub: Annotated[str, typer.Argument(help="a CCO ID or a client id")],
    role: Annotated[list[str] | None, typer.Option(help=f"repeatable: {', '.join(ROLES)}")] = None,
    admin_of: Annotated[
        list[str] | None, typer.Option("--admin-of", help="repeatable: a BE GEO ID the person administers")
    ] = None,
    pam_of: Annotated[list[str] | None, typer.Option("--pam-of", help="repeatable: a BE GEO ID they are PAM of")] = None,
    ttl: Annotated[int, typer.Option(help="lifetime in seconds")] = 3600,
    from_identity: Annotated[
        bool,
        typer.Option(
            "--from-identity",
            help="roles and partners from identity's records (its IDENTITY_/PARTNERHUB_ settings and database); "
            "with --role system: a system client",
        ),
    ] = False,
) -> None:
    """Mint a dev token with the shared JWT settings (refused in production)."""
    settings = _shared_settings()
    if settings.environment == "production":
        _fail("tokens are not minted in production; ask the identity provider")
    if from_identity:
        typer.echo(_identity_token(sub, system="system" in (role or []), ttl=ttl))
        return
    try:
        roles = set(role or ["individual"])
        roles |= {"partner_admin"} if admin_of else set()
        roles |= {"pam"} if pam_of else set()
        typer.echo(mint_token(settings, sub, roles, admin_of=admin_of or [], pam_of=pam_of or [], ttl_seconds=ttl))
    except ValueError as exc:
        _fail(str(exc))


def _identity_token(sub: str, *, system: bool, ttl: int) -> str:
    """The identity service's own minting code (its ``mint_token`` extra), on its database."""
    from partnerhub.errors import Problem
    from partnerhub.service import ServiceRuntime

    definition = _definition("identity")
    hook = definition.extras.get("mint_token")
    if hook is None:
        _fail("the identity service offers no mint_token hook")

    async def mint() -> str:
        runtime = ServiceRuntime(definition, definition.settings_cls())
        try:
            return str(await hook(runtime, sub, system=system, ttl_seconds=ttl))
        finally:
            await runtime.db.dispose()

    try:
        return asyncio.run(mint())
    except (Problem, ValueError) as exc:
        _fail(getattr(exc, "detail", None) or str(exc))
    except Exception as exc:  # e.g. the database is not reachable or not migrated
        _fail(f"identity's records could not be read: {exc!r}")
    raise AssertionError("unreachable")


@app.command("settings")
def settings_table(
    service: Annotated[str | None, typer.Argument(help="a service; default: the shared fields")] = None,
) -> None:
    """Print the settings as a Markdown table: env names, defaults, meaning."""
    cls: type[ServiceSettings] = _definition(service).settings_cls if service else ServiceSettings
    own = set(cls.model_fields) - set(ServiceSettings.model_fields) if service else set(cls.model_fields)
    prefix = cls.env_prefix() if service else "<SERVICE>_ or PARTNERHUB_"
    typer.echo(f"| env ({prefix}…) | default | meaning |\n|---|---|---|")
    for name in sorted(own, key=list(cls.model_fields).index):
        field = cls.model_fields[name]
        default = field.default if field.default is not None else ""
        if hasattr(default, "get_secret_value"):
            default = "(dev secret)"
        typer.echo(f"| `{name.upper()}` | `{default}` | {field.description or ''} |")


@app.command()
def asyncapi(service: Annotated[str, typer.Argument(help="a service")]) -> None:
    """Print a service's AsyncAPI document."""
    from partnerhub.bus.asyncapi import asyncapi_document

    definition = _definition(service)
    doc = asyncapi_document(f"partnerhub {definition.title} events", definition.produces, definition.subscriptions)
    typer.echo(json.dumps(doc, indent=2))


class _Shared(ServiceSettings):
    service_name = "shared"


def _shared_settings() -> ServiceSettings:
    return _Shared()


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
