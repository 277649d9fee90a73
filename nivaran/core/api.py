"""API plumbing shared by every app: error mapping, pagination, the API's error pages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from nivaran.core.errors import DomainError
from nivaran.core.paging import CappedPaginator


class Pagination(PageNumberPagination):
    """Pages of a list; `count` is exact up to NIVARAN_LIST_COUNT_CAP rows, and beyond it
    is the cap with `count_capped` true (see `nivaran.core.paging`)."""

    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        page = self.page
        response.data["count_capped"] = bool(page and getattr(page.paginator, "capped", False))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["count_capped"] = COUNT_CAPPED_SCHEMA
        return paged


COUNT_CAPPED_DESCRIPTION = (
    "True when the list holds more rows than the count cap (NIVARAN_LIST_COUNT_CAP, "
    "default 10,000): `count` is then the cap, read as 'at least'. Pages past it are "
    "still served; follow `next`."
)
COUNT_CAPPED_SCHEMA = {"type": "boolean", "description": COUNT_CAPPED_DESCRIPTION}


def page_of(name: str, item: serializers.Serializer[Any]) -> serializers.Serializer[Any]:
    """The schema of one page of `item`s, for views whose pagination the schema cannot see
    (a POST that lists, a view paging by hand)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "count_capped": serializers.BooleanField(help_text=COUNT_CAPPED_DESCRIPTION),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


def fields_flat(errors: Any) -> dict[str, list[str]]:
    """Field errors keyed by dotted paths, whatever their nesting: `citizen.mobile` for a
    nested serializer, `records.3.mobile` for the fourth item of a list, `documents.0` for
    a list field's item. Errors not tied to a field are `non_field_errors`."""
    flat: dict[str, list[str]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            if value:
                flat.setdefault(path or "non_field_errors", []).extend(str(v) for v in value)
        elif isinstance(value, list | tuple):
            for i, inner in enumerate(value):
                walk(inner, f"{path}.{i}" if path else str(i))
        else:
            flat.setdefault(path or "non_field_errors", []).append(str(value))

    walk(errors, "")
    return flat


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error leaves the API as JSON with `code` and `detail`."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.detail}
        if exc.fields:
            body["fields"] = fields_flat(exc.fields)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Response(body, status=exc.http_status, headers=headers)
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a body (too big, too many fields or files): a 400 as
        # Django answers them, in the API's shape rather than as an HTML page.
        # Logged as Django logs them, to the security logger.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        too_big = isinstance(exc, RequestDataTooBig)
        return Response(
            {
                "code": "too_large" if too_big else "bad_request",
                "detail": "The request body is too large." if too_big else "Bad request.",
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": "The request has invalid fields.",
            "fields": fields_flat(exc.detail),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
        }
    return response


# --- Django's own error pages, for paths under the API ------------------------------
# A URL the resolver does not match (an unknown path, a non-numeric id where the route
# wants digits) or an error raised outside DRF never reaches the exception handler above;
# under /api/ these answer JSON with `code` and `detail` too, elsewhere Django's pages.

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(code: str, detail: str, status_code: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("bad_request", "Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("permission_denied", "You may not do this.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("not_found", "Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error("server_error", "Server error.", 500)
    return defaults.server_error(request)
