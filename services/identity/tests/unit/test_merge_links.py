"""The merge link's pure rules (ID-2) and one person's duplicates by the ID-5 rule; the settings' refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from identity.domain.duplicates import Person, duplicates_of, find_duplicates
from identity.domain.merge_links import confirm_url, link_state, token_hash
from identity.settings import IdentitySettings

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_id2_link_states() -> None:
    later = NOW + timedelta(hours=1)
    assert link_state("pending", later, NOW) == "pending"
    assert link_state("pending", NOW, NOW) == "expired"  # expires_at itself is too late
    assert link_state("confirmed", NOW - timedelta(days=1), NOW) == "confirmed"
    assert link_state("replaced", later, NOW) == "replaced"


def test_id2_only_a_hash_of_the_token_and_the_link_carries_it_encoded() -> None:
    assert token_hash("abc") == token_hash("abc") != token_hash("abd")
    assert len(token_hash("abc")) == 64 and "abc" not in token_hash("abc")
    assert confirm_url("https://id.example/identity/", "t-_1") == "https://id.example/identity/ui/merge-confirmation?token=t-_1"


def test_id5_duplicates_of_one_person_are_their_group_by_the_same_rule() -> None:
    people = [
        Person("sam", "Sam Engineer", "sam@acme.example", "P1"),
        Person("sam.old", "Sam Enginer", "Sam+old@acme.example", None),
        Person("sam.p", "Sam Engineer", "other@acme.example", "P1"),
        Person("zoe", "Zoe Field", "zoe@acme.example", "P1"),
    ]
    found = {d.cco_id: d for d in duplicates_of("sam", people)}
    assert set(found) == {"sam.old", "sam.p"}
    (group,) = find_duplicates(people)
    assert found["sam.old"].reasons == group.reasons == ("same-email", "similar-name")
    assert duplicates_of("zoe", people) == []


def test_identity_settings_refuse_a_bad_or_missing_public_url_in_production() -> None:
    with pytest.raises(ValueError, match="public_url"):
        IdentitySettings(public_url="ftp://x")
    with pytest.raises(ValueError, match="public_url"):
        IdentitySettings(environment="production", jwt_secret="a-real-production-secret-0123456789abcdef")
    ok = IdentitySettings(
        environment="production", jwt_secret="a-real-production-secret-0123456789abcdef", public_url="https://id.example"
    )
    assert ok.merge_link_ttl_hours == 24
