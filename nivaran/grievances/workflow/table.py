"""The grievance lifecycle as a table: state, action, next state, roles, reach, guard.

Each row names its handler and guard; they live in a module per capability
(`lifecycle`, `quality_loop`, `routing`, `merging`, `categorising`). What an action is for
is its handler's docstring. `docs/workflow.md` shows this table, generated from it.
"""

from __future__ import annotations

from nivaran.accounts.roles import POST_ROLES, Role
from nivaran.grievances import inputs
from nivaran.grievances.models import Status
from nivaran.grievances.workflow import categorising, merging, routing
from nivaran.grievances.workflow import lifecycle as life
from nivaran.grievances.workflow import quality_loop as loop
from nivaran.grievances.workflow.base import (
    ACTIVE,
    PENDING,
    TOP_LEVEL,
    WAITING,
    Reach,
    Transition,
)

__all__ = [
    "ACTIVE",
    "BY_ACTION",
    "PENDING",
    "STATES",
    "TERMINAL",
    "TOP_LEVEL",
    "TRANSITIONS",
    "WAITING",
]

S = Status
OFFICERS = frozenset(POST_ROLES)
FEEDBACK_TAKERS = frozenset({Role.FEEDBACK_AGENT, Role.CMO_GRIEVANCE_CELL, Role.CITIZEN})
CLOSED_STATES = frozenset({S.CLOSED, S.REJECTED, S.SPECIAL_CLOSED})
SYSTEM = frozenset({Role.SYSTEM})
SECRETARY = frozenset({Role.ADMINISTRATIVE_SECRETARY})
FEEDBACK_OUTCOMES = {
    "satisfied": S.CLOSED,
    "not_satisfied": S.REOPENED,
    "conflict": S.CONFLICT,
    "unreachable": None,
    "unreachable_closed": S.CLOSED,
    "unreachable_special_close": S.SPECIAL_CLOSED,
}
REROUTERS = OFFICERS | {Role.CMO_GRIEVANCE_CELL}
T, JURISDICTION, OWNER = Transition, Reach.JURISDICTION, Reach.OWNER

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # action, from, outcome -> to, roles, reach, handler, inputs, [guard], [officer's SMS]
    T("interim_reply", ACTIVE, {"done": S.IN_PROGRESS}, OFFICERS, JURISDICTION,
      life.interim_reply, inputs.InterimReplyInput),
    T("submit_atr", ACTIVE, {"done": S.ATR_SUBMITTED}, OFFICERS, JURISDICTION,
      life.submit_atr, inputs.SubmitAtrInput, guard=life.guard_feedback_seen),
    T("record_feedback", frozenset({S.ATR_SUBMITTED}), FEEDBACK_OUTCOMES, FEEDBACK_TAKERS, OWNER,
      loop.record_feedback, inputs.RecordFeedbackInput, guard=loop.guard_atr_awaiting),
    T("clarify_conflict", frozenset({S.CONFLICT}), {"done": S.REOPENED}, SECRETARY, JURISDICTION,
      loop.clarify_conflict, inputs.ClarifyConflictInput, tells_officer="conflict_clarified"),
    T("reject", ACTIVE, {"done": S.REJECTED}, OFFICERS, JURISDICTION,
      life.reject, inputs.ReasonInput),
    T("special_close", ACTIVE, {"done": S.SPECIAL_CLOSED},
      OFFICERS | {Role.CMO_GRIEVANCE_CELL}, JURISDICTION,
      loop.special_close, inputs.SpecialCloseInput, guard=loop.guard_special_close),
    T("review_special_close", frozenset({S.SPECIAL_CLOSED}),
      {"confirmed": None, "reverted": S.REOPENED},
      frozenset({Role.CMO_GRIEVANCE_CELL, Role.ADMINISTRATIVE_SECRETARY}), JURISDICTION,
      loop.review_special_close, inputs.ReviewSpecialCloseInput, guard=loop.guard_review,
      tells_officer="reopened_on_review"),
    T("recall", frozenset({S.ATR_SUBMITTED, S.CLOSED}), {"done": S.REOPENED},
      frozenset({Role.FIELD_VALIDATION_EXECUTIVE, Role.CMO_GRIEVANCE_CELL}), JURISDICTION,
      loop.recall, inputs.RecallInput, guard=loop.guard_recall, tells_officer="recalled"),
    T("reopen", CLOSED_STATES, {"done": S.REOPENED},
      frozenset({Role.CITIZEN, Role.TELE_CALLER, Role.CMO_GRIEVANCE_CELL}), OWNER,
      life.reopen, inputs.ReasonInput, guard=life.guard_reopen,
      tells_officer="reopened_on_review"),
    T("change_type", ACTIVE, {"done": None}, OFFICERS, JURISDICTION,
      routing.change_type, inputs.ChangeTypeInput, guard=routing.guard_change_type,
      tells_officer="transferred"),
    T("transfer", ACTIVE | {S.OUT_OF_JURISDICTION}, {"done": S.OPEN}, REROUTERS, JURISDICTION,
      routing.transfer, inputs.TransferInput, guard=routing.guard_transfer,
      tells_officer="transferred"),
    T("mark_out_of_jurisdiction", ACTIVE,
      {"routed": S.OPEN, "rerouting": S.OUT_OF_JURISDICTION}, OFFICERS, JURISDICTION,
      routing.mark_out_of_jurisdiction, inputs.OutOfJurisdictionInput,
      guard=routing.guard_out_of_jurisdiction, tells_officer="transferred"),
    T("share_whatsapp", ACTIVE, {"done": None}, OFFICERS, JURISDICTION,
      routing.share_whatsapp, inputs.ShareWhatsappInput, guard=routing.guard_share,
      offered=False),
    T("recategorise", PENDING, {"done": None}, SECRETARY | {Role.PLATFORM_ADMIN}, JURISDICTION,
      categorising.recategorise, inputs.RecategoriseInput, offered=False),
    T("merge", ACTIVE, {"done": S.MERGED}, REROUTERS, JURISDICTION,
      merging.merge, inputs.MergeInput, guard=merging.guard_merge,
      prepare=merging.prepare_merge),
    T("escalate", ACTIVE, {"done": None}, SYSTEM, Reach.SYSTEM,
      life.escalate, inputs.NoInput, guard=life.guard_due, tells_officer="escalated"),
    T("flag_overdue", ACTIVE, {"done": None}, SYSTEM, Reach.SYSTEM,
      life.flag_overdue, inputs.NoInput, guard=life.guard_overdue),
)
# fmt: on
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
STATES: tuple[str, ...] = tuple(Status.values)
TERMINAL = frozenset(s for s in STATES if not any(s in t.sources for t in TRANSITIONS))
