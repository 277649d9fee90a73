"""The roles of X3. A user acts in one role; posts give officers their jurisdiction."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    TELE_CALLER = "tele_caller", _("Tele-caller")
    DATA_ANALYST = "data_analyst", _("Data analyst")
    FEEDBACK_AGENT = "feedback_agent", _("Feedback agent")
    FIELD_VALIDATION_EXECUTIVE = "field_validation_executive", _("Field validation executive")
    OFFICER = "officer", _("Officer")
    NODAL_OFFICER = "nodal_officer", _("Nodal officer")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Head of department")
    ADMINISTRATIVE_SECRETARY = "administrative_secretary", _("Administrative secretary")
    DISTRICT_ADMINISTRATION = "district_administration", _("District administration")
    CMO_GRIEVANCE_CELL = "cmo_grievance_cell", _("CMO grievance cell")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    SYSTEM = "system", _("System")


# Roles whose reach comes from the posts they hold (department x area).
POST_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.NODAL_OFFICER,
        Role.HEAD_OF_DEPARTMENT,
        Role.ADMINISTRATIVE_SECRETARY,
        Role.DISTRICT_ADMINISTRATION,
    }
)
# Roles that see every grievance in the state (read access only, unless an action allows more).
STATEWIDE_ROLES = frozenset(
    {
        Role.TELE_CALLER,
        Role.DATA_ANALYST,
        Role.FEEDBACK_AGENT,
        Role.CMO_GRIEVANCE_CELL,
        Role.PLATFORM_ADMIN,
        Role.SYSTEM,
    }
)
