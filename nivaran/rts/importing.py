"""The notified services catalogue from CSV: every row checked, then all written or none.

Columns (a header row names them; order free, extra columns refused):

    code, department, name, name_hi, time_limit_days, designated_officer,
    first_appellate, first_appeal_days, second_appellate, second_appeal_days[, active]

`department` is a department's code; the three officers are designation codes; days are
whole days, 1-365; `active` is yes/no (default yes). A row whose code exists updates that
service; services the file does not name are left as they are. The authorities must be
senior to the officer below them (a larger designation rank): a file with two columns
swapped is refused rather than loaded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nivaran.org.models import Department, Designation
from nivaran.rts.models import SERVICE_CODE, NotifiedService

REQUIRED = (
    "code",
    "department",
    "name",
    "name_hi",
    "time_limit_days",
    "designated_officer",
    "first_appellate",
    "first_appeal_days",
    "second_appellate",
    "second_appeal_days",
)
COLUMNS = (*REQUIRED, "active")
MAX_ROWS = 5000  # a state's catalogue is hundreds of services
FIELDS = (
    "department",
    "name",
    "name_hi",
    "time_limit_days",
    "designated_officer",
    "first_appellate",
    "first_appeal_days",
    "second_appellate",
    "second_appeal_days",
    "is_active",
)


@dataclass(frozen=True)
class RowError:
    line: int  # in the file, the header being line 1
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line}
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _days(value: str) -> int | None:
    try:
        days = int(value.strip())
    except ValueError:
        return None
    return days if 1 <= days <= 365 else None


def _active(value: str) -> bool | None:
    v = value.strip().lower()
    if v in {"", "yes", "y", "true", "1"}:
        return True
    if v in {"no", "n", "false", "0"}:
        return False
    return None


def _rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\0extra")
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing:
        report.errors.append(
            RowError(1, "", _("missing columns: %(names)s") % {"names": ", ".join(missing)})
        )
    if unknown:
        report.errors.append(
            RowError(1, "", _("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        )
    if report.errors:
        return []
    reader.fieldnames = header
    rows = []
    for row in reader:
        line = reader.line_num
        if "\0extra" in row:
            report.errors.append(RowError(line, "", _("more fields than the header has")))
            continue
        if not any((v or "").strip() for v in row.values()):
            continue  # a blank line
        rows.append((line, {k: (v or "").strip() for k, v in row.items()}))
        if len(rows) > MAX_ROWS:
            report.errors.append(
                RowError(line, "", _("more than %(n)s services in one file") % {"n": MAX_ROWS})
            )
            return []
    if not rows and not report.errors:
        report.errors.append(RowError(1, "", _("the file has no services")))
    return rows


def _checked(
    line: int,
    row: dict[str, str],
    departments: dict[str, Department],
    designations: dict[str, Designation],
    report: ImportReport,
) -> dict[str, Any] | None:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    try:
        SERVICE_CODE(row["code"])
    except ValidationError:
        error("code", _("a code is up to 30 capital letters, digits and hyphens"))
    department = departments.get(row["department"])
    if department is None:
        error("department", _("no department %(code)r") % {"code": row["department"]})
    if not row["name"]:
        error("name", _("a service needs a name"))
    for column in ("name", "name_hi"):
        if len(row[column]) > 300:
            error(column, _("at most 300 characters"))
    officers: dict[str, Designation] = {}
    for column in ("designated_officer", "first_appellate", "second_appellate"):
        found = designations.get(row[column])
        if found is None:
            error(column, _("no designation %(code)r") % {"code": row[column]})
        else:
            officers[column] = found
    days: dict[str, int] = {}
    for column in ("time_limit_days", "first_appeal_days", "second_appeal_days"):
        value = _days(row[column])
        if value is None:
            error(column, _("a whole number of days from 1 to 365"))
        else:
            days[column] = value
    active = _active(row.get("active", ""))
    if active is None:
        error("active", _("yes or no"))
    if len(officers) == 3:
        if officers["first_appellate"].rank <= officers["designated_officer"].rank:
            error("first_appellate", _("must be senior to the designated officer"))
        if officers["second_appellate"].rank <= officers["first_appellate"].rank:
            error("second_appellate", _("must be senior to the first appellate authority"))
    report.errors.extend(errors)
    if errors:
        return None
    return {
        "department": department,
        "name": row["name"],
        "name_hi": row["name_hi"],
        **days,
        **officers,
        "is_active": active,
    }


def import_notified_services(text: str) -> ImportReport:
    """Check every row of a catalogue file; if all are good, write them in one transaction.
    With any error nothing is written, and the report lists every error found."""
    report = ImportReport()
    rows = _rows(text, report)
    departments = {d.code: d for d in Department.objects.all()}
    designations = {d.code: d for d in Designation.objects.all()}
    wanted: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        values = _checked(line, row, departments, designations, report)
        code = row["code"]
        if code in first_line:
            report.errors.append(
                RowError(
                    line,
                    "code",
                    _("%(code)s is also on line %(first)s")
                    % {"code": code, "first": first_line[code]},
                )
            )
            continue
        first_line[code] = line
        if values is not None:
            wanted[code] = values
    if report.errors:
        return report
    with transaction.atomic():
        existing = {
            s.code: s for s in NotifiedService.objects.select_for_update().filter(code__in=wanted)
        }
        for code, values in wanted.items():
            service = existing.get(code)
            if service is None:
                NotifiedService.objects.create(code=code, **values)
                report.created += 1
            elif any(getattr(service, f) != values[f] for f in FIELDS):
                for f in FIELDS:
                    setattr(service, f, values[f])
                service.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def read_catalogue(path: Path) -> str:
    """A catalogue file's text (UTF-8, with or without a byte-order mark)."""
    return path.read_bytes().decode("utf-8-sig")


def catalogue_from_profile(sender: object, profile: Any, **kwargs: Any) -> None:
    """On `profile_applied`: a profile with Right to Service on loads its catalogue, in the
    profile's transaction (an error in the file undoes the whole load)."""
    from nivaran.profiles.loader import ProfileError

    rts = profile.right_to_service
    if not rts.get("enabled"):
        return
    path = profile.folder / rts.get("services", "notified_services.csv")
    report = import_notified_services(read_catalogue(path))
    if not report.ok:
        shown = "; ".join(str(e) for e in report.errors[:5])
        raise ProfileError(f"{profile.code}/{path.name}: {shown}")
