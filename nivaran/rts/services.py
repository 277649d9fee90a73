"""Right to Service's writes: a grievance's case in the Auto Appeal System (H1, H2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput
from nivaran.grievances.models import Grievance
from nivaran.org.selectors import nodal_officer_for_department
from nivaran.profiles.loader import active_profile
from nivaran.rts.models import NotifiedService, RtsCase, Stage
from nivaran.rts.selectors import rts_enabled

CALL_WITHIN = timedelta(days=30)  # H3: "within 30 days of receiving the complaint"


def case_opener(*, code: str, category_code: str) -> Callable[[Grievance], Mapping[str, Any]]:
    """What registration runs for a grievance about notified service `code`: checked
    here, before anything is written (an unknown or withdrawn service, one of another
    department than the complaint type's, Right to Service off, or a profile whose
    `rules.auto_appeal_rts` is false, is a 400 on `notified_service`); the case is opened
    in the registration's transaction."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput(message, fields={"notified_service": [message]})

    if not rts_enabled():
        raise refuse(_("This state has no notified services."))
    if not active_profile().rules.get("auto_appeal_rts"):
        raise refuse(_("This state does not send grievances to the Auto Appeal System."))
    service = NotifiedService.objects.filter(code=code, is_active=True).first()
    if service is None:
        raise refuse(_("There is no notified service %(code)s.") % {"code": code})
    department = Category.objects.filter(code=category_code).values_list("department_id", flat=True)
    if department.first() not in (None, service.department_id):
        raise refuse(
            _("%(code)s is another department's service than the complaint type's.")
            % {"code": code}
        )

    def open_case(grievance: Grievance) -> Mapping[str, Any]:
        rts_case_open(grievance=grievance, service=service)
        return {"notified_service": service.code}

    return open_case


def rts_case_open(*, grievance: Grievance, service: NotifiedService) -> RtsCase:
    """The grievance's AAS case, in the department's nodal officer's queue."""
    nodal = nodal_officer_for_department(department_id=grievance.department_id)
    received = grievance.registered_at
    return RtsCase.objects.create(
        grievance=grievance,
        service=service,
        stage=Stage.NODAL,
        nodal_post=nodal,
        received_at=received,
        call_due_at=received + CALL_WITHIN,
        opened_at=received,
    )
