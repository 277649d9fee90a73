"""Domain errors on the officer pages, mapped once: to an error page or to a message."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from nivaran.core.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)  # a page, or a streamed download
View = Callable[Concatenate[HttpRequest, P], R]

TITLES: dict[int, Promise] = {
    400: _("The request could not be accepted."),
    403: _("You cannot open this page."),
    404: _("Not found."),
    409: _("This cannot be done now."),
}
# Why an action failed, by error code; the service's own detail follows it.
REASONS: dict[str, Promise] = {
    "invalid": _("Please correct the form."),
    "permission_denied": _("Your role or jurisdiction does not allow this."),
    "transition_not_allowed": _("This action is not allowed in the grievance's present state."),
    "not_found": _("Not found."),
    "unknown_action": _("There is no such action."),
    "configuration_error": _("The platform's master data cannot serve this request."),
}
# The serializers' messages by code, so that they read in the page's language.
FIELD_ERRORS: dict[str, Promise] = {
    "required": _("This field is required."),
    "blank": _("This field may not be blank."),
    "null": _("This field is required."),
    "invalid": _("Enter a valid value."),
    "invalid_choice": _("Choose one of the listed options."),
    "max_length": _("This is too long."),
}


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The page shown when a domain error ends a request."""
    return render(
        request,
        "web/error.html",
        {
            "title": TITLES.get(exc.http_status, TITLES[400]),
            "reason": REASONS.get(exc.code, ""),
            "detail": exc.detail,
        },
        status=exc.http_status,
    )


def shows_domain_errors(view: View[P, R]) -> View[P, R | HttpResponse]:
    """Turn a DomainError raised by the view into its error page (403, 404, 409, 400)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_page(request, exc)

    return wrapped


def _field_error(error: Any) -> str:
    code = getattr(error, "code", None)
    return str(FIELD_ERRORS[code]) if code in FIELD_ERRORS else str(error)


def field_errors(fields: Any, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, message) pairs from a DomainError's `fields` ({name: [errors]})."""
    if not isinstance(fields, Mapping):
        return []
    pairs = []
    for name, errors in fields.items():
        for error in errors if isinstance(errors, list | tuple) else [errors]:
            pairs.append((labels.get(name, str(name)), _field_error(error)))
    return pairs


def flash_domain_error(
    request: HttpRequest, exc: DomainError, *, labels: Mapping[str, str] | None = None
) -> None:
    """Show a domain error as one page message: why, the detail, then each field's error."""
    reason = REASONS.get(exc.code, TITLES.get(exc.http_status, TITLES[400]))
    pairs = field_errors(exc.fields, labels or {})
    listed = (
        format_html(
            '<ul class="mb-0 mt-1">{}</ul>',
            format_html_join("", "<li><strong>{}</strong>: {}</li>", pairs),
        )
        if pairs
        else ""
    )
    messages.error(
        request,
        format_html('{} <span class="small">{}</span>{}', reason, exc.detail, listed),
    )
