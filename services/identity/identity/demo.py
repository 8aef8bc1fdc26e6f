"""Demo data for standalone: partners, people, memberships, an admin, a PAM, a planted duplicate,
all registered through the use cases (so every event is emitted as in real use)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from identity import use_cases
from identity.tables import individuals

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

DEMO_FILE = Path(__file__).parent / "demo_data.json"


async def seed(runtime: ServiceRuntime) -> None:
    db = runtime.db
    async with db.engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(individuals)):
            return  # already seeded
    data = json.loads(DEMO_FILE.read_text())
    today = await runtime.clock.today()
    for partner in data.get("partners", []):
        await use_cases.register_partner(db, **partner)
    for person in data["individuals"]:
        await use_cases.register_individual(db, **person)
    for m in data.get("memberships", []):
        await use_cases.join_partner(db, today=today, cco_id=m["cco_id"], be_geo_id=m["be_geo_id"])
    for a in data.get("admins", []):
        await use_cases.assign_role(db, cco_id=a["cco_id"], be_geo_id=a["be_geo_id"], role="partner_admin")
    for p in data.get("pams", []):
        await use_cases.assign_role(db, cco_id=p["cco_id"], be_geo_id=p["be_geo_id"], role="pam")
    for g in data.get("grants", []):
        await use_cases.grant_access(db, today=today, cco_id=g["cco_id"], be_geo_id=g["be_geo_id"])


def demo_people() -> list[tuple[str, str]]:
    """Who the demo data makes, for the standalone's banner and overview page: each admin, PAM, staff member
    and other member with their role, in the words of the sign-in page."""
    data = json.loads(DEMO_FILE.read_text())
    partners = {p["be_geo_id"]: p["name"] for p in data.get("partners", [])}
    people: list[tuple[str, str]] = [
        (a["cco_id"], f"partner admin of {partners.get(a['be_geo_id'], a['be_geo_id'])} ({a['be_geo_id']})")
        for a in data.get("admins", [])
    ]
    pams: dict[str, list[str]] = {}
    for p in data.get("pams", []):
        pams.setdefault(p["cco_id"], []).append(partners.get(p["be_geo_id"], p["be_geo_id"]))
    people += [(cco_id, f"partner account manager (PAM) of {', '.join(names)}") for cco_id, names in pams.items()]
    people += [(i["cco_id"], "program staff: sees every partner") for i in data["individuals"] if i.get("program_staff")]
    named = {cco_id for cco_id, _ in people}
    people += [
        (m["cco_id"], f"works at {partners.get(m['be_geo_id'], m['be_geo_id'])} (no admin role)")
        for m in data.get("memberships", [])
        if m["cco_id"] not in named
    ]
    return people
