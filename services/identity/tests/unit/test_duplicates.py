"""ID-5: duplicate candidates as pure functions, with blocking (never all pairs)."""

from __future__ import annotations

import identity.domain.duplicates as dup
from identity.domain import normalise_email, normalise_name
from identity.domain.duplicates import Person, find_duplicates, name_key


def test_id5_email_normalisation() -> None:
    assert normalise_email("  John.Smith+Work@Example.COM ") == "john.smith@example.com"
    assert normalise_email("+x@example.com") == "+x@example.com"
    assert normalise_name("  Zoë   O'Neil ") == "zoe oneil"
    assert name_key("Smith, John") == name_key("john  SMITH") == "john smith"


def test_id5_same_email_groups_everyone_sharing_it() -> None:
    people = [
        Person("a", "Ann Lee", "ann@x.example"),
        Person("b", "Totally Different", "ANN@x.example "),
        Person("c", "Third", "ann+cv@x.example"),
        Person("d", "Ann Lee", "other@x.example"),  # same name, no partner: not a candidate
    ]
    [group] = find_duplicates(people)
    assert group.cco_ids == ("a", "b", "c") and group.reason == "same-email" and group.score == 1.0


def test_id5_near_identical_names_only_within_one_partner() -> None:
    people = [
        Person("a1", "Jonathan Smith", "j1@x.example", "P1"),
        Person("a2", "Jonathon Smith", "j2@x.example", "P1"),  # typo
        Person("a3", "Smith Jonathan", "j3@x.example", "P1"),  # swapped order
        Person("b1", "Jonathan Smith", "j4@x.example", "P2"),  # same name, other partner
        Person("c1", "Maria Garcia", "m@x.example", "P1"),
    ]
    groups = find_duplicates(people)
    assert [g.cco_ids for g in groups] == [("a1", "a2", "a3")]
    assert groups[0].reasons == ("similar-name",) and groups[0].be_geo_id == "P1"
    assert 0.9 <= groups[0].score <= 1.0


def test_id5_a_typo_at_the_start_is_found_by_the_reversed_pass() -> None:
    firsts = ["Dora", "Edgar", "Fiona", "Gustav", "Hilde", "Ivan", "Dmitri", "Elena", "Frank", "Greta"]
    filler = [Person(f"f{i}", f"{first} Person", f"f{i}@x.example", "P1") for i, first in enumerate(firsts)]
    people = [Person("x1", "Katherine Johnson", "k1@x.example", "P1"), Person("x2", "Catherine Johnson", "k2@x.example", "P1")]
    groups = find_duplicates(filler + people, window=2)
    assert ("x1", "x2") in [g.cco_ids for g in groups]


def test_id5_different_people_are_not_candidates() -> None:
    people = [
        Person("a", "Ann Lee", "ann@x.example", "P1"),
        Person("b", "Bob Stone", "bob@x.example", "P1"),
        Person("c", "Carla Diaz", "carla@x.example", "P1"),
    ]
    assert find_duplicates(people) == []


def test_id5_blocking_compares_a_bounded_number_of_pairs(monkeypatch) -> None:
    calls = 0
    real = dup.ratio

    def counting(a: str, b: str, score_cutoff: float = 0) -> float:
        nonlocal calls
        calls += 1
        return real(a, b, score_cutoff=score_cutoff)

    monkeypatch.setattr(dup, "ratio", counting)
    n, window = 2000, 4
    people = [Person(f"p{i}", f"Name{i} Person{i * 7919 % 1000}", f"p{i}@x.example", "ONE") for i in range(n)]
    find_duplicates(people, window=window)
    # two passes, at most two scores per compared pair; all pairs would be n(n-1)/2 ≈ 2,000,000
    assert 0 < calls <= 2 * 2 * n * window
