"""Precision and recall of duplicate detection on the labelled set (docs/duplicates.md)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nivaran.duplicates.labelled import (
    best_threshold,
    labelled_pairs,
    quality,
    scored_pairs,
)
from nivaran.duplicates.scoring import THRESHOLD


class Command(BaseCommand):
    help = "Generate the labelled duplicate set (deterministic) and report precision/recall."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--per-topic", type=int, default=30)
        parser.add_argument("--write", help="Also write the pairs as JSON lines to this file")
        parser.add_argument("--errors", action="store_true", help="List the misjudged pairs")

    def handle(self, *args: Any, **options: Any) -> None:
        pairs = labelled_pairs(seed=options["seed"], per_topic=options["per_topic"])
        scored = scored_pairs(pairs)
        if options["write"]:
            with open(options["write"], "w", encoding="utf-8") as out:
                for s in scored:
                    row = {**asdict(s.pair), "score": s.score, "blocked": s.blocked}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        train = [s for s in scored if s.pair.split == "train"]
        test = [s for s in scored if s.pair.split == "test"]
        self.stdout.write(f"threshold in code: {THRESHOLD}; best on train: {best_threshold(train)}")
        self.stdout.write("split  pairs  positives  precision  recall  tp  fp  fn")
        for label, part in (("train", train), ("test", test), ("all", scored)):
            q = quality(part)
            self.stdout.write(
                f"{label:<6} {q.pairs:>5} {q.positives:>10} {q.precision:>10.3f} "
                f"{q.recall:>7.3f} {q.true_positives:>3} {q.false_positives:>3} "
                f"{q.false_negatives:>3}"
            )
        wrong: Counter[str] = Counter()
        for s in scored:
            found = s.blocked and s.score >= THRESHOLD
            if found != s.pair.duplicate:
                wrong[f"{s.pair.split}/{s.pair.case}"] += 1
                if options["errors"]:
                    self.stdout.write(
                        f"  {s.pair.case} {s.score:.3f} blocked={s.blocked}: "
                        f"{s.pair.a.name} | {s.pair.a.text}  <>  {s.pair.b.name} | {s.pair.b.text}"
                    )
        for case, count in sorted(wrong.items()):
            self.stdout.write(f"misjudged {case}: {count}")
