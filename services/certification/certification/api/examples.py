"""An example request body for each operation, shown beside its schema in the OpenAPI (``/docs``)."""

from __future__ import annotations

from typing import Any

IMPORT_CSV = (
    "external_id,cco_id,exam_number,taken_on,passed\n"
    "vue-1001,sam.se,200-301,2026-02-03,true\n"
    "vue-1002,sam.se,350-401,2026-05-12,true\n"
)
REQUEST_EXAMPLES: dict[str, Any] = {
    "PUT /v1/exams/{number}": {"title": "Building Scalable Cisco Internetworks", "technical": True},
    "PUT /v1/certifications/{code}": {
        "name": "Cisco Certified Network Professional", "kind": "professional",
        "required_exams": [["642-801", "642-811", "642-821", "642-831"]], "prerequisites": ["CCNA"],
        "effective_on": "2027-02-01",
    },
    "POST /v1/exam-results": {
        "external_id": "vue-2026-000123", "cco_id": "sam.se", "exam_number": "640-801",
        "taken_on": "2026-02-03", "passed": True,
    },
    "POST /v1/exam-results/imports": {
        "text/csv": IMPORT_CSV,
        "application/x-ndjson": '{"external_id": "vue-1001", "cco_id": "sam.se", "exam_number": "640-801", '
        '"taken_on": "2026-02-03", "passed": true}\n',
        "multipart/form-data": {"file": "history.csv (the CSV above, or JSON lines)"},
    },
    "POST /v1/individuals/{cco_id}/agreements": {"version": "career-certifications", "signed_on": "2026-03-01"},
    "POST /v1/verifications": {"certificate_number": "PH-7K2M-9Q4T-XB3D"},
    "PUT /v1/certificates/{number}/revocation": {"reason": "Issued in error: the exam result was withdrawn."},
}
