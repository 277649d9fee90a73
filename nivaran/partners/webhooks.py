"""A partner's webhook (W4, B6): its URL and secret, and the reads of its delivery log.

The pushing itself is the outbox's (`notifications/webhooks.py`): a partner's endpoint
is subscribed to each grievance accepted from its records, and every change of the
grievance's status is queued there in the transaction of the change.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.core.errors import InvalidInput, NotFound
from nivaran.notifications.models import Message, MessageChannel, WebhookEndpoint
from nivaran.notifications.webhooks import webhook_secret_new
from nivaran.partners.models import Partner

URL_MAX = 500


def partner_webhook_endpoint(*, partner: Partner) -> WebhookEndpoint:
    """The partner's endpoint row, made once (without a URL) under the partner's lock."""
    if partner.webhook_id is not None:
        assert partner.webhook is not None
        return partner.webhook
    with transaction.atomic():
        locked = (
            Partner.objects.select_for_update(of=("self",))
            .select_related("webhook")
            .get(pk=partner.pk)
        )
        if locked.webhook is None:
            locked.webhook = WebhookEndpoint.objects.create()
            locked.save(update_fields=["webhook"])
    partner.webhook = locked.webhook
    return locked.webhook


def webhook_url_clean(url: str) -> str:
    """An absolute http(s) URL with a host, no user:password, at most 500 characters; a
    literal loopback or private address is refused unless WEBHOOK_ALLOW_PRIVATE."""
    url = url.strip()
    problem = None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts, host, problem = None, "", _("Not a URL.")
    if problem is None:
        if len(url) > URL_MAX:
            problem = _("At most %(n)s characters.") % {"n": URL_MAX}
        elif parts is None or parts.scheme not in ("http", "https") or not host:
            problem = _("Give an absolute http:// or https:// URL.")
        elif parts.username or parts.password:
            problem = _("Leave credentials out of the URL; verify our signature instead.")
        elif not settings.NIVARAN_WEBHOOK_ALLOW_PRIVATE and _private(host):
            problem = _("The URL must reach a public address.")
    if problem:
        raise InvalidInput(_("The webhook URL is not usable."), fields={"url": [problem]})
    return url


def _private(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False  # a name: checked again when delivering


@dataclass(frozen=True)
class WebhookSet:
    endpoint: WebhookEndpoint
    created: bool
    # The raw secret, only when new or rotated: it is not shown again.
    secret: str | None


def partner_webhook_set(*, partner: Partner, url: str, rotate_secret: bool = False) -> WebhookSet:
    """Register or change the partner's webhook URL. The first registration (and a
    rotation) issues a new secret; changing the URL keeps the secret. Deliveries still
    queued go to the new URL."""
    url = webhook_url_clean(url)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(
            pk=partner_webhook_endpoint(partner=partner).pk
        )
        created = not endpoint.url
        secret = None
        if created or rotate_secret or not endpoint.secret:
            secret = webhook_secret_new()
            endpoint.secret = secret
            endpoint.secret_set_at = timezone.now()
        endpoint.url = url
        endpoint.save()
    return WebhookSet(endpoint, created, secret)


def partner_webhook_get(*, partner: Partner) -> WebhookEndpoint:
    endpoint = partner.webhook
    if endpoint is None or not endpoint.url:
        raise NotFound(_("You have registered no webhook."))
    return endpoint


def partner_webhook_remove(*, partner: Partner) -> None:
    """Stop pushing: the URL and the secret are forgotten; queued deliveries fail as
    removed. The delivery log stays readable."""
    endpoint = partner_webhook_get(partner=partner)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            url="", secret="", secret_set_at=None, updated_at=timezone.now()
        )


def partner_webhook_deliveries(*, partner: Partner, status: str | None = None) -> QuerySet[Message]:
    """The partner's webhook deliveries, newest first; nobody else's."""
    if partner.webhook_id is None:
        return Message.objects.none()
    qs = Message.objects.filter(
        channel=MessageChannel.WEBHOOK, endpoint_id=partner.webhook_id
    ).select_related("grievance")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")
