"""Held-out accuracy of the suggester on a state profile's demo texts (docs/suggestions.md).

The demo generator lodges its grievances from the pool of texts in
`profiles/data/<state>/demo.yaml`, so a split by generated row would test the model on
texts it was trained on. The split here is by source text (`training.held_out`).
"""

from __future__ import annotations

from typing import Any

from nivaran.profiles.loader import Profile
from nivaran.suggestions.training import Figures, TypeText, held_out


def profile_types(profile: Profile) -> tuple[list[TypeText], set[str]]:
    """The profile's complaint types as training texts, and the codes of its "Others"."""
    types: list[TypeText] = []
    others: set[str] = set()

    def walk(nodes: list[dict[str, Any]], parent: dict[str, Any] | None) -> None:
        for node in nodes:
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
            walk(node.get("children", []), node)

    for department in profile.read("organisation.yaml")["departments"]:
        walk(department.get("categories", []), None)
    return types, others


def profile_evaluate(profile: Profile, *, folds: int = 3, seed: int = 0) -> Figures:
    types, others = profile_types(profile)
    known = {t.label for t in types}
    rows = [
        (str(g["text"]), str(g["category"]))
        for g in profile.read("demo.yaml")["grievances"]
        if g["category"] in known and g["category"] not in others
    ]
    return held_out(rows, types, folds=folds, seed=seed)
