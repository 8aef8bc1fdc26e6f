"""The raw ceiling of ``bench/http_paths.py``: a minimal FastAPI + pydantic + asyncpg app that does, per
request, what a single write of the services must at least do: validate a JSON body, one INSERT of the row
and one INSERT of its outbox event, in one transaction, and answer 201 with the row as JSON.

No auth, no unit of work, no logging: what the services' frameworks cost is what the benchmark compares.
Served with the services' uvicorn flags (uvloop, httptools, no access log), one process:

    CEILING_DSN=postgresql://postgres@127.0.0.1:5432/somedb \\
      .venv/bin/python -m uvicorn http_ceiling:app --app-dir bench --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
from fastapi import FastAPI, status
from pydantic import BaseModel, Field

SCHEMA = """
CREATE TABLE IF NOT EXISTS individuals (
    cco_id text PRIMARY KEY, name text NOT NULL, email text NOT NULL, registered_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, type text NOT NULL, key text NOT NULL,
    payload jsonb NOT NULL, created_at timestamptz NOT NULL, published_at timestamptz
);
"""
POOL: dict[str, asyncpg.Pool] = {}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # the services' engines hold up to 10 + 10 connections
    pool = await asyncpg.create_pool(os.environ["CEILING_DSN"], min_size=10, max_size=20)
    async with pool.acquire() as conn:
        await conn.execute(SCHEMA)
    POOL["db"] = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


class IndividualIn(BaseModel):
    cco_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)


class IndividualOut(IndividualIn):
    registered_at: datetime


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/individuals", status_code=status.HTTP_201_CREATED)
async def register(body: IndividualIn) -> IndividualOut:
    now = datetime.now(UTC)
    event = {"cco_id": body.cco_id, "name": body.name, "email": body.email}
    async with POOL["db"].acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO individuals (cco_id, name, email, registered_at) VALUES ($1, $2, $3, $4)",
            body.cco_id, body.name, body.email, now,
        )
        await conn.execute(
            "INSERT INTO outbox (event_id, type, key, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(), "identity.individual.registered.v1", body.cco_id, json.dumps(event), now,
        )
    return IndividualOut(**event, registered_at=now)
