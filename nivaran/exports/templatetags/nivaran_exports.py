"""The Export control of a list's page: `{% export_control "kind" allowed=flag f=v ... %}`.

It posts the list's `kind`, the format pressed, the page's address (to come back to on
an error) and the page's filters as `f_<name>` inputs to `/exports/`. `allowed` is the
page's flag (`exports.kinds.may_export`, computed in the view); a page whose view does
not compute it leaves it out and the tag asks the registry for the signed-in user.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from nivaran.exports.kinds import may_export

register = template.Library()


@register.inclusion_tag("exports/_control.html", takes_context=True)
def export_control(
    context: template.Context, export_kind: str, allowed: bool | None = None, **filters: Any
) -> dict[str, Any]:
    request = context.get("request")
    if allowed is None:
        allowed = may_export(getattr(request, "user", None), export_kind)
    fields = [
        (f"f_{name}", value.isoformat() if isinstance(value, date) else str(value))
        for name, value in filters.items()
        if value not in (None, "")
    ]
    return {
        "allowed": allowed,
        "kind": export_kind,
        "fields": fields,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
