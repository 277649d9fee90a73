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


# Components whose oneOf is a union of alternatives that may overlap: anyOf says so.
# The export's filters are one of the kinds' filter objects, all of whose fields are optional.
ANY_OF = {"ActionInputRequest", "ActionMultipartInputRequest", "ExportFiltersRequest"}


def unions_any_of(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """The generic action path's body is one of the actions' inputs, which the `action`
    parameter names; several take no required field, so a body may fit more than one
    of them: `oneOf` (exactly one) would refuse it, `anyOf` does not."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name in ANY_OF and "oneOf" in component:
            component["anyOf"] = component.pop("oneOf")
    return result


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def bodies_once(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Each request body documented once: as JSON, and as multipart only where that is
    another schema (one with files). The API's parsers read the same fields from a
    urlencoded or multipart form too, as they always have; but a body listed three times
    with one schema leaves a generated client unable to choose how to send it
    (openapi-python-client then sends all three at once)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            content = (
                operation.get("requestBody", {}).get("content", {}) if method in METHODS else {}
            )
            json_body = content.get("application/json")
            if json_body is None:
                continue
            for form in FORMS:
                if form in content and content[form] == json_body:
                    del content[form]
    return result
