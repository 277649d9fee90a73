"""M3: an L1-L3 officer shares a list of grievances over WhatsApp with a subordinate or a
field officer of their own department and area.

The message goes through the WhatsApp gateway (the outbox); the `wa.me` click-to-chat
link is the fallback the officer can open on their own phone. Each grievance's history
records the share through the workflow's door (`share_whatsapp`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from nivaran.grievances.models import Grievance
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.grievances.workflow import grievance_act
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.org.models import Post
from nivaran.org.selectors import Jurisdiction, jurisdiction_covers
from nivaran.profiles.loader import active_profile
from nivaran.shares.models import Share

MAX_GRIEVANCES = 25  # one inbox page: a list a field officer can read on a phone
DESCRIPTION_CHARS = 60


@dataclass(frozen=True)
class ShareResult:
    share: Share
    created: bool  # False: a retry with the same Idempotency-Key found the first share

    @property
    def click_to_chat(self) -> str:
        return click_to_chat(self.share.mobile, self.share.body)


def site_url(request: HttpRequest) -> str:
    """Where the links in the message point: the deployment's SITE_URL, else this host."""
    return str(settings.NIVARAN_SITE_URL or request.build_absolute_uri("/"))


def click_to_chat(mobile: str, body: str) -> str:
    """WhatsApp's click-to-chat link to an Indian mobile with the message filled in."""
    return f"https://wa.me/91{mobile}?text={quote(body)}"


def share_recipients(*, actor: User) -> list[Post]:
    """Posts of the actor's departments inside the areas of the actor's posts, held by
    someone else with a mobile, of a lower rank than the actor's post over them: the
    subordinates and field officers they may share with."""
    own = list(Post.objects.filter(holder=actor).select_related("area", "designation"))
    found: dict[int, Post] = {}
    for mine in own:
        posts = (
            Post.objects.filter(area__path__startswith=mine.area.path, holder__is_active=True)
            .exclude(holder=actor)
            .exclude(holder__mobile="")
            .select_related("holder", "area", "designation")
        )
        if mine.department_id is not None:
            posts = posts.filter(department_id=mine.department_id)
        for post in posts:
            found[post.pk] = post

    # Subordinates: of a lower rank than the actor's own post over them (the field
    # officers, patwari or junior engineer, are the lowest).
    def subordinate(post: Post) -> bool:
        over = [
            m.designation.rank
            for m in own
            if post.area.path.startswith(m.area.path)
            and (m.department_id is None or m.department_id == post.department_id)
        ]
        return bool(over) and post.designation.rank < max(over)

    return sorted(
        (p for p in found.values() if subordinate(p)), key=lambda p: (p.area.path, p.title)
    )


def _recipient(actor: User, code: str) -> Post:
    post = next((p for p in share_recipients(actor=actor) if p.code == code), None)
    if post is None:
        raise InvalidInput(
            _("Post %(code)s is not one you may share with.") % {"code": code},
            fields={
                "recipient": [
                    _(
                        "Choose a post of your department within your area, held by an "
                        "officer with a mobile number."
                    )
                ]
            },
        )
    return post


