"""Guards that act on a request before any view or middleware reads its body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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
