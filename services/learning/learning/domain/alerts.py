"""Role alerts as specialization announced them (SP-14, NO-4): which roles of a partner's
specialization are vacant and which fall vacant on a known date. Learning decides none of it; it
shows the latest `specialization.role.vacated` / `specialization.role.at_risk` it projected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any


def live_alerts(alerts: Iterable[Mapping[str, Any]], today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(vacant roles, roles at risk): a role at risk is shown until the day it falls vacant."""
    alerts = [dict(a) for a in alerts]
    vacant = [a for a in alerts if a["kind"] == "vacated"]
    at_risk = [a for a in alerts if a["kind"] == "at_risk" and a["on_date"] > today]
    return vacant, at_risk


def roles_section(alerts: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """The CL View's roles, as the summary page shows them: each vacant or at-risk role with its
    holder (the one who left, or who is leaving), the status and the date."""
    vacant, at_risk = live_alerts(alerts, today)
    rows = [
        {"role": a["role"], "holder": a["cco_id"], "holder_name": a.get("name"), "status": "vacant",
         "vacant_on": a["on_date"], "detail": a.get("detail")}
        for a in vacant
    ] + [
        {"role": a["role"], "holder": a["cco_id"], "holder_name": a.get("name"), "status": "at_risk",
         "vacant_on": a["on_date"], "detail": a.get("detail")}
        for a in at_risk
    ]
    return sorted(rows, key=lambda r: (r["role"], r["vacant_on"], r["holder"]))
