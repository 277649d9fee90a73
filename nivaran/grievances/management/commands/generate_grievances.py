"""A realistic synthetic dataset, in bulk, over the master data already in the database.

Every grievance is registered through `workflow.grievances_register_bulk` (the
only way grievances come into being), in chunks that each commit on their own.
What the generator decides is only what a citizen would: who calls, about what,
where, when, by which channel and in which words.

Registration instants: with `--overdue-share F`, exactly round(F x count)
grievances are registered early enough that their L1 deadline has passed at
`--now` (spread over the `--days` window), and the rest late enough that it has
not (spread between that cut-off and `--now`), so a sweep at `--now` escalates
exactly the first set. Without it, instants are spread over the whole window.
"""

from __future__ import annotations

import random
import time
from array import array
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

import numpy
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.catalog.models import Category
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.partitions import ensure_partitions
from nivaran.core.pipeline import Writer
from nivaran.core.rows import insert_rows, reserve_ids
from nivaran.geo.models import Area
from nivaran.grievances.deadlines import business_calendar, deadlines_for, due_at
from nivaran.grievances.models import Channel, Citizen, citizen_name_key
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk
from nivaran.profiles.loader import Deadlines, active_profile


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Ramesh Suresh Rajesh Mahesh Dinesh Manoj Amit Vikram Sandeep Naresh Satish Ravinder "
    "Jagdish Ombir Balwan Krishan Rakesh Sanjay Pawan Anil Sunil Vijay Deepak Ajay "
    "Mukesh Sunita Kavita Anjali Pooja Rekha Seema Neelam Santosh Kamlesh Savita Geeta "
    "Suman Poonam Manju Babita Sushila Priya Nisha Anita Raj Gurpreet Harjit Baljeet "
    "Mohd.Arif Mohd.Salim Shabnam Rubina Imran Farukh"
)
SURNAMES = _words(
    "Kumar Devi Sharma Singh Yadav Verma Gupta Jangra Saini Malik Dahiya Hooda Rathi "
    "Sangwan Chauhan Kaushik Bansal Garg Goyal Mittal Jain Kaur Khan Qureshi Rani Lamba "
    "Dalal Punia Sihag Godara Panchal Valmiki Chahal"
)

