"""drf-spectacular hooks: what the generated schema says of every operation."""

from __future__ import annotations

from typing import Any

ERROR = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    "description": "",
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def document_common_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """The errors any operation may answer, whatever its view says, with the API's Error body.

    400: a malformed request (a NUL in the query string, a body Django will not read);
    401: no credentials where the operation needs them, or credentials it does not know;
    415: a body of an undeclared content type, where the operation takes one.
    """
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.get("responses", {})
            codes = ["400"]
            # Any scheme at all: an unknown token is a 401 even where none is needed.
            if any(operation.get("security", [])):
                codes.append("401")
            if "requestBody" in operation:
                codes.append("415")
            for code in codes:
                if code not in responses:
                    responses = _inserted(responses, code)
            operation["responses"] = responses
    return result


def _inserted(responses: dict[str, Any], code: str) -> dict[str, Any]:
    """`code` added before the first larger code, the others kept in their order."""
    items = list(responses.items())
    at = next((i for i, (c, _) in enumerate(items) if c > code), len(items))
    return dict([*items[:at], (code, ERROR), *items[at:]])
