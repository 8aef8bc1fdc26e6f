"""ID-2: the merge confirmation mail: to the ID being retired, once per request, the link in both parts, and
never in the delivery log's API."""

from __future__ import annotations

from datetime import UTC, date, datetime

from notify.api.notifications import shown_context
from notify.domain import merge_confirmation_plan
from notify.rendering import Templates
from partnerhub.bus.contracts import MergeRequested

LINK = "https://id.example/ui/merge-confirmation?token=abcdefghijklmnopqrstuvwxyz012345"
EVENT = MergeRequested(
    request_id="r-1", survivor="sam", retire="sam.old", requested_by="sam", requested_on=date(2027, 3, 1),
    expires_at=datetime(2027, 3, 2, 9, 30, tzinfo=UTC), confirm_url=LINK,
)


def test_id2_merge_confirmation_goes_to_the_retired_id_once_per_request() -> None:
    plan = merge_confirmation_plan(EVENT)
    assert (plan.kind, plan.recipient, plan.cause_key, plan.be_geo_id) == ("merge_confirmation", "sam.old", "merge_confirmation|r-1", None)


def test_id2_merge_confirmation_mail_says_what_happens_and_carries_the_link() -> None:
    rendered = Templates().render("merge_confirmation", {**merge_confirmation_plan(EVENT).context, "recipient_name": "Sam <E>"})
    assert rendered.subject == "Confirm merging your CCO ID sam.old into sam"
    assert LINK in rendered.text and f'href="{LINK}"' in rendered.html
    assert "2 March 2027, 09:30 UTC" in rendered.text and "cannot be undone" in rendered.text
    assert "ignore this mail" in rendered.text and "Sam &lt;E&gt;" in rendered.html


def test_id2_the_delivery_log_withholds_the_link() -> None:
    shown = shown_context(merge_confirmation_plan(EVENT).context)
    assert "token" not in str(shown) and shown["survivor"] == "sam"
