"""Benchmark: duplicate candidates (ID-5) over synthetic individuals with planted duplicates.

    .venv/bin/python bench/identity_duplicates.py              # 1,000,000 people
    .venv/bin/python bench/identity_duplicates.py --count 100000

Prints wall time, peak memory (max RSS), precision and recall against the planted pairs.
Target (issue 3): 1,000,000 people in under 60 s and 2 GiB, recall >= 0.95.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from itertools import combinations

from identity.domain.duplicates import DEFAULT_THRESHOLD, DEFAULT_WINDOW, Person, find_duplicates

ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
CODAS = ["", "n", "r", "s", "l", "m", "th", "ck"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)).capitalize()


def _typo(rng: random.Random, name: str) -> str:
    """One realistic slip: a substitution, deletion, transposition, swapped order or a case/space change."""
    kind = rng.randrange(5)
    if kind == 3:
        first, _, last = name.partition(" ")
        return f"{last} {first}"
    if kind == 4:
        return "  " + name.upper() + " "
    chars = list(name)
    spots = [i for i, c in enumerate(chars) if c != " "]
    i = rng.choice(spots[1:-1])
    if kind == 0:
        chars[i] = rng.choice("aeioulnrst")
    elif kind == 1:
        del chars[i]
    else:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def synthesize(count: int, *, duplicate_share: float, seed: int) -> tuple[list[Person], set[tuple[str, str]]]:
    rng = random.Random(seed)
    firsts = list({_word(rng, rng.choice((2, 2, 3))) for _ in range(4000)})
    lasts = list({_word(rng, rng.choice((2, 3, 3))) for _ in range(20000)})
    partners = max(1, count // 20)
    planted_count = int(count * duplicate_share)
    originals = count - planted_count
    people: list[Person] = []
    for i in range(originals):
        first, last = rng.choice(firsts), rng.choice(lasts)
        partner = f"P{rng.randrange(partners):06d}" if rng.random() < 0.9 else None
        people.append(Person(f"cco{i:07d}", f"{first} {last}", f"{first}.{last}{i}@mail{i % 97}.example".lower(), partner))
    planted: set[tuple[str, str]] = set()
    members = [p for p in people if p.be_geo_id is not None]
    for j in range(planted_count):
        cco = f"dup{j:07d}"
        if rng.random() < 0.5:  # the same address, written differently; any partner, maybe another name
            orig = rng.choice(people)
            local, _, domain = orig.email.partition("@")
            email = rng.choice([orig.email.upper(), f" {orig.email} ", f"{local}+old@{domain}"])
            name = orig.name if rng.random() < 0.5 else _typo(rng, orig.name)
            people.append(Person(cco, name, email, orig.be_geo_id))
        else:  # a second ID at the same partner, a near-identical name, another address
            orig = rng.choice(members)
            people.append(Person(cco, _typo(rng, orig.name), f"{cco}@home.example", orig.be_geo_id))
        planted.add((orig.cco_id, cco))
    rng.shuffle(people)
    return people, planted


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000, help="individuals in total (default 1,000,000)")
    parser.add_argument("--small", action="store_true", help="a quick run: 100,000 people")
    parser.add_argument("--duplicates", type=float, default=0.02, help="share of planted duplicates (default 0.02)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="name similarity 0..100")
    parser.add_argument("--window", type=int, default=DEFAULT_WINDOW, help="sorted-neighbourhood window")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    count = 100_000 if args.small else args.count

    started = time.perf_counter()
    people, planted = synthesize(count, duplicate_share=args.duplicates, seed=args.seed)
    generated = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # the rows live for the whole run: keep the collector off them
    rss_before = peak_rss_mib()

    started, cpu = time.perf_counter(), time.process_time()
    groups = find_duplicates(people, threshold=args.threshold, window=args.window)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    found: set[tuple[str, str]] = set()
    for group in groups:
        for a, b in combinations(group.cco_ids, 2):
            found.add((a, b) if a < b else (b, a))
    truth = {(a, b) if a < b else (b, a) for a, b in planted}
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    peak = peak_rss_mib()

    print(f"identity duplicates benchmark  ({count:,} individuals, {len(truth):,} planted duplicates)")
    print(f"  synthetic data      {generated:8.1f} s   (not counted)")
    print(f"  matcher wall time   {elapsed:8.1f} s   target < 60 s")
    print(f"  matcher CPU time    {cpu:8.1f} s   (one core; wall exceeds it when the machine is shared)")
    print(f"  peak memory (RSS)   {peak:8.0f} MiB  (data alone {rss_before:.0f} MiB)  target < 2048 MiB")
    print(f"  candidate groups    {len(groups):8,d}   candidate pairs {len(found):,}")
    print(f"  precision           {precision:8.3f}")
    print(f"  recall              {recall:8.3f}   target >= 0.95")
    ok = elapsed < 60 and peak < 2048 and recall >= 0.95
    print(f"  {'PASS' if ok else 'MISS'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
