"""The standalone's banner names the demo people from identity's own demo data, never a second list."""

import json

from identity.demo import DEMO_FILE, demo_people


def test_every_admin_pam_and_staff_member_of_the_demo_data_is_named_with_their_role() -> None:
    data = json.loads(DEMO_FILE.read_text())
    named = dict(demo_people())
    assert {a["cco_id"] for a in data["admins"]} | {p["cco_id"] for p in data["pams"]} <= set(named)
    assert named["ada.admin"] == "partner admin of Acme Networks (100001)"
    assert named["pat.pam"].startswith("partner account manager (PAM) of ")
    assert named["staff.ana"] == "program staff: sees every partner"
    assert named["sam.se"] == "works at Acme Networks (no admin role)"
