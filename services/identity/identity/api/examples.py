"""An example request body for each operation, shown beside its schema in the OpenAPI (``/docs``)."""

from __future__ import annotations

from typing import Any

REQUEST_EXAMPLES: dict[str, Any] = {
    "POST /v1/partners": {"be_geo_id": "100009", "name": "Initrode Networks", "country": "NL"},
    "POST /v1/individuals": {"cco_id": "nia.initrode", "name": "Nia Initrode", "email": "nia@initrode.example"},
    "PATCH /v1/individuals/{cco_id}": {"name": "Nia van Initrode"},
    "POST /v1/individuals/{cco_id}/merge": {"retire": ["nia.initrode2"]},
    "POST /v1/individuals/{cco_id}/merge-requests": {"retire": "nia.initrode2"},
    "POST /v1/merge-confirmations": {"token": "q3Zr7dXk1m0uQyH8sVb2cT5nL9wEaP4jR6fG0hKiOxM"},
    "PUT /v1/partners/{be_geo_id}/members/{cco_id}": {"on": "2027-01-15"},
    "DELETE /v1/partners/{be_geo_id}/members/{cco_id}": {"on": "2027-09-01"},
    "POST /v1/dev/tokens": {"sub": "ada.admin", "roles": ["partner_admin"], "admin_of": ["100001"], "ttl_seconds": 3600},
}
