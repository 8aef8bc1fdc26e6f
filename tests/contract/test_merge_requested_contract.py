"""The contract of ``identity.merge.requested.v1`` (ID-2): identity produces it, only notify reads it (the
link it carries is a secret), and the AsyncAPI documents of both describe it with every field."""

from __future__ import annotations

from partnerhub.bus.asyncapi import asyncapi_document
from partnerhub.bus.contracts import EVENTS_BY_TYPE, MergeRequested
from partnerhub.registry import discover

TYPE = "identity.merge.requested.v1"


def test_id2_merge_requested_is_identitys_and_only_notify_reads_it() -> None:
    assert EVENTS_BY_TYPE[TYPE] is MergeRequested
    services = discover()
    assert [n for n, d in services.items() if MergeRequested in d.produces] == ["identity"]
    # the confirmation link is a credential for the mailbox of the retired ID: no other service binds to it
    assert [n for n, d in services.items() if MergeRequested in d.subscriptions] == ["notify"]


def test_id2_merge_requested_in_the_asyncapi_documents() -> None:
    services = discover()
    identity, notify = services["identity"], services["notify"]
    produced = asyncapi_document("identity", list(identity.produces), list(identity.subscriptions))
    consumed = asyncapi_document("notify", list(notify.produces), list(notify.subscriptions))
    assert "subscribe" in produced["channels"][TYPE] and "publish" in consumed["channels"][TYPE]
    schema = produced["components"]["schemas"]["MergeRequested"]
    assert set(schema["required"]) == {
        "request_id", "survivor", "retire", "requested_by", "requested_on", "expires_at", "confirm_url"
    }
    assert schema["properties"]["expires_at"]["format"] == "date-time"
    assert schema["properties"]["requested_on"]["format"] == "date"
    assert MergeRequested.KEY == "retire"  # the aggregate: the ID whose owner must agree
