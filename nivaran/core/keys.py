"""API keys for systems (partners, IVRS, Open311 clients): only a hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_new() -> tuple[str, str]:
    """A fresh key and its hash: show the key once, store the hash."""
    raw_key = secrets.token_urlsafe(32)
    return raw_key, api_key_hash(raw_key)
