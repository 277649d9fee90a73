"""Guards that act on a request before any view or middleware reads its body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than `NIVARAN_MAX_REQUEST_BYTES` with
    413, before the body is read or parsed (CSRF and multipart parsing come later).

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, and
    FILE_UPLOAD_MAX_MEMORY_SIZE only decides between memory and a temporary file, so a
    large upload would otherwise be written to disk in full before `core.files` refuses it.
    Django reads no more of the body than the Content-Length says (none without one), so
    the declared length is what must be checked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.NIVARAN_MAX_REQUEST_BYTES
        if limit and declared_length(request) > limit:
            return too_large(request, limit)
        return self.get_response(request)


def declared_length(request: HttpRequest) -> int:
    """The Content-Length as Django's request reads it: 0 when absent or not a number."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = f"{limit / (1024 * 1024):g}"
    detail = _(
        "The request is larger than %(size)s MB. Attach fewer or smaller files: "
        "each file may be at most 5 MB."
    ) % {"size": megabytes}
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "request_too_large", "detail": detail}, status=413
        )
    else:
        page = render_to_string(
            "core/too_large.html",
            {"detail": detail, "title": _("The upload is too large.")},
            request=request,
        )
        response = HttpResponse(page, status=413)
    return response


class RefuseNulMiddleware:
    """A NUL character in the path (404) or the query string (400) goes no further.

    PostgreSQL cannot hold NUL in text, so one reaching a lookup would fail there as a
    500; no path names anything with one, and no query parameter takes one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No such page.")
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            raise BadRequest("A NUL character in the query string.")
        return self.get_response(request)
