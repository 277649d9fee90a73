"""The table itself: reachability, terminal states, the docs, and the one-door rule."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings
from rest_framework.serializers import Serializer

from nivaran.grievances.diagram import replace_block
from nivaran.grievances.models import Status
from nivaran.grievances.workflow import BY_ACTION, STATES, TERMINAL, TRANSITIONS

PACKAGE = Path(settings.BASE_DIR) / "nivaran"
WORKFLOW = PACKAGE / "grievances" / "workflow"
GUARDED_FIELDS = {
    "status",
    "level",
    "assigned_to",
    "assigned_to_id",
    "assigned_post",
    "assigned_post_id",
    "due_at",
    "is_overdue",
    "category",
    "category_id",
    "department",
    "department_id",
}


def test_every_state_is_reachable_from_registration():
    seen, frontier = {Status.OPEN.value}, [Status.OPEN.value]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS:
            if state in t.sources:
                for target in t.targets.values():
                    if target and target not in seen:
                        seen.add(target)
                        frontier.append(target)
    assert seen == set(STATES)


def test_only_the_citizens_word_closes():
    """U1: satisfaction closes; so does the profile's rule after the last unanswered call."""
    into_closed = [
        (t.action, o) for t in TRANSITIONS for o, s in t.targets.items() if s == Status.CLOSED
    ]
    assert into_closed == [
        ("record_feedback", "satisfied"),
        ("record_feedback", "unreachable_closed"),
    ]


def test_a_conflict_moves_only_by_the_secretarys_clarification():
    """H7: neither the sweep nor any other action moves a grievance in conflict. The
    secretary's `recategorise` (H8: its type is split or merged) changes only its type:
    status, level, assignment and deadline stay."""
    from_conflict = [t.action for t in TRANSITIONS if Status.CONFLICT in t.sources]
    assert from_conflict == ["clarify_conflict", "recategorise"]
    assert BY_ACTION["clarify_conflict"].roles == {"administrative_secretary"}
    assert set(BY_ACTION["recategorise"].targets.values()) == {None}


def test_terminal_states_accept_no_action():
    for t in TRANSITIONS:
        assert not (t.sources & TERMINAL), t.action


def test_every_transition_names_roles_and_inputs():
    for t in TRANSITIONS:
        assert t.roles and t.sources and t.targets, t.action
        assert t.description, t.action
        assert issubclass(t.inputs, Serializer), t.action
        assert set(t.targets.values()) - {None} <= set(STATES), t.action


def test_docs_show_the_diagram_generated_from_the_table():
    doc = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert replace_block(doc) == doc, "run: make manage ARGS=workflow_diagram"


def _about_grievances(expr: ast.expr) -> bool:
    text = ast.unparse(expr).lower()
    return "grievance" in text or text in {"g", "obj", "self"}


def _writes_guarded_field(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        # grievance.status = ...
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in GUARDED_FIELDS
                    and _about_grievances(target.value)
                ):
                    lines.append(node.lineno)
        # update_rows(Grievance, ...) / insert_rows(Grievance, ...): nivaran/core/rows.py
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            in {"update_rows", "insert_rows"}
            and node.args
            and ast.unparse(node.args[0]) == "Grievance"
        ):
            lines.append(node.lineno)
        # Grievance.objects....update(status=...) / bulk_update(..., ["status"])
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _about_grievances(node.func.value)
        ):
            if node.func.attr in {"update", "update_or_create"} and any(
                kw.arg in GUARDED_FIELDS for kw in node.keywords
            ):
                lines.append(node.lineno)
            if node.func.attr == "bulk_update":
                for arg in node.args[1:]:
                    if isinstance(arg, ast.List | ast.Tuple) and any(
                        isinstance(e, ast.Constant) and e.value in GUARDED_FIELDS for e in arg.elts
                    ):
                        lines.append(node.lineno)
    return lines


def test_nothing_outside_the_workflow_writes_a_grievances_state():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if WORKFLOW in path.parents or "migrations" in path.parts or "tests" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "Grievance" not in source and "grievance" not in source:
            continue
        for line in _writes_guarded_field(ast.parse(source)):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line}")
    assert offenders == []


def test_the_rule_would_catch_a_write():
    tree = ast.parse(
        "g.status = 'closed'\nGrievance.objects.filter().update(level=2)\n"
        "Grievance.objects.bulk_update(rows, ['due_at'])\n"
        "message.status = 'sent'\n"
        "update_rows(Grievance, ('level',), rows)\n"
        "insert_rows(GrievanceEvent, FIELDS, rows)\n"
    )
    assert _writes_guarded_field(tree) == [1, 2, 3, 5]
