"""The API's parsers: every body is one object of bounded depth and storable text, or a 400.

They are the only parsers the API uses (`REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`), so no
view sees a bare array, string, number, boolean or null as its body, no body nested deep
enough to exhaust the interpreter's stack (a `RecursionError`) is a 500, and no text a
database cannot hold (NUL, a lone surrogate) reaches a view from any body, JSON or form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No API body needs more than a few levels (a batch of records, a dict of corrections);
# this leaves room and stays far below the interpreter's recursion limit.
MAX_DEPTH = 32

# Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (a lone surrogate, which
# `\ud800` in JSON makes): refused here once rather than failing in a view or renderer.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _strict_constant(value: str) -> Any:
    raise ValueError(f"{value} is not valid JSON")


def _check(value: Any) -> None:
    """Depth and text of a parsed body, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise _too_deep()
            for key, item in node.items():
                if _UNSTORABLE.search(key):
                    raise _unstorable()
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise _too_deep()
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str) and _UNSTORABLE.search(node):
            raise _unstorable()


def _too_deep() -> ParseError:
    return ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")


def _unstorable() -> ParseError:
    return ParseError("JSON parse error - text holds a NUL character or a lone surrogate.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what would otherwise fail later as a 500.

    `parse_error` (400): not JSON, nested deeper than MAX_DEPTH, or text no database
    stores; `invalid` (400): valid JSON that is not an object.
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            "".encode(encoding)  # a text codec; not a compressing one such as bz2_codec
        except (LookupError, UnicodeError):
            raise ParseError(f'Unsupported charset "{encoding}" in the Content-Type.') from None
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_constant=_strict_constant if self.strict else None)
        except RecursionError:
            raise _too_deep() from None
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ParseError(f"JSON parse error - {exc}") from None
        _check(data)
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.", code="invalid")
        return data


def _check_form(data: Any) -> None:
    """A form's field names and values (not its files' content)."""
    for key, values in data.lists():
        if _UNSTORABLE.search(key) or any(
            isinstance(v, str) and _UNSTORABLE.search(v) for v in values
        ):
            raise ParseError("Form parse error - a field holds a NUL character.")


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _check_form(parsed.data)
        return parsed