# Devanagari and English templates; the slots vary per grievance.
TEMPLATES_HI = (
    "{category_hi} के संबंध में शिकायत: {place_hi} में {duration_hi} से समस्या बनी हुई है। "
    "{office_hi} में कई बार आवेदन दिया पर कोई कार्रवाई नहीं हुई।",
    "मेरा नाम {name} है। {place_hi} में {category_hi} की समस्या {duration_hi} से है। {plea_hi}",
    "{place_hi} के लोग {category_hi} को लेकर परेशान हैं। {duration_hi} हो गए, "
    "अधिकारी सुनवाई नहीं कर रहे। {plea_hi}",
    "प्रार्थी ने {date} को {office_hi} में आवेदन किया था, {category_hi} का मामला अब तक लंबित है। {plea_hi}",
    "{category_hi}: {place_hi} में {duration_hi} से कोई सुधार नहीं हुआ। कर्मचारी पैसे मांग रहे हैं। {plea_hi}",
)
TEMPLATES_EN = (
    "Complaint regarding {category}: the problem in {place} has continued for {duration}. {plea}",
    "I applied at the {office} on {date} but my {category} case is still pending. {plea}",
    "Residents of {place} have faced {category} issues for {duration}; repeated requests to "
    "officials went unanswered.",
    "{category}: no action in {place} despite visits to the {office} over {duration}. {plea}",
)
DURATIONS = (
    ("two weeks", "दो हफ्ते"),
    ("a month", "एक महीने"),
    ("three months", "तीन महीने"),
    ("six months", "छह महीने"),
    ("a year", "एक साल"),
    ("ten days", "दस दिन"),
)
OFFICES = (
    ("tehsil office", "तहसील कार्यालय"),
    ("block office", "खंड कार्यालय"),
    ("SDM office", "एसडीएम कार्यालय"),
    ("municipal committee", "नगर पालिका"),
    ("district headquarters", "जिला मुख्यालय"),
)
PLEAS = (
    ("Please take action at the earliest.", "कृपया शीघ्र कार्रवाई करें।"),
    ("Kindly resolve this soon.", "कृपया जल्द समाधान करवाएं।"),
    ("I request your urgent help.", "आपसे तुरंत मदद की प्रार्थना है।"),
    ("", "धन्यवाद।"),
)
CHANNELS = (
    (Channel.CALL_CENTRE, 50),
    (Channel.WEB, 22),
    (Channel.OPEN311, 10),
    (Channel.PARTNER, 8),
    (Channel.WALK_IN, 6),
    (Channel.IVRS, 4),
)
SOURCES = {
    Channel.PARTNER: ("CPGRAMS", "Jan Samvad", "Antyodaya Saral"),
    Channel.OPEN311: ("android-app", "ios-app"),
}
# Most registrations come in office and call-centre hours.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 20, 22, 22, 20, 18, 19, 19, 18, 16, 12, 9, 7, 5, 3, 2)
EMERGENCY_SHARE = 0.01
REPEAT_CALLER_SHARE = 0.18
OTHERS_SHARE = 0.07
HINDI_SHARE = 0.65
CALLER_POOL = 200_000  # earlier citizens a repeat caller is drawn from


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk, prepared: its new citizens (id, name, mobile, language, first call) and
    its grievances, which `write` inserts in one transaction."""

    citizens: list[tuple[int, str, str, str, datetime]]
    items: list[BulkItem]


@dataclass(frozen=True, slots=True)
class Plan:
    """What the generator decides for one grievance before it is placed in time."""

    at: int  # registration instant, epoch seconds
    category: int
    emergency: bool
    past_due: bool  # its L1 deadline has passed at `now`


class Plans:
    """Every grievance's plan, in registration order, held compact: three arrays rather
    than a `Plan` object per grievance (at 1,000,000 those were ~100 MB of the
    generator's memory); `chunk` makes the objects of one chunk at a time."""

    def __init__(self, at: array[int], category: array[int], flags: bytearray) -> None:
        self._at, self._category, self._flags = at, category, flags  # flags: 1 emergency, 2 past
        self.past_due = sum(1 for f in flags if f & 2)

    def __len__(self) -> int:
        return len(self._at)

    def chunk(self, start: int, stop: int) -> list[Plan]:
        at, category, flags = self._at, self._category, self._flags
        return [
            Plan(at[i], category[i], bool(flags[i] & 1), bool(flags[i] & 2))
            for i in range(start, min(stop, len(at)))
        ]


def category_weights(categories: Sequence[Category], rng: random.Random) -> list[float]:
    """A few complaint types dominate (Zipf), the 'Others' types take a fixed share."""
    others = [i for i, c in enumerate(categories) if c.is_others]
    regular = [i for i, c in enumerate(categories) if not c.is_others]
    rng.shuffle(regular)
    weights = [0.0] * len(categories)
    regular_share = 1.0 - OTHERS_SHARE if others and regular else 1.0
    zipf = [1.0 / (rank + 1) ** 1.1 for rank in range(len(regular))]
    for rank, i in enumerate(regular):
        weights[i] = regular_share * zipf[rank] / sum(zipf)
    for i in others:
        weights[i] = (1.0 - regular_share) / len(others)
    return weights


def area_weights(areas: Sequence[Area], rng: random.Random) -> list[float]:
    """Districts differ in size; within one, most grievances name a sub-area."""

    def district_of(area: Area) -> str | None:
        parts = area.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else None

    districts = sorted({d for a in areas if (d := district_of(a))})
    size = {d: rng.lognormvariate(0, 0.5) for d in districts}
    inside: dict[str, int] = {}
    for a in areas:
        if (d := district_of(a)) and a.code != d:
            inside[d] = inside.get(d, 0) + 1
    weights = []
    for a in areas:
        d = district_of(a)
        if d is None:  # the state itself: rarely named
            weights.append(0.01 if districts else 1.0)
        elif a.code == d:
            weights.append(size[d] * (0.15 if inside.get(d) else 1.0))
        else:
            weights.append(size[d] * 0.85 / inside[d])
    return weights


def l1_cutoff(*, deadlines: Deadlines, now: datetime, calendar: BusinessCalendar, lo: int) -> int:
    """The last whole second whose registration is past its L1 deadline at `now`.

    The deadline only moves forward with the registration instant, so a binary search finds it.
    """

    def past(ts: int) -> bool:
        start = datetime.fromtimestamp(ts, tz=UTC)
        return due_at(deadlines=deadlines, level=1, start=start, calendar=calendar) <= now

    hi = int(now.timestamp())
    while not past(lo):
        lo -= 30 * 86400
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if past(mid):
            lo = mid
        else:
            hi = mid
    return lo


class Command(BaseCommand):
    help = (
        "Generate synthetic grievances in bulk over the loaded master data, through the "
        "workflow's bulk registration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=365, help="Spread over the last D days.")
        parser.add_argument(
            "--overdue-share",
            type=float,
            default=None,
            help="Fraction registered early enough that the L1 deadline has passed at --now; "
            "the rest are not yet due. Default: spread over the whole window.",
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=20_000,
            help="Grievances per bulk call (one transaction each).",
        )
        parser.add_argument("--now", help="ISO-8601 instant taken as now (default: the clock).")
        parser.add_argument(
            "--sequential",
            action="store_true",
            help="Prepare and write each chunk in turn (PostgreSQL otherwise prepares the "
            "next chunk while a writer thread writes the last).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SYNTHETIC_DATA_ALLOWED:
            raise CommandError(
                "Synthetic grievances are for demo, test and benchmark databases only "
                "(NIVARAN_DEMO_MODE=1 or NIVARAN_TESTING=1)."
            )
        count, days, chunk = options["count"], options["days"], options["chunk"]
        share: float | None = options["overdue_share"]
        if count < 1 or days < 1 or chunk < 1:
            raise CommandError("--count, --days and --chunk must be at least 1")
        if share is not None and not 0.0 <= share <= 1.0:
            raise CommandError("--overdue-share must be between 0 and 1")
        now = self._now(options["now"])
        categories = list(Category.objects.filter(selectable=True, is_active=True).order_by("code"))
        areas = list(Area.objects.order_by("path"))
        if not categories or not areas:
            raise CommandError("No complaint types or areas: load a profile first (load_profile).")
        seed = options["seed"]
        calendar = business_calendar(active_profile())
        started = time.monotonic()
        plans = self._plans(
            count=count,
            seed=seed,
            days=days,
            share=share,
            now=now,
            categories=categories,
            calendar=calendar,
        )
        overdue = plans.past_due
        # PostgreSQL keeps the history and the outbox in monthly partitions: the window's
        # months first, so that past rows land in their month and not in DEFAULT.
        ensure_partitions(now=now, since=now - timedelta(days=days + 1))
        self.stdout.write(
            f"planned {count:,} grievances over {days} days up to {now.isoformat()} "
            f"({overdue:,} past their L1 deadline) in {time.monotonic() - started:.1f}s"
        )
        actor = system_user()
        rng = random.Random(f"{seed}:people")
        a_weights = area_weights(areas, random.Random(f"{seed}:areas"))
        a_cum = _cumulative(a_weights)
        c_cum = _cumulative([w for _, w in CHANNELS])
        callers: list[tuple[int, str, str]] = []  # earlier citizens, who may call again
        # The (mobile, name key) of the citizens of the chunks handed to the writer and
        # perhaps not committed yet: with those, each chunk's citizens are what they would
        # be were every earlier chunk committed (the output does not depend on the overlap).
        pending: deque[set[tuple[str, str]]] = deque(maxlen=3)
        made = citizens = 0

        def prepare(start: int) -> Chunk:
            batch = plans.chunk(start, start + chunk)
            return self._items(batch, categories, areas, a_cum, c_cum, rng, callers, pending)

        def progress(done: int) -> None:
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            self.stdout.write(
                f"  {done:>10,}/{count:,} grievances, {citizens:,} citizens  "
                f"{rate:,.0f}/s  elapsed {elapsed:,.0f}s  eta {(count - done) / rate:,.0f}s"
                if rate
                else f"  {done:,}/{count:,}"
            )
            self.stdout.flush()

        def write(job: Chunk) -> int:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Synthetic data: a crash may lose the last chunks' commits (never their
                    # consistency); not waiting for each chunk's WAL flush saves seconds each.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                citizens_insert(job.citizens)
                return grievances_register_bulk(items=job.items, actor=actor)

        # PostgreSQL: a writer thread, on its own connection, writes each chunk while the
        # next is prepared. Not inside a transaction (a test's), whose rows the writer's
        # connection would not see, and not on SQLite (one writer at a time).
        if self._pipelined(options["sequential"]):
            writer: Writer[Chunk] = Writer(write)
            try:
                for start in range(0, count, chunk):
                    job = prepare(start)
                    citizens += len(job.citizens)
                    writer.put(job)
                    progress(writer.written)
            except BaseException:
                writer.abandon()
                raise
            made = writer.close()
        else:
            for start in range(0, count, chunk):
                with transaction.atomic():
                    job = prepare(start)
                    made += write(job)
                citizens += len(job.citizens)
                progress(made)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"done: {made:,} grievances and {citizens:,} citizens in {elapsed:,.1f}s "
            f"({made / elapsed:,.0f} grievances/s); {overdue:,} past their L1 deadline"
        )

    @staticmethod
    def _pipelined(sequential: bool) -> bool:
        return (
            not sequential and connection.vendor == "postgresql" and not connection.in_atomic_block
        )

    @staticmethod
    def _now(value: str | None) -> datetime:
        if not value:
            return timezone.now().replace(microsecond=0)
        try:
            now = datetime.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--now must be ISO-8601: {exc}") from exc
        return timezone.make_aware(now) if timezone.is_naive(now) else now

    @staticmethod
    def _cutoffs(
        categories: Sequence[Category], now: datetime, calendar: BusinessCalendar, days: int
    ) -> list[tuple[int, int]]:
        """Per complaint type: the L1 cut-off of an ordinary and of an emergency grievance."""
        profile = active_profile()
        lo = int((now - timedelta(days=days)).timestamp())
        by_deadlines: dict[Deadlines, int] = {}

        def cutoff(category: Category, emergency: bool) -> int:
            d = deadlines_for(category=category, emergency=emergency, profile=profile)
            if d not in by_deadlines:
                by_deadlines[d] = l1_cutoff(deadlines=d, now=now, calendar=calendar, lo=lo)
            return by_deadlines[d]

        return [(cutoff(c, False), cutoff(c, True)) for c in categories]

    def _plans(
        self,
        *,
        count: int,
        seed: int,
        days: int,
        share: float | None,
        now: datetime,
        categories: Sequence[Category],
        calendar: BusinessCalendar,
    ) -> Plans:
        """Complaint type, emergency and instant of every grievance, in registration order."""
        picker = random.Random(f"{seed}:categories")
        weights = category_weights(categories, picker)
        chosen = picker.choices(range(len(categories)), cum_weights=_cumulative(weights), k=count)
        emergency = [picker.random() < EMERGENCY_SHARE for _ in range(count)]
        clock_rng = random.Random(f"{seed}:time")
        past = bytearray(count)
        if share is not None:
            for i in clock_rng.sample(range(count), round(share * count)):
                past[i] = 1
        cutoffs = self._cutoffs(categories, now, calendar, days)
        now_ts = int(now.timestamp())
        window = int((now - timedelta(days=days)).timestamp())
        today = now.astimezone(calendar.tz).date()
        hours = _cumulative([float(w) for w in HOUR_WEIGHTS])

        def sampled(latest: int) -> int:
            for _ in range(50):
                day = today - timedelta(days=clock_rng.randrange(days))
                if day.weekday() == 6 and clock_rng.random() > 0.35:
                    continue  # call centres are shut on Sundays: fewer come in
                hour = clock_rng.choices(range(24), cum_weights=hours)[0]
                moment = clock(hour, clock_rng.randrange(60), clock_rng.randrange(60))
                ts = int(datetime.combine(day, moment, tzinfo=calendar.tz).timestamp())
                if window <= ts <= latest:
                    return ts
            return clock_rng.randint(min(window, latest - 86400), latest)

        stamps, flags = array("q", bytes(8 * count)), bytearray(count)
        for i in range(count):
            cutoff = cutoffs[chosen[i]][emergency[i]]
            if share is None:
                ts = sampled(now_ts)
            elif past[i]:
                ts = sampled(cutoff)
            else:
                ts = clock_rng.randint(cutoff + 1, now_ts)
            stamps[i] = ts
            flags[i] = emergency[i] | (ts <= cutoff) << 1
        # Registration order; a stable sort, so equal instants keep their drawing order.
        order = numpy.argsort(numpy.frombuffer(stamps, dtype=numpy.int64), kind="stable")
        return Plans(
            array("q", (stamps[i] for i in order)),
            array("I", (chosen[i] for i in order)),
            bytearray(flags[i] for i in order),
        )

    @staticmethod
    def _items(
        plans: Sequence[Plan],
        categories: Sequence[Category],
        areas: Sequence[Area],
        a_cum: list[float],
        c_cum: list[float],
        rng: random.Random,
        callers: list[tuple[int, str, str]],
        pending: deque[set[tuple[str, str]]],
    ) -> Chunk:
        """The new citizens (with their ids; some grievances are from repeat callers) and
        the bulk items of one chunk. Writes nothing: `citizens_insert` does, then the items."""
        n = len(plans)
        area_of = rng.choices(range(len(areas)), cum_weights=a_cum, k=n)
        channel_of = rng.choices(range(len(CHANNELS)), cum_weights=c_cum, k=n)
        who: list[tuple[int, str, str] | int] = []  # a known caller, or the n-th new one
        fresh: list[tuple[str, str, str, datetime]] = []  # name, mobile, language, first call
        for plan in plans:
            known = len(callers) + len(fresh)
            if known and rng.random() < REPEAT_CALLER_SHARE:
                # A few callers call again and again: favour the earliest ones.
                pick = int(known * rng.random() ** 3)
                who.append(callers[pick] if pick < len(callers) else pick - len(callers))
                continue
            who.append(len(fresh))
            fresh.append(
                (
                    f"{rng.choice(FIRST_NAMES).replace('.', '. ')} {rng.choice(SURNAMES)}",
                    _mobile(rng),
                    "hi" if rng.random() < HINDI_SHARE else "en",
                    datetime.fromtimestamp(plan.at, tz=UTC),
                )
            )
        fresh = _one_per_person(fresh, rng, pending)
        pending.append({(mobile, citizen_name_key(name)) for name, mobile, _l, _a in fresh})
        ids = reserve_ids(Citizen, len(fresh))
        new = [(pk, lang, name) for pk, (name, _m, lang, _a) in zip(ids, fresh, strict=True)]
        callers += new[: max(0, CALLER_POOL - len(callers))]
        items = []
        for i, plan in enumerate(plans):
            person = who[i]
            cid, lang, name = new[person] if isinstance(person, int) else person
            category, area = categories[plan.category], areas[area_of[i]]
            channel = CHANNELS[channel_of[i]][0]
            sources = SOURCES.get(channel)
            at = datetime.fromtimestamp(plan.at, tz=UTC)
            items.append(
                BulkItem(
                    citizen_id=cid,
                    category=category,
                    area=area,
                    description=_description(rng, lang, name, category, area, at),
                    channel=channel,
                    registered_at=at,
                    emergency=plan.emergency,
                    source=rng.choice(sources) if sources else "",
                )
            )
        rows = [(pk, *person) for pk, person in zip(ids, fresh, strict=True)]
        return Chunk(rows, items)


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice('6789')}{rng.randrange(10**9):09d}"


def _one_per_person(
    fresh: list[tuple[str, str, str, datetime]],
    rng: random.Random,
    pending: Iterable[set[tuple[str, str]]] = (),
) -> list[tuple[str, str, str, datetime]]:
    """New citizens with a new mobile where a random one met the same name and mobile,
    in this batch, already stored or `pending` (earlier chunks' citizens perhaps not yet
    committed): a citizen is one row per mobile and name."""
    taken: set[tuple[str, str]] = set()
    for earlier in pending:
        taken |= earlier
    mobiles = sorted({mobile for _n, mobile, _l, _a in fresh})
    for start in range(0, len(mobiles), 5000):
        taken.update(
            Citizen.objects.filter(mobile__in=mobiles[start : start + 5000]).values_list(
                "mobile", "name_key"
            )
        )
    for i, (name, mobile, lang, at) in enumerate(fresh):
        key = citizen_name_key(name)
        while (mobile, key) in taken:
            mobile = _mobile(rng)
        taken.add((mobile, key))
        fresh[i] = (name, mobile, lang, at)
    return fresh


def citizens_insert(rows: Sequence[tuple[int, str, str, str, datetime]]) -> int:
    """Insert citizens (id, name, mobile, language, created_at; ids from `reserve_ids`)
    in the caller's transaction: rows as tuples (COPY on PostgreSQL, executemany on
    SQLite) rather than bulk_create, whose per-value compilation cost more than the insert."""
    return insert_rows(
        Citizen,
        ("id", "name", "name_key", "mobile", "language", "created_at"),
        [
            (pk, name, citizen_name_key(name), mobile, lang, at)
            for pk, name, mobile, lang, at in rows
        ],
    )


def _description(
    rng: random.Random, lang: str, name: str, category: Category, area: Area, at: datetime
) -> str:
    duration, office, plea = rng.choice(DURATIONS), rng.choice(OFFICES), rng.choice(PLEAS)
    applied = (at - timedelta(days=rng.randrange(10, 200))).strftime("%d-%m-%Y")
    if lang == "hi":
        return (
            rng.choice(TEMPLATES_HI)
            .format(
                category_hi=category.name_hi or category.name,
                place_hi=area.name_hi or area.name,
                duration_hi=duration[1],
                office_hi=office[1],
                plea_hi=plea[1],
                date=applied,
                name=name,
            )
            .strip()
        )
    return (
        rng.choice(TEMPLATES_EN)
        .format(
            category=category.name,
            place=area.name,
            duration=duration[0],
            office=office[0],
            plea=plea[0],
            date=applied,
        )
        .strip()
    )


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
