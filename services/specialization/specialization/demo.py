"""Demo catalog for standalone: the levels and a realistic set of specializations and ATPs (SERVICE.seed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from specialization.domain.catalog import DEFAULT_LEVEL_POINTS, Specialization
from specialization.domain.catalog import Alternative as A
from specialization.settings import SpecializationSettings
from specialization.tables import specializations
from specialization.use_cases import catalog

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

# Every certification code and exam number below is in certification's demo catalog
# (certification/demo_catalog.json), so that demo people can really fill the roles.
DEMO_CATALOG = (
    Specialization(
        "ADV-COLLAB-ARCH",
        "Advanced Collaboration Architecture",
        "advanced_architecture",
        {
            "AM": (A("CQS-IPT-AM"), A(exams=("646-203",))),
            "SE": (A("CCNP"), A("CQS-IPT-DS", ("642-444", "642-432"))),
            "FE": (A("CCNA"), A(exams=("642-444",))),
        },
    ),
    Specialization(
        "ADV-DC-ARCH",
        "Advanced Data Center Architecture",
        "advanced_architecture",
        {
            "AM": (A(exams=("646-151",)),),
            "SE": (A("CCIE-RS"), A("CCNP")),
            "FE": (A("CCNA"),),
        },
    ),
    Specialization(
        "ADV-SEC-ARCH",
        "Advanced Security Architecture",
        "advanced_architecture",
        {
            "AM": (A(exams=("646-151",)),),
            "SE": (A("CCSP"), A("CCIE-RS")),
            "FE": (A("CQS-SEC-SE"), A("CQS-SEC-SPEC", ("642-501", "642-531"))),
        },
    ),
    Specialization(
        "ADV-UF-TECH",
        "Advanced Unified Fabric Technology",
        "advanced_technology",
        {"AM": (A(exams=("646-151",)),), "SE": (A(exams=("642-801", "642-811")),)},
    ),
    Specialization(
        "EXPRESS-FOUNDATION",
        "Express Foundation",
        "express",
        {"AM": (A(exams=("646-151",)),), "SE": (A("CCNA"), A("CCDA"))},
    ),
    Specialization("ATP-TELEPRESENCE", "ATP TelePresence Video Master", "atp", {"SE": (A(exams=("642-642",)),)}),
)


async def seed(runtime: ServiceRuntime) -> None:
    async with runtime.db.engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(specializations)):
            return  # already seeded
    settings = runtime.settings_as(SpecializationSettings)
    today = await runtime.clock.today()
    for level, points in DEFAULT_LEVEL_POINTS.items():
        await catalog.put_level(runtime.db, settings, today, level, points)
    for spec in DEMO_CATALOG:
        await catalog.put_specialization(runtime.db, today, spec.code, spec.name, spec.level, spec.roles, None)
