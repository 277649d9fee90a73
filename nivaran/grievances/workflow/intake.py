"""Registration: the start of every grievance, whatever door it came in by."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nivaran.core.rows import insert_rows, reserve_ids
from nivaran.duplicates.services import duplicates_index, duplicates_index_bulk
from nivaran.geo.models import Area
from nivaran.grievances import master, notify
from nivaran.grievances.deadlines import business_calendar, deadlines_for, due_at
from nivaran.grievances.models import (
    Channel,
    Citizen,
    Grievance,
    GrievanceEvent,
    Status,
    citizen_name_key,
)
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.notifications.webhooks import Subscriber, grievance_subscribe
from nivaran.org.models import Post
from nivaran.org.selectors import LevelResolver, nodal_officer_for_department
from nivaran.profiles.loader import Deadlines, Profile, active_profile

REGISTRARS = frozenset(
    {
        Role.CITIZEN,
        Role.TELE_CALLER,
        Role.DATA_ANALYST,
        Role.CMO_GRIEVANCE_CELL,
        Role.DISTRICT_ADMINISTRATION,
        Role.PLATFORM_ADMIN,
        Role.SYSTEM,
    }
)
MOBILE = re.compile(r"^[6-9]\d{9}$")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def detect_language(text: str) -> str:
    return "hi" if DEVANAGARI.search(text) else "en"


INTAKE_KEY_MAX = 120  # Grievance.intake_key


def intake_key(*, door: str, sender: str | int, client_key: str) -> str:
    """The stored key of a client's retry key: namespaced on the server by the door and by
    who sent it, so that no key a client chooses can name another sender's grievance.
    A long client key is kept as its digest so the whole fits the column."""
    prefix = f"{door}:{sender}:"
    if len(prefix) + len(client_key) > INTAKE_KEY_MAX:
        client_key = "sha256=" + hashlib.sha256(client_key.encode()).hexdigest()
    return prefix + client_key


def grievance_number(profile: Profile, registered_at: datetime, pk: int) -> str:
    return f"{profile.state_code}{timezone.localtime(registered_at):%y}{pk:08d}"


@dataclass(frozen=True)
class Routing:
    post: Post | None
    due_at: datetime


def _route(
    *,
    resolver: LevelResolver,
    category: Category,
    area: Area,
    emergency: bool,
    at: datetime,
    profile: Profile,
    calendar: BusinessCalendar,
) -> Routing:
    post = resolver.knows(category).post_for(
        department_id=category.department_id,
        area_path=area.path,
        category_id=category.pk,
        level=1,
    )
    deadlines = deadlines_for(category=category, emergency=emergency, profile=profile)
    return Routing(post, due_at(deadlines=deadlines, level=1, start=at, calendar=calendar))


def _clean(
    *,
    citizen_name: str,
    mobile: str,
    category_code: str,
    area_code: str,
    description: str,
    kind: str | None,
    channel: str,
) -> tuple[Category, Area]:
    errors: dict[str, list[str]] = {}
    if not citizen_name.strip():
        errors["citizen.name"] = ["Give the citizen's name."]
    if not MOBILE.match(mobile):
        errors["citizen.mobile"] = ["Give a 10-digit Indian mobile number starting with 6-9."]
    if len(description.strip()) < 10:
        errors["description"] = ["Describe the grievance in at least 10 characters."]
    if channel not in Channel.values:
        errors["channel"] = [f"Use one of: {', '.join(Channel.values)}."]
    category = master.open_type(category_code)
    if category is None:
        errors["category"] = [f"No open complaint type with code {category_code!r}."]
    elif kind and kind != category.kind:
        errors["kind"] = [f"Category {category_code} takes kind {category.kind!r}, not {kind!r}."]
    area = master.area_by_code(area_code)
    if area is None:
        errors["area"] = [f"No area with code {area_code!r}."]
    if errors:
        raise InvalidInput("The grievance has invalid fields.", fields=errors)
    assert category is not None and area is not None
    return category, area


def grievance_register(
    *,
    actor: User,
    citizen_name: str,
    mobile: str,
    category_code: str,
    area_code: str,
    description: str,
    channel: str,
    kind: str | None = None,
    emergency: bool = False,
    source: str = "",
    language: str | None = None,
    intake_key: str | None = None,
    intake_hash: str = "",
    at: datetime | None = None,
    linked_to: Grievance | None = None,
    subscribers: Sequence[Subscriber] = (),
    extensions: Sequence[Callable[[Grievance], Mapping[str, Any]]] = (),
) -> tuple[Grievance, bool]:
    """Register and route to L1. Returns (grievance, created); a repeated intake key
    returns the grievance it first created. `intake_hash`: a digest of what the request
    asked for, stored with the key; a repeated key with another digest is refused
    (`idempotency_key_reuse`). `linked_to`: the closed grievance this one follows up
    (lodged after the window to reopen that one had passed). `subscribers`:
    webhook endpoints told of this registration and of each later change of status.
    `extensions`: what another bounded context does with the new grievance in the same
    transaction (Right to Service opens its case); each returns what the `register` event
    records of it. A replayed registration runs none of them again."""
    if actor.role not in REGISTRARS:
        raise PermissionDenied("Your role does not register grievances.")
    if actor.role == Role.CITIZEN and not (actor.mobile and actor.mobile == mobile):
        # A citizen speaks only for the mobile they proved; a tele-caller registers for others.
        raise PermissionDenied(
            _("A citizen can lodge grievances only for the mobile number they have proved."),
            fields={"citizen.mobile": [_("Not the mobile number you have proved by OTP.")]},
        )
    # A repeated intake key is found by the unique constraint on the insert below (a
    # retry is rare; a lookup before every registration would cost each one a statement),
    # or here when the retry's body no longer passes: it still gets the first result.
    try:
        category, area = _clean(
            citizen_name=citizen_name,
            mobile=mobile,
            category_code=category_code,
            area_code=area_code,
            description=description,
            kind=kind,
            channel=channel,
        )
    except InvalidInput:
        if intake_key and (existing := _registered_with(intake_key)):
            return _replayed(existing, intake_hash), False
        raise
    at = at or timezone.now()
    profile = active_profile()
    language = language or detect_language(description)
    routing = _route(
        resolver=LevelResolver(),
        category=category,
        area=area,
        emergency=emergency,
        at=at,
        profile=profile,
        calendar=business_calendar(profile),
    )
    try:
        with transaction.atomic():
            citizen = _citizen(name=citizen_name, mobile=mobile, language=language)
            # The id first, so that the number goes in with the row: an UPDATE of it
            # afterwards would write the row and every index of the table twice.
            pk = reserve_ids(Grievance, 1)[0]
            grievance = Grievance.objects.create(
                id=pk,
                number=grievance_number(profile, at, pk),
                citizen=citizen,
                kind=category.kind,
                channel=channel,
                source=source,
                emergency=emergency,
                category=category,
                department=category.department,
                area=area,
                area_path=area.path,
                description=description.strip(),
                language=language,
                status=Status.OPEN,
                level=1,
                assigned_post=routing.post,
                assigned_to=routing.post.holder if routing.post else None,
                due_at=routing.due_at,
                registered_at=at,
                registered_by=actor,
                updated_at=at,
                intake_key=intake_key,
                intake_hash=intake_hash if intake_key else "",
                linked_to=linked_to,
            )
            note = "" if routing.post else "No L1 post is mapped for this category and area."
            recorded: dict[str, Any] = {}
            for extend in extensions:
                recorded.update(extend(grievance))
            GrievanceEvent.objects.create(
                grievance=grievance,
                at=at,
                **GrievanceEvent.by(actor),
                action="register",
                from_status="",
                to_status=grievance.status,
                level=1,
                assigned_to=grievance.assigned_to,
                due_at=grievance.due_at,
                note=note,
                data={
                    "channel": channel,
                    "source": source,
                    "emergency": emergency,
                    **({"linked_to": linked_to.number} if linked_to else {}),
                    **recorded,
                },
            )
            duplicates_index(grievance=grievance, citizen=citizen)
            messages: list[Outgoing] = [notify.to_citizen(grievance, "registered")]
            messages += notify.to_officer(grievance.assigned_to, grievance, "assigned")
            if emergency:
                nodal = nodal_officer_for_department(department_id=category.department_id)
                messages += notify.emergency_alert(nodal.holder if nodal else None, grievance)
            messages_queue(messages=messages, at=at)
            if subscribers:
                grievance_subscribe(grievance=grievance, subscribers=subscribers, at=at)
    except IntegrityError:
        # A retry with the same intake key: the first registration holds it (committed
        # before, or concurrently: the insert waited for it).
        if intake_key and (existing := _registered_with(intake_key)):
            return _replayed(existing, intake_hash), False
        raise
    return grievance, True


def _registered_with(key: str) -> Grievance | None:
    return Grievance.objects.filter(intake_key=key).order_by().first()


def _replayed(existing: Grievance, intake_hash: str) -> Grievance:
    """The grievance a repeated intake key first registered, if the retry asks for the
    same; a key stored before digests were kept (or without one) replays whatever comes."""
    if intake_hash and existing.intake_hash and intake_hash != existing.intake_hash:
        raise TransitionNotAllowed(
            _("This Idempotency-Key was used with a different request."),
            code="idempotency_key_reuse",
        )
    return existing


CITIZEN_INSERTED = ("mobile", "name_key", "name", "language", "created_at")


def _citizen(*, name: str, mobile: str, language: str) -> Citizen:
    """The person's record: one per mobile and name, made once even under concurrent
    registrations (the unique constraint decides; the loser reads the winner's row).

    Registration never links a record to an account: who may act as the citizen follows
    the mobile they prove (see the owner reach of the workflow)."""
    name = " ".join(name.split())  # as Citizen.save keeps it
    key = citizen_name_key(name)
    citizen = Citizen.objects.filter(mobile=mobile, name_key=key).order_by().first()
    if citizen is not None:
        return citizen
    # Insert unless a concurrent registration for the same person just did (no savepoint
    # and no error: the conflict is skipped, and then the winner's row is read).
    new = Citizen(mobile=mobile, name_key=key, name=name, language=language)
    new.created_at = timezone.now()
    fields = [f for f in Citizen._meta.concrete_fields if f.name in CITIZEN_INSERTED]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)  # the model's names, no input
    sql = f"INSERT INTO {quote(Citizen._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    sql += f"({', '.join(['%s'] * len(fields))})"
    sql += " ON CONFLICT (mobile, name_key) DO NOTHING RETURNING id"
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [f.get_db_prep_save(getattr(new, f.attname), connection) for f in fields]
        )
        row = cursor.fetchone()
    if row is None:
        return Citizen.objects.get(mobile=mobile, name_key=key)
    new.pk = row[0]
    new._state.adding = False
    return new


@dataclass(frozen=True)
class BulkItem:
    citizen_id: int
    category: Category
    area: Area
    description: str
    channel: str
    registered_at: datetime
    emergency: bool = False
    source: str = ""


_GRIEVANCE_FIELDS = (
    "id",
    "number",
    "citizen",
    "kind",
    "channel",
    "source",
    "emergency",
    "category",
    "department",
    "area",
    "area_path",
    "description",
    "language",
    "status",
    "level",
    "assigned_post",
    "assigned_to",
    "due_at",
    "is_overdue",
    "registered_at",
    "registered_by",
    "updated_at",
    "intake_hash",
)
EVENT_FIELDS = (
    "grievance",
    "at",
    "actor",
    "actor_role",
    "actor_username",
    "actor_name",
    "action",
    "from_status",
    "to_status",
    "level",
    "assigned_to",
    "due_at",
    "note",
    "data",
)


@dataclass(frozen=True, slots=True)
class _Indexed:
    """What the duplicate index reads of a grievance (duplicates_index_bulk)."""

    pk: int
    citizen_id: int
    description: str
    area_path: str
    area_id: int
    category_id: int
    registered_at: datetime


def grievances_register_bulk(*, items: Sequence[BulkItem], actor: User) -> int:
    """Register many grievances in a few statements (synthetic data, bulk imports).

    Each lands exactly as `grievance_register` would leave it (its number, routing,
    deadline, history event and duplicate index rows); no messages are queued. Rows go
    in as tuples (COPY on PostgreSQL) with ids from the table's sequence, so a
    registration running meanwhile takes its own id; a test keeps the result equal,
    row for row, to registering one by one.
    """
    if not items:
        return 0
    profile = active_profile()
    calendar = business_calendar(profile)
    resolver = LevelResolver.preloaded()
    tz = timezone.get_current_timezone()  # the number's year: one lookup, not one per row
    by = GrievanceEvent.by(actor)
    actor_fields = (actor.pk, by["actor_role"], by["actor_username"], by["actor_name"])
    no_post = "No L1 post is mapped for this category and area."
    # The L1 post depends on (category, area) only; the deadline on (deadlines, instant).
    posts: dict[tuple[int, int], Post | None] = {}
    dues: dict[tuple[Deadlines, datetime], datetime] = {}
    with transaction.atomic():
        ids = reserve_ids(Grievance, len(items))
        grievances: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        indexed: list[_Indexed] = []
        for pk, item in zip(ids, items, strict=True):
            category, area, at = item.category, item.area, item.registered_at
            if (key := (category.pk, area.pk)) not in posts:
                posts[key] = resolver.knows(category).post_for(
                    department_id=category.department_id,
                    area_path=area.path,
                    category_id=category.pk,
                    level=1,
                )
            post = posts[key]
            deadlines = deadlines_for(category=category, emergency=item.emergency, profile=profile)
            if (due_key := (deadlines, at)) not in dues:
                dues[due_key] = due_at(deadlines=deadlines, level=1, start=at, calendar=calendar)
            due = dues[due_key]
            post_id, holder_id = (post.pk, post.holder_id) if post else (None, None)
            grievances.append(
                (
                    pk,
                    f"{profile.state_code}{at.astimezone(tz):%y}{pk:08d}",
                    item.citizen_id,
                    category.kind,
                    item.channel,
                    item.source,
                    item.emergency,
                    category.pk,
                    category.department_id,
                    area.pk,
                    area.path,
                    item.description,
                    detect_language(item.description),
                    Status.OPEN.value,
                    1,
                    post_id,
                    holder_id,
                    due,
                    False,
                    at,
                    actor.pk,
                    at,
                    "",
                )
            )
            events.append(
                (
                    pk,
                    at,
                    *actor_fields,
                    "register",
                    "",
                    Status.OPEN.value,
                    1,
                    holder_id,
                    due,
                    "" if post else no_post,
                    {"channel": item.channel, "source": item.source, "emergency": item.emergency},
                )
            )
            indexed.append(
                _Indexed(pk, item.citizen_id, item.description, area.path, area.pk, category.pk, at)
            )
        insert_rows(Grievance, _GRIEVANCE_FIELDS, grievances)
        insert_rows(GrievanceEvent, EVENT_FIELDS, events)
        duplicates_index_bulk(grievances=indexed)
    return len(grievances)
