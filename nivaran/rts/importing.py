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
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nivaran.org.models import Department, Designation
from nivaran.rts.models import SERVICE_CODE, NotifiedService, authority_problems

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
FIELDS = (*(c for c in REQUIRED if c != "code"), "is_active")  # of the model


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


NOT_GIVEN = object()


def _active(value: str) -> bool | object | None:
    """yes/no; NOT_GIVEN for an empty cell or no column (a new service is active, a known
    one keeps what it was: a withdrawal survives a re-import of a file without it)."""
    v = value.strip().lower()
    if not v:
        return NOT_GIVEN
    if v in {"yes", "y", "true", "1"}:
        return True
    if v in {"no", "n", "false", "0"}:
        return False
    return None


def _rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """The file's rows by their first line (a quoted name may span lines), keyed by the
    header's names; header problems are reported on line 1 and give no rows."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h or _("(empty)") for h in header if h not in COLUMNS]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    for message, names in (
        (_("missing columns: %(names)s"), missing),
        (_("unknown columns: %(names)s"), unknown),
        (_("columns named twice: %(names)s"), twice),
    ):
        if names:
            report.errors.append(RowError(1, "", message % {"names": ", ".join(names)}))
    if report.errors:
        return []
    rows = []
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.errors.append(RowError(line, "", str(exc)))
            break
        if not any(f.strip() for f in fields):
            continue  # a blank line
        if len(fields) > len(header):
            report.errors.append(RowError(line, "", _("more fields than the header has")))
            continue
        values = dict.fromkeys(header, "") | {
            name: f.strip() for name, f in zip(header, fields, strict=False)
        }
        rows.append((line, values))
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
        for column, message in authority_problems(
            officers["designated_officer"],
            officers["first_appellate"],
            officers["second_appellate"],
        ).items():
            error(column, message)
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
    try:
        with transaction.atomic():
            _write(wanted, report)
    except IntegrityError:  # another import created one of these codes meanwhile
        report.created = report.updated = report.unchanged = 0
        report.errors.append(
            RowError(1, "", _("another import wrote these services at the same time; run it again"))
        )
    return report


def _write(wanted: dict[str, dict[str, Any]], report: ImportReport) -> None:
    existing = {
        s.code: s for s in NotifiedService.objects.select_for_update().filter(code__in=wanted)
    }
    for code, values in wanted.items():
        service = existing.get(code)
        if values["is_active"] is NOT_GIVEN:
            values["is_active"] = True if service is None else service.is_active
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
    try:
        text = read_catalogue(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{profile.code}/{path.name}: {exc}") from None
    report = import_notified_services(text)
    if not report.ok:
        shown = "; ".join(str(e) for e in report.errors[:5])
        more = len(report.errors) - 5
        if more > 0:
            shown += f" (and {more} more)"
        raise ProfileError(f"{profile.code}/{path.name}: {shown}")
