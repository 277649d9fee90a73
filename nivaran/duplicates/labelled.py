"""The labelled duplicate set (B2): pairs a human would call duplicates or not, made
deterministically from `labelled_topics`, and the precision and recall of the matcher on
them. See docs/duplicates.md.

Positives (the same complainant's same complaint, M5's three cases): another phrasing of
the topic (English, other English words, Hindi, Hinglish), with the name in the other
script, with a typing slip, with another mobile, or several at once.
Hard negatives: the same village and category but the other problem of that category
(another person, or the same person by mobile); the same name with another complaint.

Split by source text: whole categories (both their topics, so every phrasing) are in the
training or the test split, never both; the threshold is chosen on training pairs only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from nivaran.duplicates.labelled_topics import NAMES, TOPICS, VILLAGES
from nivaran.duplicates.scoring import THRESHOLD, Fingerprint, fingerprint, keys_of, match

TEST_CATEGORIES = frozenset({"power", "land", "health"})  # 3 of 10, fixed before tuning
VOWEL_SWAPS = (("ee", "i"), ("i", "ee"), ("a", "aa"), ("aa", "a"), ("u", "oo"), ("e", "i"))
DEVANAGARI_SWAPS = (("ी", "ि"), ("ि", "ी"), ("ू", "ु"), ("ु", "ू"), ("ा", ""))


@dataclass(frozen=True)
class Side:
    name: str
    mobile: str
    text: str
    category: str
    village: int


@dataclass(frozen=True)
class Pair:
    a: Side
    b: Side
    duplicate: bool
    case: str  # how the pair was made
    split: str  # train / test


def typo(name: str, rng: random.Random) -> str:
    """One typing slip in one word of a name, in its script."""
    words = name.split()
    i = rng.randrange(len(words))
    word = words[i]
    swaps = DEVANAGARI_SWAPS if any("\u0900" <= ch <= "\u097f" for ch in word) else VOWEL_SWAPS
    options = [(old, new) for old, new in swaps if old in word[1:]]
    kind = rng.randrange(3)
    if options and kind == 0:
        old, new = rng.choice(options)
        at = word.index(old, 1)
        word = word[:at] + new + word[at + len(old) :]
    elif len(word) > 3 and kind == 1:  # a letter typed twice
        at = rng.randrange(1, len(word))
        word = word[:at] + word[at - 1] + word[at:]
    elif len(word) > 4:  # a letter dropped
        at = rng.randrange(1, len(word) - 1)
        word = word[:at] + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def _mobile(rng: random.Random) -> str:
    return str(rng.choice("6789")) + "".join(str(rng.randrange(10)) for _ in range(9))


def _text(category: str, topic: int, phrasing: int, village: int) -> str:
    latin, devanagari = VILLAGES[village]
    return TOPICS[category][topic][phrasing].format(v=latin, vh=devanagari)


def labelled_pairs(*, seed: int = 2026, per_topic: int = 30) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []
    categories = sorted(TOPICS)
    for category in categories:
        split = "test" if category in TEST_CATEGORIES else "train"
        for topic in range(len(TOPICS[category])):
            other_topic = 1 - topic
            for n in range(per_topic):
                person = rng.randrange(len(NAMES))
                script = rng.randrange(2)
                name = NAMES[person][script]
                village = rng.randrange(len(VILLAGES))
                mobile = _mobile(rng)
                i, j = rng.sample(range(4), 2)
                a = Side(name, mobile, _text(category, topic, i, village), category, village)
                # Positives, one of M5's cases in turn (and their combinations).
                case = n % 5
                b_name, b_mobile, label = name, mobile, "paraphrase"
                if case == 1:
                    b_name, label = NAMES[person][1 - script], "other_script"
                elif case == 2:
                    b_name, b_mobile, label = typo(name, rng), _mobile(rng), "typo_other_mobile"
                elif case == 3:
                    b_name, b_mobile = NAMES[person][1 - script], _mobile(rng)
                    label = "other_script_other_mobile"
                elif case == 4:
                    b_name, label = typo(NAMES[person][1 - script], rng), "other_script_typo"
                b = Side(b_name, b_mobile, _text(category, topic, j, village), category, village)
                pairs.append(Pair(a, b, True, label, split))
                # Hard negatives.
                stranger = rng.choice([p for p in range(len(NAMES)) if p != person])
                k = rng.randrange(4)
                other_problem = _text(category, other_topic, k, village)
                neighbour = Side(
                    NAMES[stranger][rng.randrange(2)],
                    _mobile(rng),
                    other_problem,
                    category,
                    village,
                )
                pairs.append(
                    Pair(a, neighbour, False, "same_village_category_other_problem", split)
                )
                same_person = Side(name, mobile, other_problem, category, village)
                pairs.append(Pair(a, same_person, False, "same_mobile_other_problem", split))
                elsewhere = rng.choice([c for c in categories if c != category])
                namesake = Side(
                    NAMES[person][rng.randrange(2)],
                    _mobile(rng),
                    _text(elsewhere, rng.randrange(2), rng.randrange(4), village),
                    elsewhere,
                    village,
                )
                pairs.append(Pair(a, namesake, False, "same_name_other_complaint", split))
    return pairs


def _fingerprint(side: Side) -> Fingerprint:
    return fingerprint(
        name=side.name,
        mobile=side.mobile,
        description=side.text,
        category_id=sorted(TOPICS).index(side.category),
        area_id=side.village,
    )


def _blocked(pair: Pair, at: datetime) -> bool:
    """Would the index bring b up for a? (They share a key: mobile, name in the district,
    or village x category in the month; all villages are in one district here.)"""

    def keys(side: Side) -> set[str]:
        return set(
            keys_of(
                mobile=side.mobile,
                name=side.name,
                area_path="S/D/V/",
                area_id=side.village,
                category_id=sorted(TOPICS).index(side.category),
                at=at,
            )
        )

    return bool(keys(pair.a) & keys(pair.b))


@dataclass(frozen=True)
class Scored:
    pair: Pair
    score: float
    blocked: bool


def scored_pairs(pairs: list[Pair]) -> list[Scored]:
    at = timezone.now()
    return [
        Scored(p, match(_fingerprint(p.a), _fingerprint(p.b)).score, _blocked(p, at)) for p in pairs
    ]


@dataclass(frozen=True)
class Quality:
    pairs: int
    positives: int
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def quality(scored: list[Scored], *, threshold: float = THRESHOLD) -> Quality:
    tp = fp = fn = 0
    for s in scored:
        found = s.blocked and s.score >= threshold
        if found and s.pair.duplicate:
            tp += 1
        elif found:
            fp += 1
        elif s.pair.duplicate:
            fn += 1
    positives = sum(1 for s in scored if s.pair.duplicate)
    return Quality(
        len(scored),
        positives,
        tp / (tp + fp) if tp + fp else 1.0,
        tp / positives if positives else 1.0,
        tp,
        fp,
        fn,
    )


def best_threshold(scored: list[Scored]) -> float:
    """The threshold with the best F1 on these pairs (used on the training split only)."""
    best, best_f1 = THRESHOLD, -1.0
    for step in range(40, 96):
        q = quality(scored, threshold=step / 100)
        f1 = 2 * q.precision * q.recall / (q.precision + q.recall) if q.precision + q.recall else 0
        if f1 > best_f1:
            best, best_f1 = step / 100, f1
    return best
