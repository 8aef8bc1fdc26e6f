"""What changed between the stored badges and a fresh ``replay``: the events to publish."""

from __future__ import annotations

from collections.abc import Mapping

from certification.domain.badges import BadgeState
from partnerhub.bus.contracts import BadgeAchieved, BadgeExpired, BadgeExtended, BadgeRenewed
from partnerhub.bus.envelope import Event


def same(a: BadgeState, b: BadgeState) -> bool:
    return (
        a.status == b.status
        and a.achieved_on == b.achieved_on
        and a.renewed_on == b.renewed_on
        and a.expires_on == b.expires_on
        and a.extension_reason == b.extension_reason
        and a.version == b.version
    )


def badge_events(
    cco_id: str, stored: Mapping[str, BadgeState], computed: Mapping[str, BadgeState]
) -> list[Event]:
    """Events for the difference. A badge that is already expired when first computed (a historical
    load) publishes nothing: it was never current in this system."""
    events: list[Event] = []
    for code, new in computed.items():
        old = stored.get(code)
        if old is not None and same(old, new):
            continue
        if new.status == "active":
            if old is None or old.achieved_on != new.achieved_on or old.status != "active":
                events.append(
                    BadgeAchieved(
                        cco_id=cco_id, certification=code, kind=new.kind,
                        achieved_on=new.achieved_on, expires_on=new.expires_on, requirements_version=new.version,
                    )
                )
            elif old.renewed_on != new.renewed_on and new.renewed_on is not None:
                events.append(
                    BadgeRenewed(
                        cco_id=cco_id, certification=code, kind=new.kind,
                        renewed_on=new.renewed_on, expires_on=new.expires_on, requirements_version=new.version,
                    )
                )
            elif new.expires_on > old.expires_on:
                events.append(
                    BadgeExtended(
                        cco_id=cco_id, certification=code, kind=new.kind,
                        previous_expires_on=old.expires_on, expires_on=new.expires_on,
                        reason=new.extension_reason or "recomputed",
                    )
                )
        elif old is not None and old.status == "active":
            events.append(
                BadgeExpired(
                    cco_id=cco_id, certification=code, kind=new.kind,
                    expired_on=new.expires_on,
                )
            )
    for code, old in stored.items():
        if code not in computed and old.status == "active":
            # the passes that earned it are gone (catalog change): it no longer holds
            events.append(
                BadgeExpired(
                    cco_id=cco_id, certification=code, kind=old.kind,
                    expired_on=old.expires_on,
                )
            )
    return events
