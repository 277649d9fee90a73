"""API v1 only grows: every name it ever published is still in the committed schema."""

from __future__ import annotations

from nivaran.core.api_names import NAMES, schema_names, schema_read

HOW = "add them with `.venv/bin/python -m nivaran.core.api_names` (it never removes a name)"


def test_no_v1_name_has_disappeared_from_the_schema():
    listed = {n for n in NAMES.read_text(encoding="utf-8").splitlines() if n and n[0] != "#"}
    missing = listed - schema_names(schema_read())
    assert not missing, (
        "API v1 only grows: these names of docs/api-v1-names.txt are gone from "
        "docs/openapi.yaml; restore them (add beside them instead of renaming):\n  "
        + "\n  ".join(sorted(missing))
    )


def test_every_name_of_the_schema_is_listed():
    listed = set(NAMES.read_text(encoding="utf-8").splitlines())
    unlisted = schema_names(schema_read()) - listed
    assert not unlisted, (
        f"docs/openapi.yaml has names docs/api-v1-names.txt does not keep yet; {HOW}:\n  "
        + "\n  ".join(sorted(unlisted))
    )


def test_the_names_cover_each_kind():
    names = schema_names(schema_read())
    for expected in (
        "path /api/v1/grievances/",
        "operation POST /api/v1/grievances/{number}/actions/{action}/",
        "param GET /api/v1/grievances/ query status",
        "param POST /api/v1/grievances/ header Idempotency-Key",
        "action submit_atr",
        "field GrievanceDetail allowed_actions",
        "field RegisterInputRequest citizen",
        "enum StatusEnum closed",
    ):
        assert expected in names
