"""CL-10: the CL View's CSV export and JSON body are written without the generic encoders; they must be
the same bytes the generic ones produce (csv.writer over ``cl_view_rows``; FastAPI's jsonable_encoder)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from learning.api.points import csv_response, json_response
from learning.reads.points import PREVIOUS_EMPLOYEE, cl_view_csv, cl_view_rows


def _spec(name: str, people: list, previous: list, *, period: bool = True, outstanding: list | None = None) -> dict:
    return {
        "specialization": name,
        "level": "advanced_architecture",
        "status": "approved",
        "anniversary": date(2026, 12, 31),
        "period": {"start": date(2026, 1, 1), "end": date(2026, 12, 31), "cycle": "2026"} if period else None,
        "points_required": 100,
        "points_earned": 42,
        "points_outstanding": 58,
        "elapsed_fraction": 0.7507,
        "icon": "behind",
        "mandatory_outstanding": outstanding or [],
        "people": people,
        "previous_employees": {"title": PREVIOUS_EMPLOYEE, "total": len(previous), "people": previous},
    }


VIEW = {
    "be_geo_id": "P-1",
    "as_of": date(2026, 10, 1),
    "members": 3,
    "specializations": [
        _spec(
            "ENT",
            [
                {"cco_id": "ann", "name": 'Ann "the, first"', "points": 30},
                {"cco_id": "bo", "name": None, "points": 0},
                {"cco_id": "cé", "name": "Line\nbreak, and ünïcode", "points": -2},
            ],
            [{"cco_id": "x.1", "name": "Former, Employee", "points": 12}],
            outstanding=[
                {"activity_id": "M-1", "title": "One", "points": 1},
                {"activity_id": "M,2", "title": "Two", "points": 2},
            ],
        ),
        _spec("EMPTY", [], []),
        _spec("NOPERIOD", [], [], period=False),
        _spec("ONLY-PREVIOUS", [], [{"cco_id": "zed", "name": "", "points": 5}]),
    ],
}


def _generic_csv(view: dict, titles: bool = False) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(cl_view_rows(view, titles=titles))
    return buffer.getvalue()


def test_cl10_csv_export_is_the_csv_of_the_rows() -> None:
    text = cl_view_csv(VIEW)
    assert text == _generic_csv(VIEW)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 4 + 1 + 1 + 1  # header, ENT's four people, a line each for the other three
    assert rows[3][-4:] == ["current", "cé", "Line\nbreak, and ünïcode", "-2"]
    assert rows[4][8:] == ["M-1 M,2", PREVIOUS_EMPLOYEE, "x.1", "Former, Employee", "12"]
    response = csv_response(VIEW)
    assert response.body == ("\ufeff" + text).encode("utf-8")  # Excel-safe: a byte-order mark first
    assert csv_response(VIEW, bom=False).body == text.encode("utf-8")


def test_cl10_csv_titles_name_the_columns_in_words_over_the_same_lines() -> None:
    keyed, titled = cl_view_csv(VIEW).split("\r\n", 1), cl_view_csv(VIEW, titles=True).split("\r\n", 1)
    assert keyed[1] == titled[1]
    assert titled[0].split(",")[:3] == ["Partner ID", "Specialization", "Status"]
    assert cl_view_csv(VIEW, titles=True) == _generic_csv(VIEW, titles=True)


def test_cl10_csv_cells_that_would_be_formulas_stay_text() -> None:
    """OWASP CSV injection: a name people typed themselves never reaches a spreadsheet as a formula."""
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    people = [{"cco_id": f"p{i}", "name": name, "points": -3} for i, name in enumerate(hostile)]
    view = {**VIEW, "be_geo_id": "=P", "specializations": [_spec("ENT", people, [])]}
    rows = list(csv.reader(io.StringIO(cl_view_csv(view))))
    assert [r[11] for r in rows[1:]] == ["'" + name for name in hostile]
    assert {r[0] for r in rows[1:]} == {"'=P"}
    assert {r[12] for r in rows[1:]} == {"-3"}  # numbers stay numbers
    assert cl_view_csv(view) == _generic_csv(view)


def test_cl10_csv_export_of_a_partner_without_specializations_is_the_header() -> None:
    view = {**VIEW, "specializations": []}
    assert cl_view_csv(view) == _generic_csv(view)


def test_cl10_json_body_is_what_the_generic_encoder_writes() -> None:
    expected = JSONResponse(jsonable_encoder(VIEW))
    got = json_response(VIEW)
    assert got.body == expected.body
    assert got.headers["content-type"] == expected.headers["content-type"]
    assert json.loads(got.body)["as_of"] == "2026-10-01"
