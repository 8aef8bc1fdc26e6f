"""Duplicate candidates (ID-5), for program staff to ask people to merge."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from identity import use_cases
from identity.api.schemas import CandidateGroupOut, DuplicatesOut
from partnerhub.auth import Principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.pagination import Page, paging
from partnerhub.service import database_of

router = APIRouter(prefix="/v1/duplicates", tags=["duplicates"])


@router.get("", summary="Likely duplicate CCO IDs: same e-mail, near-identical names within a partner (ID-5)")
async def duplicates(
    min_score: float = Query(0.9, ge=0.5, le=1.0, description="name similarity threshold (0..1)"),
    page: Page = Depends(paging),
    db: Database = Depends(database_of),
    _: Principal = Depends(require_roles("program_staff")),
) -> DuplicatesOut:
    groups = await use_cases.duplicate_candidates(db, threshold=min_score * 100)
    return DuplicatesOut(
        total=len(groups),
        groups=[
            CandidateGroupOut(
                cco_ids=list(g.cco_ids), score=g.score, reason=g.reason, reasons=list(g.reasons), be_geo_id=g.be_geo_id
            )
            for g in page.of(groups)
        ],
    )
