"""Request edges shared by every page and API endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse


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
