"""Blocking keys and the score of a candidate pair: pure functions, no database.

The selectors, the index and the labelled-set evaluation all use these, so what is
measured in docs/duplicates.md is what the API answers.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock
from typing import TYPE_CHECKING

from django.utils import timezone
from rapidfuzz import fuzz, process

from nivaran.duplicates.models import KeyKind
from nivaran.duplicates.normalise import CONCEPT_NAMES, name_form, name_key, text_terms

if TYPE_CHECKING:
    from nivaran.grievances.models import Grievance

# The operating point: candidates at or above it are shown. Chosen on the training
# split of the labelled set (docs/duplicates.md), not on its test split.
THRESHOLD = 0.68
NAME_MATCH = 0.85  # name similarity that counts as "the same name"
TEXT_SIMILAR = 0.5
TERM_MATCH = 85  # rapidfuzz ratio at which two terms are one (a typo)
# Place keys are per month: a draft looks at this month and the months before.
PLACE_MONTHS = 3


@dataclass(frozen=True)
class Fingerprint:
    """What a grievance or a draft is compared by."""

    mobile: str
    name: str  # normalise.name_form
    terms: frozenset[str]
    category_id: int
    area_id: int


@dataclass(frozen=True)
class Match:
    score: float
    reasons: tuple[str, ...]


def fingerprint(
    *, name: str, mobile: str, description: str, category_id: int, area_id: int
) -> Fingerprint:
    return Fingerprint(mobile, name_form(name), text_terms(description), category_id, area_id)


def district_of(area_path: str) -> str:
    """The district part of an area's path ("TS/TS-ONE/TS-ONE-B1/" -> "TS/TS-ONE")."""
    return "/".join(area_path.strip("/").split("/")[:2])


def _month(at: datetime) -> str:
    """The local month of an instant (YYYYMM). Through `_day_offset`: one time-zone
    lookup per UTC day, not one per grievance (bulk registration's keys)."""
    utc = at.astimezone(UTC)
    offset = _day_offset(utc.date(), timezone.get_current_timezone())
    if offset is None:  # the offset changes that day: convert this instant itself
        return f"{timezone.localtime(at):%Y%m}"
    return f"{utc + offset:%Y%m}"


@functools.lru_cache(maxsize=4096)
def _day_offset(day: date, tz: tzinfo) -> timedelta | None:
    """The local time zone's offset over a whole UTC day, or None where it changes that
    day (a DST transition): then local time is UTC + that offset all day long."""
    first = datetime.combine(day, clock.min, tzinfo=UTC)
    last = datetime.combine(day, clock.max, tzinfo=UTC)
    offset = first.astimezone(tz).utcoffset()
    return offset if offset == last.astimezone(tz).utcoffset() else None


def _months_back(at: datetime, months: int) -> list[str]:
    local = timezone.localtime(at)
    year, month = local.year, local.month
    out = []
    for _ in range(months):
        out.append(f"{year:04d}{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def keys_of(
    *, mobile: str, name: str, area_path: str, area_id: int, category_id: int, at: datetime
) -> list[str]:
    """The keys a grievance is stored under: its mobile; its name's key in its district;
    its area x category in the month it was registered."""
    keys = [f"{KeyKind.MOBILE}:{mobile}"]
    if skeleton := name_key(name):
        keys.append(f"{KeyKind.NAME}:{district_of(area_path)}:{skeleton}")
    keys.append(f"{KeyKind.PLACE}:{area_id}:{category_id}:{_month(at)}")
    return keys


def keys_to_look_up(
    *, mobile: str, name: str, area_path: str, area_id: int, category_id: int, at: datetime
) -> list[str]:
    """The keys under which a draft's candidates are stored: as `keys_of`, with the
    place key of each of the last `PLACE_MONTHS` months."""
    keys = keys_of(
        mobile=mobile,
        name=name,
        area_path=area_path,
        area_id=area_id,
        category_id=category_id,
        at=at,
    )[:-1]
    keys += [
        f"{KeyKind.PLACE}:{area_id}:{category_id}:{month}"
        for month in _months_back(at, PLACE_MONTHS)
    ]
    return keys


def may_reach(draft: Fingerprint, mobile: str, name: str, threshold: float) -> bool:
    """Whether a pair could score `threshold` at all: the complaint's part is at most 1,
    so the person's part bounds the score (see `match`). Skips the text of the many
    different people a busy area x category block holds; changes no score."""
    person = 1.0 if draft.mobile and draft.mobile == mobile else name_similarity(draft.name, name)
    return math.sqrt(person) >= threshold


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return fuzz.token_sort_ratio(a, b) / 100.0


def text_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Weighted soft cosine of two term sets: a term counts as shared when the other set
    has it or a spelling of it within `TERM_MATCH` (a typo the lexicon does not know)."""
    if not a or not b:
        return 0.0
    shared = a & b
    rest_b = list(b - shared)
    common = sum(_weight(t) for t in shared)
    for term in a - shared:
        if len(term) >= 4 and rest_b:
            hit = process.extractOne(term, rest_b, scorer=fuzz.ratio, score_cutoff=TERM_MATCH)
            if hit is not None:
                common += min(_weight(term), _weight(hit[0]))
                rest_b.remove(hit[0])
    norm = math.sqrt(sum(_weight(t) for t in a) * sum(_weight(t) for t in b))
    return min(1.0, common / norm)


def _weight(term: str) -> float:
    """A concept the lexicon knows weighs twice a word it does not (a place name, a word
    in one language only), which says less about what the complaint is."""
    return 1.0 if term in CONCEPT_NAMES else 0.5


def match(draft: Fingerprint, other: Fingerprint) -> Match:
    """How likely `other` is the same complainant's same complaint, 0-1, and why.

    The complainant: the same mobile, or the same name in either script or with a slip.
    The complaint: the text's meaning above all, then the category and the area.
    Both must hold, so the score is their geometric mean: a perfect person match with an
    unrelated complaint (or the reverse) stays low."""
    reasons = []
    same_mobile = bool(draft.mobile) and draft.mobile == other.mobile
    names = name_similarity(draft.name, other.name)
    if same_mobile:
        reasons.append("same_mobile")
    if names >= NAME_MATCH:
        reasons.append("name_match")
    person = max(names, 0.9 if same_mobile else 0.0)
    if same_mobile and names >= NAME_MATCH:
        person = 1.0
    same_category = draft.category_id == other.category_id
    same_area = draft.area_id == other.area_id
    text = text_similarity(draft.terms, other.terms)
    if same_area:
        reasons.append("same_area")
    if same_category:
        reasons.append("same_category")
    if text >= TEXT_SIMILAR:
        reasons.append("text_similar")
    complaint = text * (0.7 + 0.2 * same_category + 0.1 * same_area)
    return Match(round(math.sqrt(person * complaint), 3), tuple(reasons))


def grievances_match(a: Grievance, b: Grievance) -> Match:
    """How `b` matches `a` as the same complainant's same complaint, and why: the check
    the workflow's `merge` makes before joining two grievances (M5)."""

    def of(g: Grievance) -> Fingerprint:
        return fingerprint(
            name=g.citizen.name,
            mobile=g.citizen.mobile,
            description=g.description,
            category_id=g.category_id,
            area_id=g.area_id,
        )

    return match(of(a), of(b))
