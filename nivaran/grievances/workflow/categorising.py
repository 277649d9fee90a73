"""Moving a pending grievance to another complaint type of its department when the
department reshapes its category tree (H8): the split or merge of a type, done by
`nivaran.catalog.services`, which takes this action on each grievance it moves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput
from nivaran.grievances.workflow.base import Change, Context
from nivaran.grievances.workflow.routing import _reindexed


def recategorise(ctx: Context) -> Change:
    """The department's administrative secretary (or the platform administrator) moves a
    pending grievance to another complaint type of the same department, when its type is
    split or merged (H8). Only the type changes: the level, the assignment and the running
    deadline stay as they are (a department change is `transfer`); the history names the
    old and the new type."""
    g = ctx.grievance
    code = ctx.data["category"]
    new = (
        Category.objects.filter(code=code, is_active=True, selectable=True)
        .select_related("department")
        .first()
    )
    if new is None:
        raise InvalidInput(
            _("No open complaint type with code %(code)s.") % {"code": code},
            fields={"category": [_("Not an open complaint type.")]},
        )
    if new.department_id != g.department_id:
        raise InvalidInput(
            _("Complaint type %(code)s is another department's; that move is a transfer.")
            % {"code": new.code},
            fields={"category": [_("Choose a type of the grievance's own department.")]},
        )
    if new.pk == g.category_id:
        raise InvalidInput(
            _("The grievance already has this type."),
            fields={"category": [_("Choose another type.")]},
        )
    if new.kind != g.kind:
        raise InvalidInput(
            _("Type %(code)s is for a %(kind)s, not a %(own)s.")
            % {"code": new.code, "kind": new.get_kind_display(), "own": g.get_kind_display()},
            fields={"category": [_("Choose a type of the same kind.")]},
        )
    return Change(
        category=new,
        note=ctx.data["reason"],
        data={"from_category": g.category.code, "to_category": new.code},
        writes=[_reindexed],
    )
