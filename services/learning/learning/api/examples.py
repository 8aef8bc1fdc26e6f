"""An example request body for each operation, shown beside its schema in the OpenAPI (``/docs``)."""

from __future__ import annotations

from typing import Any

COMPLETION = {
    "external_id": "lms-77-4412", "cco_id": "sam.se", "activity_id": "collab-deep-dive",
    "action": "completed", "occurred_at": "2026-03-10T14:30:00Z",
}
STATEMENT = {
    "actor": {"objectType": "Agent", "account": {"homePage": "https://id.cisco.com", "name": "sam.se"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
    "object": {"objectType": "Activity", "id": "https://partnerhub.example/activities/collab-deep-dive"},
    "timestamp": "2026-03-10T14:30:00Z",
}
REQUEST_EXAMPLES: dict[str, Any] = {
    "PUT /v1/activities/{activity_id}": {
        "title": "Collaboration deep dive", "kind": "online_course", "duration_minutes": 600,
        "specializations": ["ADV-COLLAB-ARCH"],
    },
    "POST /v1/completions": [COMPLETION],
    "POST /v1/xapi/statements": STATEMENT,
    "PUT /v1/xapi/statements": STATEMENT,
    "POST /v1/proofs": {
        "cco_id": "sam.se", "event": "Cisco Live Amsterdam 2027", "specialization": "ADV-COLLAB-ARCH",
        "attended_on": "2027-02-10", "file": "badge-scan.pdf (a PDF or image of the attendance proof)",
    },
    "POST /v1/proofs/{proof_id}/accept": {"reason": "badge scan matches the session list"},
    "POST /v1/proofs/{proof_id}/reject": {"reason": "the photo does not show the session"},
    "POST /v1/xapi-clients": {"name": "Acme Moodle", "scopes": ["statements/write", "statements/read/mine", "state"]},
}
