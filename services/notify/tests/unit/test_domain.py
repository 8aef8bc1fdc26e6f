"""Pure rules: which mail a cause asks for, cause keys, safe headers, backoff (NO-1..NO-4)."""

from __future__ import annotations

import email
from datetime import date
from email.policy import default as default_policy

import aiosmtplib
import pytest

from notify.domain import (
    UnsafeHeader,
    backoff_seconds,
    bounded_key,
    check_address,
    check_header_text,
    message_id,
    reminder_plan,
    role_plan,
    specialization_plan,
)
from notify.mail import Sender, build_message, classify, parse_sender
from notify.rendering import Rendered, Templates, long_date
from notify.settings import NotifySettings
from partnerhub.bus.contracts import GraceStarted, ReminderDue, RoleAtRisk, RoleVacated


def reminder(kind: str = "associate", months: int = 6) -> ReminderDue:
    return ReminderDue(cco_id="C1", certification="CCNA", kind=kind, expires_on=date(2027, 6, 1), months_before=months)


def test_ce9_no1_representative_cqs_gets_no_reminder() -> None:
    assert reminder_plan(reminder("cqs_representative")) is None
    assert reminder_plan(reminder("cqs_specialist")) is not None


def test_no1_reminder_cause_key_separates_6_and_3_months_and_ignores_event_id() -> None:
    six, three = reminder_plan(reminder(months=6)), reminder_plan(reminder(months=3))
    assert six and three and six.cause_key != three.cause_key
    assert six.cause_key == reminder_plan(reminder(months=6)).cause_key  # a new event, the same cause
    assert six.recipient == "C1" and six.context["expires_on"] == "2027-06-01"


def test_no2_partner_plan_fans_out_one_cause_per_admin() -> None:
    plan = specialization_plan(
        GraceStarted(be_geo_id="B1", specialization="ENT", started_on=date(2027, 4, 2), grace_ends_on=date(2027, 4, 12))
    )
    assert plan.kind == "grace_started" and plan.context["grace_ends_on"] == "2027-04-12"
    a, b = plan.for_recipient("A1"), plan.for_recipient("A2")
    assert a.cause_key != b.cause_key and a.recipient == "A1" and a.be_geo_id == "B1"


def test_no4_role_plans_name_role_person_and_date() -> None:
    risk = role_plan(
        RoleAtRisk(be_geo_id="B1", specialization="S", role="FE", cco_id="H1", certification="CCNP", vacant_on=date(2027, 5, 1)),
        "Hank",
    )
    expected = {"role_name": "Field Engineer", "person_name": "Hank", "vacant_on": "2027-05-01"}
    assert {k: risk.context[k] for k in expected} == expected
    vacated = role_plan(
        RoleVacated(be_geo_id="B1", specialization="S", role="AM", cco_id="H1", vacated_on=date(2027, 5, 1), reason="left"),
        None,
    )
    assert vacated.kind == "role_vacated" and vacated.context["role_name"] == "Account Manager"


@pytest.mark.parametrize(
    "value",
    ["a@b.io\r\nBcc: x@y.io", "a@b.io\nX: y", "a@b.io\rX: y", "a@b.io\x00", "a@b.io\u2028X: y", "a b@c.io",
     "<a@b.io>", "a@b.io, c@d.io", "Name <a@b.io>", "a@@b.io", "a@b..io", ""],
)
def test_no3_unsafe_or_odd_addresses_are_refused(value: str) -> None:
    with pytest.raises(UnsafeHeader):
        check_address(value)


@pytest.mark.parametrize("value", ["Jo\r\nBcc: x@y.io", "Jo\nX: y", "Jo\x00", "Jo\x85X", "Jo\u2029X", "Jo\tX"])
def test_no3_unsafe_display_names_are_refused(value: str) -> None:
    with pytest.raises(UnsafeHeader):
        check_header_text(value, "name")


def test_safe_values_pass() -> None:
    assert check_address("first.last+tag@sub.example.com") == "first.last+tag@sub.example.com"
    assert check_header_text("Zoë \"Q\" O'Brien, Jr. =?utf-8?q?x?=", "name")


def test_no3_message_id_is_deterministic_from_cause() -> None:
    assert message_id("reminder|C1") == message_id("reminder|C1") != message_id("reminder|C2")
    assert message_id("x").startswith("<") and message_id("x").endswith("@notify.partnerhub>")


