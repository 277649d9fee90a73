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
]
ACTIONS = {
    "interim_reply": {"message": "Inspection fixed"},
    "submit_atr": {"summary": "Done on site"},
    "reject": {"reason": "Private dispute"},
    "special_close": {"reason": "Sub judice"},
    "record_feedback_yes": {"satisfied": True},
    "record_feedback_no": {"satisfied": False, "remarks": "Not done"},
    "reopen": {"reason": "Wrongly closed"},
}


@pytest.mark.django_db
def test_any_sequence_of_actions_keeps_the_invariants(world):
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.now = START
            self.grievance = world.register(at=START)
            self.successes = 0
            self.last_feedback_satisfied: bool | None = None
            self.max_level = 1

        def fresh(self) -> Grievance:
            return Grievance.objects.get(pk=self.grievance.pk)

        @rule(
            actor=st.sampled_from(ACTORS),
            action=st.sampled_from(sorted(ACTIONS)),
            hours=st.integers(min_value=0, max_value=200),
        )
        def act(self, actor: str, action: str, hours: int) -> None:
            self.now += timedelta(hours=hours)
            before = self.fresh()
            name = action.removesuffix("_yes").removesuffix("_no")
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
            self.successes += 1
            if name == "record_feedback":
                self.last_feedback_satisfied = ACTIONS[action]["satisfied"]

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
                assert g.events.last().action == "record_feedback"
                assert self.last_feedback_satisfied is True

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
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
