"""GeoReport v2 bodies in JSON or XML (xml.etree, no extra dependency)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from nivaran.core.errors import DomainError

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# XML element of each item of a list, by the list's element name (per the spec's examples).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES.get(element.tag, "item")), item)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=True))


def respond(fmt: str, root: str, body: Any, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; JSON carries `body` as it is."""
    content = to_xml(root, body) if fmt == XML else json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_items(error: DomainError) -> list[dict[str, Any]]:
    """The spec's error list: one entry per bad field, or the error's own message."""
    fields = error.fields if isinstance(error.fields, Mapping) else {}
    items = []
    for name, messages in fields.items():
        for message in messages if isinstance(messages, list) else [messages]:
            text = str(message)
            if not text.startswith(str(name)):
                text = f"{name}: {text}"
            items.append({"code": error.http_status, "description": text})
    return items or [{"code": error.http_status, "description": error.detail}]


def respond_error(fmt: str, error: DomainError) -> HttpResponse:
    return respond(fmt, "errors", error_items(error), status=error.http_status)
