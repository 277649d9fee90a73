"""The address a request comes from, for the limits on OTPs and sign-in attempts."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: Any) -> str:
    """The client's address as Django sees it: REMOTE_ADDR, or, when CLIENT_IP_HEADER names
    a header the proxy sets (e.g. X-Forwarded-For), the last address in that header (the
    one the proxy itself added; earlier ones come from the client and may be forged). An
    IPv6 address stands for its /64 network, which one subscriber usually holds whole."""
    header = getattr(settings, "NIVARAN_CLIENT_IP_HEADER", "")
    raw = request.META.get(_meta_key(header), "") if header else ""
    candidates = [raw.split(",")[-1].strip()] if raw else []
    candidates.append(str(request.META.get("REMOTE_ADDR", "")).strip())
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(address)
    return "unknown"
