"""The grievance workflow: the only package that writes a grievance's state."""

from nivaran.grievances.workflow.door import actor_reaches, allowed_actions, grievance_act
from nivaran.grievances.workflow.intake import (
    BulkItem,
    detect_language,
    grievance_register,
    grievances_register_bulk,
    intake_key,
)
from nivaran.grievances.workflow.sweep import SweepResult, grievances_sweep
from nivaran.grievances.workflow.table import (
    ACTIVE,
    BY_ACTION,
    PENDING,
    STATES,
    TERMINAL,
    TRANSITIONS,
    WAITING,
)

__all__ = [
    "ACTIVE",
    "BY_ACTION",
    "PENDING",
    "STATES",
    "TERMINAL",
    "TRANSITIONS",
    "WAITING",
    "BulkItem",
    "SweepResult",
    "actor_reaches",
    "allowed_actions",
    "detect_language",
    "grievance_act",
    "grievance_register",
    "grievances_register_bulk",
    "grievances_sweep",
    "intake_key",
]
