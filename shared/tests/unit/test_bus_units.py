"""Pure parts of the bus: topic matching, envelope round trip, contracts, the AsyncAPI document."""

from __future__ import annotations

import json
from datetime import date

import pytest

from partnerhub.bus.asyncapi import asyncapi_document
from partnerhub.bus.contracts import (
    ALL_EVENTS,
    EVENTS_BY_TYPE,
    IndividualRegistered,
    MembershipStarted,
)
from partnerhub.bus.envelope import Envelope
from partnerhub.bus.transport import topic_matches
from partnerhub.logging import log_context

CORE_TYPES = """identity.partner.registered identity.individual.registered identity.individual.updated
identity.membership.started identity.membership.ended identity.individual.merged identity.grant.changed
identity.admin.assigned identity.admin.removed certification.exam.passed certification.badge.achieved
certification.badge.renewed certification.badge.extended certification.badge.expired certification.reminder.due
learning.activity.published learning.points.earned learning.partner.credited specialization.status.changed
specialization.renewal_window.opened specialization.renewed specialization.grace.started specialization.lost
specialization.reactivated specialization.role.vacated specialization.role.at_risk""".split()


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        ("identity.individual.registered.v1", "identity.individual.registered.v1", True),
        ("identity.*.registered.v1", "identity.partner.registered.v1", True),
        ("identity.#", "identity.membership.started.v1", True),
        ("#", "anything.at.all", True),
        ("identity.*", "identity.membership.started.v1", False),
        ("identity.individual.registered.v1", "identity.individual.registered.v2", False),
        ("*.individual.#", "identity.individual.merged.v1", True),
    ],
)
def test_topic_matching_follows_amqp(pattern: str, key: str, expected: bool) -> None:
    assert topic_matches(pattern, key) is expected


def test_every_core_event_type_of_the_architecture_has_a_v1_contract() -> None:
    assert sorted(t + ".v1" for t in CORE_TYPES) == sorted(t for t in EVENTS_BY_TYPE if t.rsplit(".", 1)[0] in CORE_TYPES)
    for cls in ALL_EVENTS:
        service, *_rest, version = cls.TYPE.split(".")
        assert service in {"identity", "certification", "learning", "specialization"}
        assert version.startswith("v") and version[1:].isdigit()
        assert cls.KEY in cls.model_fields, f"{cls.__name__}.KEY names no field"


def test_envelope_round_trip_carries_the_correlation_id_and_key() -> None:
    with log_context(correlation_id="corr-1"):
        envelope = Envelope.wrap(MembershipStarted(cco_id="ada", be_geo_id="P1", started_on=date(2026, 1, 2)), producer="identity")
    back = Envelope.from_bytes(envelope.to_bytes())
    assert back == envelope
    assert back.correlation_id == "corr-1"
    assert back.key == "ada"
    assert back.type == "identity.membership.started.v1"
    assert MembershipStarted.model_validate(back.payload).started_on == date(2026, 1, 2)


def test_consumers_ignore_fields_added_by_a_minor_version() -> None:
    payload = {"cco_id": "ada", "name": "Ada", "email": "a@x.example", "added_later": 1}
    assert IndividualRegistered.model_validate(payload).cco_id == "ada"


def test_asyncapi_document_lists_produced_and_consumed_channels_with_schemas() -> None:
    doc = asyncapi_document("t", [IndividualRegistered], [MembershipStarted])
    assert doc["asyncapi"].startswith("2.")
    produced = doc["channels"]["identity.individual.registered.v1"]
    consumed = doc["channels"]["identity.membership.started.v1"]
    assert "subscribe" in produced and "publish" not in produced
    assert "publish" in consumed
    assert doc["components"]["schemas"]["IndividualRegistered"]["properties"]["cco_id"]["type"] == "string"
    json.dumps(doc)  # serialisable


async def test_an_ack_that_cannot_be_written_is_given_up_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ack on a connection gone silent waits for a write that never happens: the consumer (its batch
    worker) must not wait with it; the broker redelivers the message and the inbox skips it."""
    import asyncio

    from partnerhub.bus import rabbitmq

    monkeypatch.setattr(rabbitmq, "SETTLE_TIMEOUT_S", 0.05)
    never = asyncio.get_running_loop().create_future()

    async def ack_on_a_silent_connection() -> None:
        await never

    await asyncio.wait_for(rabbitmq._settle(ack_on_a_silent_connection()), 2)  # returns, it does not raise


async def test_stopping_a_consumer_in_the_middle_of_an_ack_stops_it() -> None:
    """A stop cancels the consumer; an ack finishing in that same moment must not swallow the cancel (Python
    3.11's wait_for returned the ack's result instead: the consumer ran on and the stop waited for ever)."""
    import asyncio

    from partnerhub.bus import rabbitmq

    written = asyncio.get_running_loop().create_future()

    async def ack() -> None:
        await written

    settling = asyncio.ensure_future(rabbitmq._settle(ack()))
    await asyncio.sleep(0)  # the ack is waiting for its frame to be written
    written.set_result(None)  # it is written ...
    settling.cancel()  # ... as the stop cancels the consumer
    with pytest.raises(asyncio.CancelledError):
        await settling
