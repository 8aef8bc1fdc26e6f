"""What an operator sees when a setting is wrong: `partnerhub serve` prints one line per bad setting
(JSON, or plain text under LOG_FORMAT=console), exits with 2 and never prints a secret's value; notify in
production refuses to start without an SMTP relay unless file mode is chosen with NOTIFY_OUTBOX_DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notify.settings import NotifySettings

BIN = Path(sys.executable).parent
DB_PASSWORD = "db-pw-Zq81x"
JWT_SECRET = "jwt-secret-Kk42-a-real-production-secret"
SMTP_PASSWORD = "smtp-pw-Rt93y"
RABBIT_PASSWORD = "amqp-pw-Ln55c"


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERHUB_", "IDENTITY_", "NOTIFY_", "LEARNING_", "CERTIFICATION_", "SPECIALIZATION_"))}
    return {**env, **values}


def _serve(service: str, **values: str) -> subprocess.Popen[str]:
    # port 1 on the loopback: should the settings ever be accepted, the server cannot bind and stops
    return subprocess.Popen(
        [str(BIN / "partnerhub"), "serve", service, "--host", "127.0.0.1", "--port", "1"],
        env=_clean_env(**values), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, list[str]]:
    out, err = process.communicate(timeout=60)
    return process.returncode, [line for line in (out + err).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[int, list[str]]]:
    """The CLI runs of this module, started together (each start imports the whole service)."""
    started = {
        "notify-no-smtp": _serve(
            "notify", PARTNERHUB_ENVIRONMENT="production", PARTNERHUB_JWT_SECRET=JWT_SECRET,
            NOTIFY_DATABASE_URL=f"postgresql+asyncpg://notify:{DB_PASSWORD}@db.internal:5432/notify",
        ),
        "notify-no-smtp-console": _serve(
            "notify", PARTNERHUB_ENVIRONMENT="production", PARTNERHUB_JWT_SECRET=JWT_SECRET,
            PARTNERHUB_LOG_FORMAT="console",
        ),
        "bad-settings": _serve(
            "notify", PARTNERHUB_ENVIRONMENT="production", PARTNERHUB_LOG_FORMAT="json",
            PARTNERHUB_JWT_SECRET=JWT_SECRET,
            NOTIFY_DATABASE_URL=f"postgresql+asyncpg//notify:{DB_PASSWORD}@db.internal:5432/notify",
            PARTNERHUB_RABBITMQ_URL=f"amqp://partnerhub:{RABBIT_PASSWORD}@mq.internal:56x72/",
            NOTIFY_SMTP_HOST="smtp.internal", NOTIFY_SMTP_USERNAME="relay-user", NOTIFY_SMTP_PASSWORD=SMTP_PASSWORD,
            PARTNERHUB_DELIVERY_LIMIT="lots",
        ),
    }
    return {name: _finish(process) for name, process in started.items()}


def test_notify_in_production_without_smtp_refuses_to_start_with_one_clear_line(runs) -> None:
    code, lines = runs["notify-no-smtp"]
    assert code == 2, lines
    assert len(lines) == 1, lines
    line = json.loads(lines[0])
    assert line["level"] == "error" and line["service"] == "notify" and line["setting"] == "NOTIFY_SMTP_HOST"
    assert "SMTP relay" in line["problem"] and "NOTIFY_OUTBOX_DIR" in line["problem"]
    assert DB_PASSWORD not in lines[0] and JWT_SECRET not in lines[0]


def test_console_format_prints_a_plain_line(runs) -> None:
    code, lines = runs["notify-no-smtp-console"]
    assert code == 2
    assert lines == [
        "error: notify: bad setting NOTIFY_SMTP_HOST: must name the SMTP relay in production "
        "(or set NOTIFY_OUTBOX_DIR to a folder to write mail as .eml files on purpose)"
    ]


def test_bad_settings_print_one_json_line_each_naming_the_setting_and_never_the_secret(runs) -> None:
    code, lines = runs["bad-settings"]
    assert code == 2, lines
    parsed = [json.loads(line) for line in lines]  # every line is JSON: no traceback, no box
    named = {row["setting"] for row in parsed}
    assert named == {"NOTIFY_DATABASE_URL", "PARTNERHUB_RABBITMQ_URL", "PARTNERHUB_DELIVERY_LIMIT"}, parsed
    assert len(parsed) == len(named)
    output = "\n".join(lines)
    for secret in (DB_PASSWORD, JWT_SECRET, SMTP_PASSWORD, RABBIT_PASSWORD, "db.internal", "lots"):
        assert secret not in output, f"{secret} was printed"


def test_smtp_auth_without_tls_is_refused_in_production_and_names_the_setting_not_the_password() -> None:
    from pydantic import ValidationError

    from partnerhub.settings import settings_errors

    values = {"environment": "production", "jwt_secret": JWT_SECRET, "smtp_host": "smtp.internal",
              "smtp_username": "relay-user", "smtp_password": SMTP_PASSWORD}
    with pytest.raises(ValidationError) as caught:
        NotifySettings(**values)
    rows = settings_errors(NotifySettings, caught.value)
    assert [r["setting"] for r in rows] == ["NOTIFY_SMTP_USERNAME"]
    assert SMTP_PASSWORD not in json.dumps(rows)
    assert NotifySettings(**values, smtp_starttls=True).smtp_starttls
    assert NotifySettings(**values, smtp_tls=True, smtp_port=465).smtp_tls


def test_production_file_mode_is_an_explicit_choice_of_folder(tmp_path: Path) -> None:
    settings = NotifySettings(environment="production", jwt_secret=JWT_SECRET, outbox_dir=str(tmp_path))
    assert settings.mail_folder() == tmp_path
    assert NotifySettings(environment="production", jwt_secret=JWT_SECRET, smtp_host="relay").smtp_host == "relay"
    # dev and test keep the convenient default: no relay, files under the data folder
    assert NotifySettings().smtp_host == ""


def test_settings_that_exclude_each_other_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from partnerhub.settings import settings_errors

    monkeypatch.setenv("NOTIFY_SMTP_TLS", "true")
    monkeypatch.setenv("NOTIFY_SMTP_STARTTLS", "true")
    with pytest.raises(ValidationError) as caught:
        NotifySettings()
    assert [r["setting"] for r in settings_errors(NotifySettings, caught.value)] == ["NOTIFY_SMTP_STARTTLS"]
