"""Every name API v1 promises, read from an OpenAPI schema: what a client may rely on.

v1 only grows: a name once published is never removed or renamed. `docs/api-v1-names.txt`
lists them, one a line; a test holds `docs/openapi.yaml` against it. After adding to the
API (and `make schema`), add the new names to the list with

    .venv/bin/python -m nivaran.core.api_names

which writes the list as it was plus every name of the schema today: it never drops one.

Lines are `kind subject [name]`:

    path /api/v1/grievances/
    operation POST /api/v1/grievances/
    param POST /api/v1/grievances/ header Idempotency-Key
    param-enum GET /api/v1/grievances/ status open
    action submit_atr
    schema GrievanceDetail
    field GrievanceDetail allowed_actions
    enum StatusEnum open
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "openapi.yaml"
NAMES = ROOT / "docs" / "api-v1-names.txt"
METHODS = ("get", "put", "post", "patch", "delete")
HEADER = """\
# Every name of API v1, one a line (paths, operations, parameters, the action names,
# schema components, their fields and enum values). v1 only grows: a test fails when a
# name here is missing from docs/openapi.yaml, or when the schema has one not listed.
# Add names with: .venv/bin/python -m nivaran.core.api_names (it never removes one).
"""


def schema_names(schema: dict[str, Any]) -> set[str]:
    return set(_names(schema))


def _names(schema: dict[str, Any]) -> Iterator[str]:
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        yield f"path {path}"
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            op = f"{method.upper()} {path}"
            yield f"operation {op}"
            for param in operation.get("parameters", []):
                yield f"param {op} {param['in']} {param['name']}"
                for value in param.get("schema", {}).get("enum", []):
                    yield f"param-enum {op} {param['name']} {value}"
                    if param["name"] == "action" and param["in"] == "path":
                        yield f"action {value}"
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        yield f"schema {name}"
        yield from _component(name, component)


def _component(name: str, component: dict[str, Any]) -> Iterator[str]:
    for value in component.get("enum", []):
        if value is not None and value != "":
            yield f"enum {name} {value}"
    for prop, spec in component.get("properties", {}).items():
        yield f"field {name} {prop}"
        for value in spec.get("enum", []):
            if value is not None and value != "":
                yield f"enum {name}.{prop} {value}"
    for key in ("allOf", "oneOf", "anyOf"):
        for part in component.get(key, []):
            yield from _component(name, part)


def schema_read(path: Path = SCHEMA) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def names_read(path: Path = NAMES) -> set[str]:
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def names_write(names: set[str], path: Path = NAMES) -> None:
    path.write_text(HEADER + "".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")


def main() -> int:
    stored = names_read()
    current = schema_names(schema_read())
    added = current - stored
    names_write(stored | current)
    sys.stdout.write(f"{len(added)} names added to {NAMES.relative_to(ROOT)}\n")
    missing = stored - current
    if missing:
        sys.stdout.write(
            f"{len(missing)} listed names are missing from the schema (v1 only grows):\n"
        )
        sys.stdout.writelines(f"  {n}\n" for n in sorted(missing))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
