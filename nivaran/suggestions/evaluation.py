"""Held-out accuracy of the suggester on a state profile's demo texts (docs/suggestions.md).

The demo generator lodges its grievances from the pool of texts in
`profiles/data/<state>/demo.yaml`, so a split by generated row would test the model on
texts it was trained on. The split here is by source text (`training.held_out`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from nivaran.profiles.loader import Profile
from nivaran.suggestions.training import Figures, TypeText, held_out


def profile_types(profile: Profile) -> tuple[list[TypeText], set[str], dict[Hashable, str]]:
    """The profile's complaint types as training texts, the codes of its "Others", and
    each type's department."""
    types: list[TypeText] = []
    others: set[str] = set()
    department_of: dict[Hashable, str] = {}

    def walk(nodes: list[dict[str, Any]], parent: dict[str, Any] | None, dept: str) -> None:
        for node in nodes:
            department_of[node["code"]] = dept
            if "kind" in node or not node.get("children"):
                if node.get("others"):
                    others.add(node["code"])
                else:
                    types.append(
                        TypeText(
                            node["code"],
                            node["name"],
                            node.get("name_hi", ""),
                            (parent or {}).get("name", ""),
                            (parent or {}).get("name_hi", ""),
                        )
                    )
            walk(node.get("children", []), node, dept)

    for department in profile.read("organisation.yaml")["departments"]:
        walk(department.get("categories", []), None, department["code"])
    return types, others, department_of


def profile_evaluate(profile: Profile, *, folds: int = 3, seed: int = 0) -> Figures:
    types, others, department_of = profile_types(profile)
    known = {t.label for t in types}
    rows = [
        (str(g["text"]), str(g["category"]))
        for g in profile.read("demo.yaml")["grievances"]
        if g["category"] in known and g["category"] not in others
    ]
    return held_out(rows, types, folds=folds, seed=seed, department_of=department_of)
