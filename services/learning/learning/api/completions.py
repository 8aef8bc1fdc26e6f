"""POST /v1/completions: one completion, or a batch of up to 1,000 (systems and program staff)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends, Response, status
from pydantic import TypeAdapter, ValidationError

from learning.api.access import SETTINGS
from learning.api.schemas import BatchOutcome, CompletionItem, ItemOutcome
from learning.settings import LearningSettings
from learning.use_cases import completions
from learning.use_cases.completions import CompletionIn, ItemResult
from partnerhub.auth import Principal, require_roles
from partnerhub.combine import WriteBatches
from partnerhub.db.uow import Database
from partnerhub.errors import Problem, Unprocessable
from partnerhub.service import ServiceRuntime, runtime_of, today_of

router = APIRouter(prefix="/v1/completions", tags=["completions"])
_item = TypeAdapter(CompletionItem)


def explain(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors()[:5])


def summarise(results: list[ItemResult], received: int) -> BatchOutcome:
    count = lambda s: sum(1 for r in results if r.status == s)  # noqa: E731
    return BatchOutcome(
        received=received,
        earned=count("earned"),
        recorded=count("recorded"),
        already_earned=count("already_earned"),
        duplicates=count("duplicate"),
        rejected=count("rejected"),
        items=[ItemOutcome(**vars(r)) for r in results],
    )


def _validated(raw: list[Any], source: str) -> tuple[list[tuple[int, CompletionIn]], list[ItemResult]]:
    valid: list[tuple[int, CompletionIn]] = []
    bad: list[ItemResult] = []
    for index, data in enumerate(raw):
        try:
            item = _item.validate_python(data)
        except ValidationError as exc:
            external = data.get("external_id") if isinstance(data, dict) and isinstance(data.get("external_id"), str) else None
            bad.append(ItemResult(index, external, "rejected", reason=explain(exc)))
            continue
        valid.append((index, CompletionIn(item.external_id, item.cco_id, item.activity_id, item.action, item.occurred_at, source)))
    return valid, bad


async def apply_items(runtime: ServiceRuntime, today: date, raw: list[Any], source: str) -> list[ItemResult]:
    valid, bad = _validated(raw, source)
    results = await completions.record(runtime.db, today, valid) if valid else []
    return sorted([*results, *bad], key=lambda r: r.index)


async def _record_together(key: tuple[Database, date], items: list[CompletionIn]) -> list[ItemResult]:
    db, today = key
    return await completions.record(db, today, list(enumerate(items)))


# single completions sent at the same time are recorded together, one transaction per batch, in the order
# they arrived, each answered with its own outcome once its batch committed (partnerhub.combine); two with the
# same external id never share a batch, so the later one answers "already received" as it would alone
SINGLE_COMPLETIONS: WriteBatches[tuple[Database, date], CompletionIn, ItemResult] = WriteBatches(_record_together)


async def apply_one(runtime: ServiceRuntime, today: date, raw: dict[str, Any], source: str) -> ItemResult:
    valid, bad = _validated([raw], source)
    if bad:
        return bad[0]
    (_, item), = valid
    result = await SINGLE_COMPLETIONS((runtime.db, today), item, apart=item.external_id)
    return replace(result, index=0)


@router.post(
    "",
    summary="Record completions (systems, program staff): a single object, or {\"items\": [...]} / a JSON array of up to 1,000",
    responses={
        200: {"description": "a batch, or a repeated single completion"},
        201: {"description": "a new single completion"},
        413: {"description": "a batch of more completions than the limit (default 1,000), or a body too large"},
        422: {"description": "a body that is neither a completion nor a batch, or a single completion not accepted"},
    },
)
async def post_completions(
    response: Response,
    body: Any = Body(..., description="a completion, or a batch: {\"items\": [completion, ...]} or [completion, ...]"),
    runtime: ServiceRuntime = Depends(runtime_of),
    today: date = Depends(today_of),
    settings: LearningSettings = Depends(SETTINGS),
    _: Principal = Depends(require_roles("system", "program_staff")),
) -> Any:
    limit = settings.batch_max_items
    batch = body if isinstance(body, list) else body.get("items") if isinstance(body, dict) and "items" in body else None
    if batch is not None:
        if not isinstance(batch, list) or not batch:
            raise Unprocessable("`items` must be a non-empty list of completions.", slug="invalid-batch")
        if len(batch) > limit:
            raise Problem(f"A batch holds at most {limit} completions; got {len(batch)}.", status=413, slug="batch-too-large")
        response.status_code = status.HTTP_200_OK
        return summarise(await apply_items(runtime, today, batch, "api"), len(batch))
    if not isinstance(body, dict):
        raise Unprocessable("Send a completion object, or a batch.", slug="invalid-batch")
    result = await apply_one(runtime, today, body, "api")
    if result.status == "rejected":
        raise Unprocessable(f"The completion was not accepted: {result.reason}", slug="completion-rejected")
    response.status_code = status.HTTP_200_OK if result.status == "duplicate" else status.HTTP_201_CREATED
    return ItemOutcome(**vars(result))
