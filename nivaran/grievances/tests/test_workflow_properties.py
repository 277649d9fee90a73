"""Property-based: any sequence of actions by any actors keeps the workflow's invariants."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from nivaran.accounts.services import system_user
from nivaran.core.errors import DomainError
from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.workflow import TERMINAL, grievance_act, grievances_sweep

START = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
ACTORS = [
    "officer_l1",
    "other_l1",
    "officer_l2",
    "hod",
    "secretary",
    "feedback",
    "cmo",
    "telecaller",
    "citizen",
    "district",
    "power_je",
    "fieldexec",
]
ACTIONS = {
    "interim_reply": {"message": "Inspection fixed"},
    "submit_atr": {"summary": "Done on site"},
    "reject": {"reason": "Private dispute"},
    "special_close": {"reason": "Sub judice", "reason_code": "sub_judice"},
    "record_feedback_yes": {"outcome": "satisfied"},
    "record_feedback_no": {"outcome": "not_satisfied", "reason": "Not done"},
    "record_feedback_unreachable": {"outcome": "unreachable"},
    "clarify_conflict": {"clarification": "Inspect again"},
    "review_special_close_confirm": {"decision": "confirm"},
    "review_special_close_revert": {"decision": "revert", "note": "Genuine grievance"},
    "recall": {"reasons": "Not done on the ground"},
    "reopen": {"reason": "Wrongly closed"},
}
# Actions that may move a grievance to a lower level: back to the ATR's level after a
# conflict, to the HoD's level on a recall.
SENDS_BACK = {"clarify_conflict", "recall"}
# Who would naturally take each action ("assigned": whoever holds the grievance now), so
# random runs get deep into the lifecycle rather than stopping at refusals.
TAKER = {
    "interim_reply": "assigned",
    "submit_atr": "assigned",
    "reject": "assigned",
    "special_close": "cmo",
    "record_feedback": "feedback",
    "clarify_conflict": "secretary",
    "review_special_close": "secretary",
    "recall": "fieldexec",
    "reopen": "cmo",
}


def action_name(case: str) -> str:
    for suffix in ("_yes", "_no", "_unreachable", "_confirm", "_revert"):
        case = case.removesuffix(suffix)
    return case


@pytest.mark.django_db
def test_any_sequence_of_actions_keeps_the_invariants(world):
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.now = START
            self.grievance = world.register(at=START)
            self.successes = 0
            self.last_feedback: str | None = None
            self.max_level = 1

        def fresh(self) -> Grievance:
            return Grievance.objects.get(pk=self.grievance.pk)

        @rule(
            anyone=st.sampled_from(ACTORS),
            natural=st.booleans(),
            action=st.sampled_from(sorted(ACTIONS)),
            hours=st.integers(min_value=0, max_value=200),
        )
        def act(self, anyone: str, natural: bool, action: str, hours: int) -> None:
            self.now += timedelta(hours=hours)
            before = self.fresh()
            name = action_name(action)
            actor = TAKER[name] if natural else anyone
            if actor == "assigned":
                holder = before.assigned_to
                actor = holder.username if holder else "officer_l1"
            try:
                grievance_act(
                    grievance_id=before.pk,
                    actor=world[actor],
                    action=name,
                    data=ACTIONS[action],
                    at=self.now,
                )
            except DomainError:
                after = self.fresh()
                assert (after.status, after.level, after.due_at, after.events.count()) == (
                    before.status,
                    before.level,
                    before.due_at,
                    before.events.count(),
                )
                return
            assert before.status not in TERMINAL
            # H7: a grievance in conflict moves only by the secretary's clarification
            assert before.status != Status.CONFLICT or name == "clarify_conflict"
            self.successes += 1
            if name == "record_feedback":
                self.last_feedback = ACTIONS[action]["outcome"]
            if name in SENDS_BACK:
                self.max_level = self.fresh().level

        @rule(hours=st.integers(min_value=1, max_value=400))
        def time_passes_and_the_sweep_runs(self, hours: int) -> None:
            self.now += timedelta(hours=hours)
            before = self.fresh()
            grievances_sweep(at=self.now, actor=system_user())
            again = grievances_sweep(at=self.now, actor=system_user())
            assert (again.escalated, again.flagged_overdue) == (0, 0)
            after = self.fresh()
            # other examples' grievances share the table: count this one's changes only
            assert after.level - before.level in (0, 1)
            self.successes += after.level - before.level
            self.successes += int(after.is_overdue and not before.is_overdue)

        @invariant()
        def history_has_one_event_per_change(self) -> None:
            g = self.fresh()
            assert g.events.count() == 1 + self.successes

        @invariant()
        def closed_only_with_the_citizens_consent(self) -> None:
            g = self.fresh()
            if g.status == Status.CLOSED:
                # Haryana: an unanswered citizen is special-closed for review, never closed
                assert g.events.last().action == "record_feedback"
                assert self.last_feedback == "satisfied"

        @invariant()
        def level_only_climbs_within_l1_to_l4(self) -> None:
            g = self.fresh()
            assert 1 <= g.level <= 4
            assert g.level >= self.max_level
            self.max_level = g.level

        @invariant()
        def an_active_grievance_always_has_a_deadline(self) -> None:
            g = self.fresh()
            if g.status in {Status.OPEN, Status.IN_PROGRESS, Status.REOPENED}:
                assert g.due_at is not None

    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
