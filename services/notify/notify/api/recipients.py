"""Recipients: the address notify will use for a person (program staff, systems)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from notify import use_cases
from partnerhub.auth import Principal, require_roles
from partnerhub.db.uow import Database
from partnerhub.service import database_of

router = APIRouter(prefix="/v1/recipients", tags=["recipients"])


class RecipientOut(BaseModel):
    cco_id: str
    name: str
    email: str
    updated_at: datetime


@router.get("/{cco_id}", summary="The address mail to this person goes to")
async def read_recipient(
    cco_id: str = Path(max_length=64),
    db: Database = Depends(database_of),
    _: Principal = Depends(require_roles("program_staff", "system")),
) -> RecipientOut:
    return RecipientOut(**asdict(await use_cases.get_recipient(db, cco_id)))
