"""Bodies of the self-service endpoints: associations, one's duplicates, merge requests and their links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from identity.api.schemas import CcoId


class AssociationOut(BaseModel):
    be_geo_id: str
    partner_name: str | None
    started_on: date
    ended_on: date | None = Field(description="the first day no longer a member; empty while active")
    leaves_on: date | None = Field(None, description="a planned leave of the active membership")
    active: bool


class AssociationsOut(BaseModel):
    cco_id: str = Field(description="the active CCO ID (a retired one resolves to it)")
    current: AssociationOut | None = Field(description="the active association (at most one, ID-3)")
    associations: list[AssociationOut] = Field(description="every association, newest first, the active one included")


class DuplicateOut(BaseModel):
    cco_id: str
    score: float = Field(description="0..1: 1 for a shared e-mail, else the best name similarity")
    reasons: list[Literal["same-email", "similar-name"]]


class MyDuplicatesOut(BaseModel):
    cco_id: str
    duplicates: list[DuplicateOut] = Field(
        description="CCO IDs the ID-5 rule links to this person (nothing else of them: ask to merge to confirm by mail)"
    )


class MergeRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retire: CcoId = Field(description="one of the person's duplicate CCO IDs; the link goes to its address")


State = Literal["pending", "expired", "confirmed", "replaced"]


class MergeRequestOut(BaseModel):
    id: str
    survivor: str
    retire: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    state: State = Field(description="pending until the link is confirmed, replaced by a newer one, or expires")
    confirmed_at: datetime | None = None


class MergeRequestsOut(BaseModel):
    cco_id: str
    requests: list[MergeRequestOut]


Token = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,100}$")]


class MergeConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Token = Field(description="the token of the mailed link (its `token` query parameter)")


class MergeConfirmationOut(BaseModel):
    """Nothing of the person's profile: the link's holder learns only what the mail already said."""

    request: MergeRequestOut
    newly_retired: list[str] = Field(description="IDs this confirmation retired (empty if staff had merged them already)")
