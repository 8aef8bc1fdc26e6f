"""The program's catalog as demo data (CE-2): career certifications, the Sales Expert and CQS badges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from certification.domain.catalog import CertificationDef, ExamDef
from certification.settings import CertificationSettings
from certification.tables import certification_versions
from certification.use_cases import catalog

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

DEMO_FILE = Path(__file__).parent / "demo_catalog.json"


async def seed(runtime: ServiceRuntime) -> None:
    async with runtime.db.engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(certification_versions)):
            return  # already seeded
    settings = runtime.settings_as(CertificationSettings)
    today = await runtime.clock.today()
    data = json.loads(DEMO_FILE.read_text())
    for exam in data["exams"]:
        await catalog.put_exam(runtime.db, today, ExamDef(**exam))
    for cert in data["certifications"]:
        await catalog.put_certification(
            runtime.db,
            today,
            CertificationDef(
                code=cert["code"],
                name=cert["name"],
                kind=cert["kind"],
                required_exams=tuple(tuple(a) for a in cert["required_exams"]),
                prerequisites=tuple(cert.get("prerequisites", ())),
                validity_months=cert.get("validity_months") or settings.default_validity(cert["kind"]),
            ),
        )