def _fingerprint(numbers: Sequence[str], recipient: str) -> str:
    data = json.dumps({"grievances": list(numbers), "recipient": recipient}, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


def _message(actor: User, recipient: User, grievances: list[Grievance], link_base: str) -> str:
    with translation.override(recipient.preferred_language or "en"):
        lines = [
            _("%(name)s shared %(count)s grievances with you for quick action:")
            % {"name": actor.get_full_name() or actor.username, "count": len(grievances)}
        ]
        for n, g in enumerate(grievances, start=1):
            text = " ".join(g.description.split())
            if len(text) > DESCRIPTION_CHARS:
                text = text[: DESCRIPTION_CHARS - 1].rstrip() + "…"
            due = timezone.localtime(g.due_at).strftime("%d-%m-%Y") if g.due_at else "-"
            hindi = translation.get_language() == "hi" and g.area.name_hi
            area = g.area.name_hi if hindi else g.area.name
            lines.append(
                _("%(n)s. %(number)s · %(text)s · %(area)s · due %(due)s")
                % {"n": n, "number": g.number, "text": text, "area": area, "due": due}
            )
            lines.append(link_base.rstrip("/") + reverse("web:grievance", args=[g.number]))
    return "\n".join(lines)


def share_whatsapp(
    *,
    actor: User,
    numbers: Sequence[str],
    recipient: str,
    link_base: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> ShareResult:
    """Share the grievances with the holder of the post `recipient`: all of them or none."""
    numbers = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not numbers:
        raise InvalidInput(
            _("Choose the grievances to share."),
            fields={"grievances": [_("At least one grievance number.")]},
        )
    if len(numbers) > MAX_GRIEVANCES:
        raise InvalidInput(
            _("Share at most %(max)s grievances at a time.") % {"max": MAX_GRIEVANCES},
            fields={"grievances": [_("At most %(max)s.") % {"max": MAX_GRIEVANCES}]},
        )
    fingerprint = _fingerprint(numbers, recipient)
    if idempotency_key is not None:
        found = _replayed(actor, idempotency_key, fingerprint)
        if found is not None:
            return ShareResult(found, created=False)
    if not active_profile().rules.get("whatsapp_share"):
        raise TransitionNotAllowed(_("Grievances are not shared over WhatsApp in this state."))
    post = _recipient(actor, recipient)
    holder = post.holder
    assert holder is not None  # share_recipients keeps only held posts
    at = at or timezone.now()
    visible = {
        g.number: g
        for g in grievances_visible_to(actor=actor)
        .filter(number__in=numbers)
        .only("id", "number", "department_id", "area_path")
    }
    missing = [n for n in numbers if n not in visible]
    if missing:
        raise NotFound(_("No grievance %(numbers)s.") % {"numbers": ", ".join(missing)})
    # The recipient's own post must cover each grievance: a list goes to who can act on it.
    theirs = [Jurisdiction(department_id=post.department_id, area_path=post.area.path)]
    outside = [
        n
        for n in numbers
        if not jurisdiction_covers(
            theirs, department_id=visible[n].department_id, area_path=visible[n].area_path
        )
    ]
    if outside:
        raise InvalidInput(
            _("%(numbers)s lie outside the post %(post)s.")
            % {"numbers": ", ".join(outside), "post": post.title},
            fields={"grievances": [_("Share only what the recipient's post covers.")]},
        )
    try:
        with transaction.atomic():
            share = Share.objects.create(
                at=at,
                actor=actor,
                recipient_post=post,
                recipient=holder,
                mobile=holder.mobile,
                numbers=numbers,
                body="",
                idempotency_key=idempotency_key,
                request_hash=fingerprint if idempotency_key else "",
            )
            shared = [
                grievance_act(
                    grievance_id=visible[n].pk,
                    actor=actor,
                    action="share_whatsapp",
                    data={"recipient": post.code, "share": share.pk},
                    at=at,
                )
                # Locked in id order: two shares of overlapping lists cannot deadlock.
                for n in sorted(numbers, key=lambda n: visible[n].pk)
            ]
            shared.sort(key=lambda g: numbers.index(g.number or ""))
            share.body = _message(actor, holder, shared, link_base)
            share.save(update_fields=["body"])
            messages_queue(
                messages=[
                    Outgoing(MessageChannel.WHATSAPP, holder.mobile, share.body, "share_whatsapp")
                ],
                at=at,
            )
    except IntegrityError:
        # The same key raced in from a retry: the first one's share is the answer.
        if idempotency_key is None:
            raise
        found = _replayed(actor, idempotency_key, fingerprint)
        if found is None:
            raise
        return ShareResult(found, created=False)
    return ShareResult(share, created=True)


def _replayed(actor: User, key: str, fingerprint: str) -> Share | None:
    found = Share.objects.filter(actor=actor, idempotency_key=key).first()
    if found is not None and found.request_hash != fingerprint:
        raise TransitionNotAllowed(
            _("This Idempotency-Key was used with a different request."),
            code="idempotency_key_reuse",
        )
    return found
