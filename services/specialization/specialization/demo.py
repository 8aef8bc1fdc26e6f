"""Demo catalog for standalone: the levels and a realistic set of specializations and ATPs (SERVICE.seed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from specialization.domain.catalog import DEFAULT_LEVEL_POINTS, Specialization
from specialization.domain.catalog import Alternative as A
from specialization.tables import specializations
from specialization.use_cases import catalog

if TYPE_CHECKING:
    from partnerhub.service import ServiceRuntime

DEMO_CATALOG = (
    Specialization(
        "ADV-COLLAB-ARCH",
        "Advanced Collaboration Architecture",
        "advanced_architecture",
        {
            "AM": (A(exams=("700-001",)),),
            "SE": (A("CCNP"), A("CQS-IPT-SPEC", ("642-437", "642-447"))),
            "FE": (A("CCNA"), A(exams=("642-437",))),
        },
    ),
    Specialization(
        "ADV-DC-ARCH",
        "Advanced Data Center Architecture",
        "advanced_architecture",
        {
            "AM": (A(exams=("700-101",)),),
            "SE": (A("CCIE"), A("CCNP")),
            "FE": (A("CQS-DCUCI-SPEC", ("642-999",)),),
        },
    ),
    Specialization(
        "ADV-SEC-ARCH",
        "Advanced Security Architecture",
        "advanced_architecture",
        {"AM": (A(exams=("700-201",)),), "SE": (A("CCSP"), A("CCIE")), "FE": (A("CQS-SEC-REP"),)},
    ),
    Specialization(
        "ADV-UF-TECH",
        "Advanced Unified Fabric Technology",
        "advanced_technology",
        {"AM": (A(exams=("700-301",)),), "SE": (A(exams=("642-991", "642-992")),)},
    ),
    Specialization(
        "EXPRESS-FOUNDATION",
        "Express Foundation",
        "express",
        {"AM": (A(exams=("700-501",)),), "SE": (A("CCNA"), A("CCDA"))},
    ),
    Specialization("ATP-TELEPRESENCE", "ATP TelePresence Video Master", "atp", {"SE": (A(exams=("650-123",)),)}),
)


async def seed(runtime: ServiceRuntime) -> None:
    async with runtime.db.engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(specializations)):
            return  # already seeded
    for level, points in DEFAULT_LEVEL_POINTS.items():
        await catalog.put_level(runtime.db, level, points)
    for spec in DEMO_CATALOG:
        await catalog.put_specialization(runtime.db, spec)
