"""The cost of the systemic detector's text clusters for one complaint type, by size.

At 1,000,000 grievances a year, the 12 weeks the clusters read hold about 230,000
grievances; the busiest type of a state holds a tenth of them or less. This builds that
many texts of one type without a database (the labelled duplicate set's topics in their
four ways of writing, each with a few words of its own so that nearly every text is
distinct, as real complaints are) spread evenly over the weeks, and a share of texts
saying one new thing in four districts in the last three weeks; then it times the
normaliser (`text_terms`) and the clustering (`clusters.clusters`), and reads the peak
memory.

    NIVARAN_TESTING=1 .venv/bin/python bench/systemic_clusters.py --sizes 5000 25000 50000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# The new thing, in three ways: not one of the labelled topics.
NEW = (
    "The new smart meter installed at my house is sparking and its wires have melted.",
    "स्मार्ट मीटर लगने के बाद से उसमें चिंगारी निकल रही है और तार पिघल गए हैं।",
    "Naya smart meter lagaya, usme se chingari nikal rahi hai, taar pighal gaye.",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 25_000, 50_000])
    parser.add_argument("--districts", type=int, default=22)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--emerging",
        type=float,
        default=0.005,
        help="share of texts saying one new thing (not among the topics), in 4 districts, "
        "in the last 3 weeks",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    import django

    django.setup()
    from nivaran.duplicates.labelled_topics import TOPICS, VILLAGES
    from nivaran.duplicates.normalise import text_terms
    from nivaran.systemic.clusters import Text, clusters
    from nivaran.systemic.detection import weeks_ending

    week = date(2026, 11, 16)
    weeks = weeks_ending(week, 12)
    topics = [t for ts in TOPICS.values() for t in ts]
    rng = random.Random(args.seed)
    # Words of their own: village names, numbers written out, a few thousand made-up ones.
    own = [f"{a}{b}" for a in ("ka", "ra", "sa", "ma", "pa", "ta") for b in range(600)]
    print("| texts | distinct term sets | text_terms | clusters | found (new texts) | peak RSS |")
    print("|---:|---:|---:|---:|---|---:|")
    for size in args.sizes:
        raw: list[tuple[str, date, str, str]] = []
        for _ in range(size):
            topic = rng.choice(topics)
            village = rng.choice(VILLAGES)
            text = rng.choice(topic).format(v=village[0], vh=village[1])
            text += " " + " ".join(rng.sample(own, 3))
            monday = rng.choice(weeks)
            raw.append((text, monday, f"HR/HR-D{rng.randrange(args.districts)}/", f"G{len(raw)}"))
        for _ in range(round(size * args.emerging)):
            text = rng.choice(NEW) + " " + " ".join(rng.sample(own, 3))
            monday = rng.choice(weeks[-3:])
            raw.append((text, monday, f"HR/HR-D{rng.randrange(4)}/", f"G{len(raw)}"))
        raw.sort(key=lambda r: r[1], reverse=True)
        start = time.perf_counter()
        texts = [Text(terms=text_terms(t), week=w, district=d, number=n) for t, w, d, n in raw]
        normalised = time.perf_counter() - start
        start = time.perf_counter()
        found = clusters(1, texts, week=week)
        clustered = time.perf_counter() - start
        distinct = len({t.terms for t in texts})
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {size:,} | {distinct:,} | {normalised:.1f} s | {clustered:.1f} s | "
            f"{len(found)} ({', '.join(str(f.count) for f in found)}) | {rss:.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
