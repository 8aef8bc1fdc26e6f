"""Demo data for standalone: a few people, registered through the use cases."""

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
    async with runtime.db.engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(individuals)):
            return  # already seeded
    data = json.loads(DEMO_FILE.read_text())
    for person in data["individuals"]:
        await use_cases.register_individual(runtime.db, **person)
