"""Shared steps of the portal tests."""

from __future__ import annotations

import re

from nivaran.notifications.models import Message

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"
EXE = b"MZ\x90\x00" + b"\x00" * 64


def last_otp(mobile: str) -> str:
    message = Message.objects.filter(to=mobile, purpose="otp").order_by("-id").first()
    assert message is not None, f"no OTP queued for {mobile}"
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)
