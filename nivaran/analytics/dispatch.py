"""Sending the week's ranking to the departments and districts (U5, U6).

Each Monday the worker sends every department's nodal officer and heads of department,
and every district's District Magistrate and district nodal officer, one SMS with the
week's standing (rank, score, grade, change) and pending figures, and the link to the
weekly pack. A department or district is sent once per week, however often it runs.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.services import system_user
from nivaran.analytics.models import WeeklyDispatch
from nivaran.analytics.packs import (
    Pack,
    Subject,
    default_week,
    named,
    pack_subjects,
    weekly_pack,
)
from nivaran.analytics.ranking import Period
from nivaran.geo.models import Area
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.org.models import Department, NodalAppointment, NodalScope, Post


def _recipients(subject: Subject) -> list[User]:
    if subject.kind == "department":
        posts = Post.objects.filter(
            department_id=subject.id, is_head_of_department=True, holder__isnull=False
        )
        nodal = NodalAppointment.objects.filter(
            scope=NodalScope.DEPARTMENT, department_id=subject.id
        )
    else:
        posts = Post.objects.filter(
            department__isnull=True, area_id=subject.id, holder__isnull=False
        )
        nodal = NodalAppointment.objects.filter(scope=NodalScope.DISTRICT, district_id=subject.id)
    holders = {p.holder for p in posts.select_related("holder")}
    holders |= {a.post.holder for a in nodal.select_related("post__holder") if a.post.holder}
    return sorted((u for u in holders if u and u.is_active and u.mobile), key=lambda u: u.pk)


def headline(pack: Pack) -> str:
    """The SMS: the week's standing and pending figures, and where the pack is."""
    link = settings.NIVARAN_SITE_URL.rstrip("/") + reverse(
        "analytics:pack", args=[pack.subject.kind, pack.subject.code]
    )
    values = {
        "name": pack.subject.name,
        "start": pack.week.start.strftime("%d.%m"),
        "end": pack.week.end.strftime("%d.%m.%Y"),
        "pending": pack.pending,
        "link": f"{link}?week={pack.week.start.isoformat()}",
    }
    e = pack.standing
    if e is None or e.score is None:
        return _("%(name)s, week %(start)s-%(end)s: not ranked. Pending %(pending)s. "
                 "%(link)s") % values  # fmt: skip
    change = "" if e.score_change is None else f" ({e.score_change:+.2f})"
    return _(
        "%(name)s, week %(start)s-%(end)s: rank %(rank)s of %(of)s (1 = worst), score "
        "%(score)s%(change)s, grade %(grade)s. Pending %(pending)s. %(link)s"
    ) % {
        **values,
        "rank": e.rank,
        "of": pack.standing_of,
        "score": f"{e.score:.2f}",
        "change": change,
        "grade": e.grade,
    }


def weekly_dispatch(*, week: Period | None = None, now: datetime | None = None) -> int:
    """Queue the week's SMS to every department and district not yet sent; the count sent."""
    week = week or default_week()
    now = now or timezone.now()
    actor = system_user()
    sent = 0
    for subject in pack_subjects(actor=actor):
        if WeeklyDispatch.objects.filter(
            kind=subject.kind, code=subject.code, week_start=week.start
        ).exists():
            continue
        people = _recipients(subject)
        messages = []
        for person in people:
            with translation.override(person.preferred_language or "en"):
                pack = weekly_pack(actor=actor, subject=_named(subject), week=week)
                messages.append(
                    Outgoing(MessageChannel.SMS, person.mobile, headline(pack), "weekly_ranking")
                )
        try:
            with transaction.atomic():
                WeeklyDispatch.objects.create(
                    kind=subject.kind, code=subject.code, week_start=week.start,
                    sent_at=now, recipients=len(messages),
                )  # fmt: skip
                messages_queue(messages=messages, at=now)
        except IntegrityError:  # another worker sent it meanwhile
            continue
        sent += len(messages)
    return sent


def _named(subject: Subject) -> Subject:
    """The subject named in the active language (the recipient's)."""
    model = Department if subject.kind == "department" else Area
    obj = model.objects.get(pk=subject.id)
    return Subject(subject.kind, subject.id, subject.code, named(obj))
