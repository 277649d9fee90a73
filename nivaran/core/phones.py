"""Indian mobile numbers as callers, IVRS systems and apps write them."""

from __future__ import annotations

import re

MOBILE = re.compile(r"^[6-9]\d{9}$")


def mobile_normalise(raw: str) -> str | None:
    """A 10-digit mobile from '+91 98765 43210', '098765-43210' or '9876543210'; else None."""
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("+91"):
        digits = digits[3:]
    elif digits.startswith("91") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    return digits if MOBILE.match(digits) else None


def mobile_mask(mobile: str) -> str:
    """A mobile as logs may show it: '9812345610' -> '98xxxxxx10'. Logs never hold a
    whole mobile number."""
    if len(mobile) <= 4:
        return "x" * len(mobile)
    return f"{mobile[:2]}{'x' * (len(mobile) - 4)}{mobile[-2:]}"
