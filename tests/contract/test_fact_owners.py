"""ARCHITECTURE.md "One fact, one owner": every write operation of every service's API writes a
fact of the owners' table, and each fact is written through exactly one service's API.

A new write endpoint must name its fact here; a second service taking a write of a fact it only
projects (as specialization once took exam replacements) fails the build."""

from __future__ import annotations

import re
from pathlib import Path

from partnerhub.registry import discover
from partnerhub.service import ServiceRuntime

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# fact -> (its owner, the write operations of it: METHOD path-regex)
FACTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "people, CCO IDs, merges": ("identity", (r"POST /v1/individuals", r"PATCH /v1/individuals/\{cco_id\}", r"POST /v1/individuals/\{cco_id\}/merge")),
    # ID-2 asked by the person: the request, and its confirmation by the mailed link (the merge itself)
    "merge requests and their confirmation": ("identity", (r"POST /v1/individuals/\{cco_id\}/merge-requests", r"POST /v1/merge-confirmations")),
    "grants": ("identity", (r"(PUT|DELETE) /v1/individuals/\{cco_id\}/grants/\{be_geo_id\}",)),
    "partners": ("identity", (r"POST /v1/partners",)),
    "memberships (incl. planned leaves)": ("identity", (r"(PUT|DELETE) /v1/partners/\{be_geo_id\}/members/\{cco_id\}(/planned-leave)?",)),
    "admins and PAMs": ("identity", (r"(PUT|DELETE) /v1/partners/\{be_geo_id\}/admins/\{cco_id\}", r"(PUT|DELETE) /v1/pams/\{cco_id\}/partners/\{be_geo_id\}")),
    "dev tokens (dev and test only)": ("identity", (r"POST /v1/dev/tokens",)),
    "exam numbers and replacements (CE-1)": ("certification", (r"PUT /v1/exams/\{number\}",)),
    "certifications and their kinds": ("certification", (r"PUT /v1/certifications/\{code\}",)),
    "exam results": ("certification", (r"POST /v1/exam-results(/imports)?",)),
    "agreements": ("certification", (r"POST /v1/individuals/\{cco_id\}/agreements",)),
    "certificates and their revocation (CE-3)": ("certification", (r"PUT /v1/certificates/\{number\}/revocation",)),
    "the activity library, what an activity counts for": ("learning", (r"(PUT /v1/activities/\{activity_id\}|POST /v1/activities/\{activity_id\}/publish)",)),
    "completions and ledgers": ("learning", (r"POST /v1/completions", r"(POST|PUT) /v1/xapi/statements", r"POST /v1/proofs(/\{proof_id\}/(accept|reject))?")),
    "xAPI documents (State, Activity and Agent Profiles): an LMS's own data, kept for it": ("learning", (r"(PUT|POST|DELETE) /v1/xapi/(activities/state|activities/profile|agents/profile)",)),
    "LRS client credentials": ("learning", (r"POST /v1/xapi-clients", r"DELETE /v1/xapi-clients/\{key\}")),
    "levels and role requirements": ("specialization", (r"PUT /v1/levels/\{level\}", r"PUT /v1/specializations/\{code\}")),
    "applications, roles, renewals": ("specialization", (r"(POST|PUT) /v1/partners/\{be_geo_id\}/specializations/\{code\}/(applications|roles/\{role\}|renewals)",)),
    "the delivery log": ("notify", (r"POST /v1/notifications/\{notification_id\}/retry",)),
}
EVERY_SERVICE = (r"PUT /v1/admin/today",)  # each service's own clock
QUERIES = (r"POST /v1/verifications",)  # reads sent as a POST (a pasted credential is too long for a URL)


def _writes(tmp_path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, definition in discover().items():
        settings = definition.settings_cls(
            database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db", bus="inprocess", environment="test"
        )
        document = ServiceRuntime(definition, settings).app.openapi()
        found[name] = {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item if m.upper() in WRITES}
    return found


def test_every_write_names_its_fact_and_the_fact_its_one_owner(tmp_path: Path) -> None:
    writes = _writes(tmp_path)
    wrong: list[str] = []
    writers: dict[str, set[str]] = {fact: set() for fact in FACTS}
    for service, operations in writes.items():
        for operation in sorted(operations):
            if any(re.fullmatch(p, operation) for p in (*EVERY_SERVICE, *QUERIES)):
                continue
            facts = [f for f, (_, patterns) in FACTS.items() if any(re.fullmatch(p, operation) for p in patterns)]
            if not facts:
                wrong.append(f"{service}: {operation} writes no fact of the owners' table (add it to FACTS)")
            for fact in facts:
                writers[fact].add(service)
                if FACTS[fact][0] != service:
                    wrong.append(f"{service}: {operation} writes '{fact}', which {FACTS[fact][0]} owns")
    for fact, services in writers.items():
        if services != {FACTS[fact][0]}:
            wrong.append(f"'{fact}' is written by {sorted(services) or 'no service'}, owner {FACTS[fact][0]}")
    assert not wrong, "\n".join(wrong)