def test_long_cause_keys_stay_unique_within_the_column() -> None:
    a, b = bounded_key("x" * 500 + "a"), bounded_key("x" * 500 + "b")
    assert len(a) == len(b) == 400 and a != b
    assert bounded_key("short") == "short"


def test_no3_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_seconds(n, 30, 900) for n in (1, 2, 3, 6, 50)] == [30, 60, 120, 900, 900]


def test_build_message_refuses_injection_and_keeps_envelope_apart() -> None:
    rendered = Rendered("Subject", "text", "<p>html</p>")
    sender = Sender("partnerhub", "no-reply@partnerhub.example")
    with pytest.raises(UnsafeHeader):
        build_message(rendered, sender=sender, to_name="Jo\r\nBcc: x@y.io", to_address="jo@x.io", message_id="<a@b>")
    with pytest.raises(UnsafeHeader):
        build_message(Rendered("S\nBcc: x@y.io", "t", "h"), sender=sender, to_name="Jo", to_address="jo@x.io", message_id="<a@b>")
    message = build_message(rendered, sender=sender, to_name="Zoë, \"Q\" Jr.", to_address="jo@x.io", message_id="<a@b>")
    parsed = email.message_from_bytes(message.as_bytes(), policy=default_policy)
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [("Zoë, \"Q\" Jr.", "jo@x.io")]
    assert parsed["Bcc"] is None and parsed["Message-ID"] == "<a@b>"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed.get_body(("html",)).get_content() == "<p>html</p>"


def test_mail_from_is_checked() -> None:
    assert parse_sender("Hub <hub@x.io>") == Sender("Hub", "hub@x.io")
    with pytest.raises(UnsafeHeader):
        parse_sender("Hub <hub@x.io>\r\nBcc: y@z.io")


def test_templates_autoescape_html_only_and_name_the_dates() -> None:
    templates = Templates()
    context = {
        "certification": "<CCNA>", "kind": "associate", "expires_on": "2027-06-01", "months_before": 3,
        "recipient_name": "Ann & Bo",
    }
    rendered = templates.render("reminder", context)
    assert "&lt;CCNA&gt;" in rendered.html and "Ann &amp; Bo" in rendered.html
    assert "<CCNA>" in rendered.text and "1 June 2027" in rendered.subject
    assert long_date("2027-01-09") == "9 January 2027"


def test_no4_at_risk_mail_says_whether_the_holder_leaves_or_a_certification_expires() -> None:
    templates = Templates()
    base = {
        "recipient_name": "Ada", "specialization": "SEC", "partner_label": "Acme", "role": "SE",
        "person_label": "Hank (CCO ID H1)",
    }
    for reason, says, never in (("left", "who leaves the partner", "certification expires"),
                                ("qualification_lapsed", "whose CCNP certification expires", "leaves the partner")):
        event = RoleAtRisk(be_geo_id="B1", specialization="SEC", role="SE", cco_id="H1",
                           certification="CCNP" if reason != "left" else "", vacant_on=date(2027, 9, 1), reason=reason)
        rendered = templates.render("role_at_risk", {**base, **role_plan(event, "Hank").context})
        assert says in rendered.text and never not in rendered.text, rendered.text
        assert "1 September 2027" in rendered.subject and says.split()[-1] in rendered.html
    # a context recorded before `reason` existed still renders (the certification wording)
    old = {**base, "role_name": "Systems Engineer", "certification": "CCNP", "vacant_on": "2027-09-01"}
    assert "whose CCNP certification expires" in templates.render("role_at_risk", old).text


def test_no3_smtp_errors_classified_permanent_only_for_5xx_on_recipient_or_message() -> None:
    refused = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "no such user", "a@b.io")])
    busy = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(451, "later", "a@b.io")])
    assert classify(refused).permanent and not classify(busy).permanent
    assert classify(aiosmtplib.SMTPDataError(554, "rejected")).permanent
    assert not classify(aiosmtplib.SMTPDataError(452, "full")).permanent
    assert not classify(aiosmtplib.SMTPConnectError("refused")).permanent
    assert not classify(aiosmtplib.SMTPAuthenticationError(535, "bad credentials")).permanent


def test_settings_refuse_tls_and_starttls_together_and_derive_the_mail_folder(tmp_path) -> None:
    with pytest.raises(ValueError):
        NotifySettings(smtp_tls=True, smtp_starttls=True)
    settings = NotifySettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'notify.db'}")
    assert settings.mail_folder() == tmp_path.resolve() / "mail"
    assert NotifySettings(outbox_dir=str(tmp_path / "x")).mail_folder() == tmp_path / "x"
