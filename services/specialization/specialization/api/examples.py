"""An example request body for each operation, shown beside its schema in the OpenAPI (``/docs``)."""

from __future__ import annotations

from typing import Any

REQUEST_EXAMPLES: dict[str, Any] = {
    "PUT /v1/levels/{level}": {"points_required": 100},
    "PUT /v1/specializations/{code}": {
        "name": "Advanced Data Center Architecture",
        "level": "advanced_architecture",
        "roles": {
            "AM": [{"exams": ["646-151"]}],
            "SE": [{"certification": "CCIE-RS"}, {"certification": "CCNP"}],
            "FE": [{"certification": "CCNA"}],
        },
    },
    "POST /v1/partners/{be_geo_id}/specializations/{code}/applications": {
        "roles": {"AM": "ada.admin", "SE": "sam.se", "FE": "fay.fe"},
    },
    "PUT /v1/partners/{be_geo_id}/specializations/{code}/roles/{role}": {"cco_id": "fay.fe"},
}
