"""Writes of the systemic-issues app: the detection run and acknowledgements. Neither
touches a grievance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nivaran.geo.models import Area
from nivaran.systemic import selectors
from nivaran.systemic.clusters import ClusterFinding, ClusterParams, clusters
from nivaran.systemic.detection import WEEK, Counts, Finding, Params, detect, weeks_ending
from nivaran.systemic.models import Acknowledgement, IssueKind, IssueStatus, SystemicIssue

MAX_NOTE = 4000


@dataclass
class DetectResult:
    week: date
    cells: int
    created: int = 0
    updated: int = 0
    issues: list[SystemicIssue] = field(default_factory=list)


def systemic_detect(
    *,
    now: datetime | None = None,
    week: date | None = None,
    params: Params | None = None,
    cluster_params: ClusterParams | None = None,
) -> DetectResult:
    """Run the detector on the latest complete week (or `week`, any day of it) and write
    what it finds: spikes, persistent and widespread cells from the weekly counts, then
    clusters of similar texts. Idempotent: one row per (kind, type, district, topic,
    week), updated on a re-run; an issue's status and acknowledgement are kept."""
    now = now or timezone.now()
    params = params or Params()
    cluster_params = cluster_params or ClusterParams()
    tested = selectors.week_of(selectors.week_start(week)) if week else None
    tested = tested or selectors.latest_complete_week(now)
    first = tested - WEEK * (params.weeks_needed - 1)
    counts = selectors.weekly_counts(first_week=first, last_week=tested)
    since = selectors.data_since()
    findings = detect(counts, week=tested, params=params, data_since=since)
    found = (
        _clusters(counts, first=first, week=tested, params=params, cluster_params=cluster_params)
        if since is None or first >= since  # a young platform: no baseline to be new against
        else []
    )
    result = DetectResult(week=tested, cells=len(counts))
    if not findings and not found:
        return result
    categories = {
        c.pk: c
        for c in Category.objects.filter(
            pk__in={f.category_id for f in findings} | {f.category_id for f in found}
        ).only("id", "department_id")
    }
    paths = (
        {f.district for f in findings if f.district}
        | {d for f in findings for d in f.districts}
        | {d for f in found for d in f.districts}
    )
    areas = {a.path: a for a in Area.objects.filter(path__in=paths)}
    with transaction.atomic():
        written = [
            _write(finding, categories[finding.category_id], areas, now, params)
            for finding in findings
        ]
        claimed: set[int] = set()
        written += [
            _write_cluster(
                finding,
                categories[finding.category_id],
                areas,
                now,
                params,
                cluster_params,
                claimed,
            )
            for finding in found
        ]
    for issue, created in written:
        result.issues.append(issue)
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


def _clusters(
    counts: Counts,
    *,
    first: date,
    week: date,
    params: Params,
    cluster_params: ClusterParams,
) -> list[ClusterFinding]:
    """Clusters of similar texts, per complaint type with enough grievances in enough
    districts in the tested weeks (docs/systemic.md)."""
    candidates = selectors.cluster_candidates(
        counts,
        tested=weeks_ending(week, params.persist_window),
        min_count=params.min_count,
        min_districts=cluster_params.min_districts,
    )
    moved = selectors.recategorised_types(since=first)
    found: list[ClusterFinding] = []
    for category_id, texts in selectors.cluster_texts(
        category_ids=[c for c in candidates if c not in moved], first_week=first, last_week=week
    ):
        found += clusters(
            category_id, texts, week=week, params=params, cluster_params=cluster_params
        )
    return found


def _state_path(finding: Finding) -> str:
    some = finding.district or (finding.districts[0] if finding.districts else "")
    return some.split("/", 1)[0] + "/" if some else ""


def _write(
    finding: Finding,
    category: Category,
    areas: dict[str, Area],
    now: datetime,
    params: Params,
) -> tuple[SystemicIssue, bool]:
    district_paths = [finding.district] if finding.district else finding.districts
    evidence = {
        "weeks": [w.isoformat() for w in finding.weeks],
        "counts": finding.counts,
        "tested_weeks": [w.isoformat() for w in finding.tested_weeks],
        "baseline_weeks": finding.baseline_weeks,
        "districts": [
            {"path": p, "code": areas[p].code if p in areas else "", "name": _area_name(areas, p)}
            for p in finding.districts
        ],
        "params": params.as_dict(),
    }
    values = {
        "department_id": category.department_id,
        "district": areas.get(finding.district) if finding.district else None,
        "area_path": finding.district or _state_path(finding),
        "count": finding.count,
        "baseline": round(finding.expected, 4),
        "variance": round(finding.variance, 4),
        "p_value": finding.p_value,
        "score": round(finding.score, 4),
        "method": finding.method,
        "evidence": evidence,
        "sample_numbers": selectors.sample_numbers(
            category_id=finding.category_id,
            district_paths=district_paths,
            weeks=finding.tested_weeks or [finding.week],
        ),
        "last_seen": now,
    }
    issue, created = SystemicIssue.objects.select_for_update().get_or_create(
        kind=finding.kind,
        category_id=finding.category_id,
        district_key=finding.district or "",
        week=finding.week,
        defaults={**values, "first_seen": now},
    )
    if not created:
        for name, value in values.items():
            setattr(issue, name, value)
        issue.save(update_fields=list(values))
    return issue, created


def _write_cluster(
    finding: ClusterFinding,
    category: Category,
    areas: dict[str, Area],
    now: datetime,
    params: Params,
    cluster_params: ClusterParams,
    claimed: set[int],
) -> tuple[SystemicIssue, bool]:
    """A cluster is statewide (it is about many districts). A re-run of the week updates
    the issue of the same cluster (`_same_cluster`); `claimed`: the issues this run has
    written already, which no other cluster may take."""
    paths = list(finding.districts)
    evidence = {
        "weeks": [w.isoformat() for w in finding.weeks],
        "counts": finding.counts,
        "tested_weeks": [w.isoformat() for w in finding.tested_weeks],
        "baseline_weeks": finding.baseline_weeks,
        "districts": [
            {
                "path": p,
                "code": areas[p].code if p in areas else "",
                "name": _area_name(areas, p),
                "count": finding.districts[p],
            }
            for p in paths
        ],
        "terms": finding.terms,
        "params": {**params.as_dict(), "cluster": cluster_params.as_dict()},
    }
    values = {
        "department_id": category.department_id,
        "district": None,
        "area_path": paths[0].split("/", 1)[0] + "/",
        "count": finding.count,
        "baseline": round(finding.expected, 4),
        "variance": round(finding.variance, 4),
        "p_value": finding.p_value,
        "score": round(finding.score, 4),
        "method": finding.method,
        "evidence": evidence,
        "sample_numbers": finding.samples,
        "last_seen": now,
    }
    rows = list(
        SystemicIssue.objects.select_for_update()
        .filter(kind=IssueKind.CLUSTER, category_id=finding.category_id, week=finding.week)
        .exclude(pk__in=claimed)
        .order_by("id")
    )
    issue = _same_cluster(finding, rows)
    if issue is None:
        taken = {r.topic for r in rows}
        topic, n = finding.topic, 2
        while topic in taken:  # an earlier run's cluster this run does not find again
            topic = f"{finding.topic[:195]} #{n}"
            n += 1
        issue = SystemicIssue.objects.create(
            kind=IssueKind.CLUSTER,
            category_id=finding.category_id,
            district_key="",
            topic=topic,
            week=finding.week,
            first_seen=now,
            **values,
        )
        claimed.add(issue.pk)
        return issue, True
    for name, value in values.items():
        setattr(issue, name, value)
    issue.save(update_fields=list(values))
    claimed.add(issue.pk)
    return issue, False


def _same_cluster(finding: ClusterFinding, rows: list[SystemicIssue]) -> SystemicIssue | None:
    """The issue an earlier run of the week wrote for this cluster: a late grievance or a
    correction can reorder its strongest terms, so it is found by what it says and whom
    it holds (at least three of its terms, or one of its sample grievances), not by its
    topic alone. The row keeps its topic and acknowledgement."""
    terms, samples = set(finding.terms), set(finding.samples)
    best: tuple[int, int, int] | None = None
    chosen = None
    for row in rows:
        evidence = row.evidence or {}
        shared_terms = len(terms & set(evidence.get("terms", [])))
        shared_samples = len(samples & set(row.sample_numbers or []))
        if row.topic != finding.topic and shared_terms < 3 and not shared_samples:
            continue
        score = (int(row.topic == finding.topic), shared_samples, shared_terms)
        if best is None or score > best:
            best, chosen = score, row
    return chosen


def _area_name(areas: dict[str, Area], path: str) -> str:
    area = areas.get(path)
    return area.name if area else path


def issue_acknowledge(*, actor: User, issue_id: int, policy_note: str) -> SystemicIssue:
    """Acknowledge an open issue with a policy note (kept in the append-only log). A second
    acknowledgement is refused (409): the issue says who acknowledged it and when."""
    note = (policy_note or "").strip()
    if not note:
        raise InvalidInput(
            _("A policy note is required."), fields={"policy_note": [_("This field is required.")]}
        )
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            _("A policy note is at most %(n)d characters.") % {"n": MAX_NOTE},
            fields={"policy_note": [_("This is too long.")]},
        )
    with transaction.atomic():
        issue = selectors.issue_get(actor=actor, issue_id=issue_id)
        issue = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
        if not selectors.may_acknowledge(actor=actor, issue=issue):
            raise PermissionDenied(
                _(
                    "A systemic issue is acknowledged by its department's administrative "
                    "secretary, head of department or nodal officer, or by the CMO grievance "
                    "cell."
                )
            )
        if issue.status == IssueStatus.ACKNOWLEDGED:
            by = issue.acknowledged_by.username if issue.acknowledged_by else "?"
            when = issue.acknowledged_at.isoformat() if issue.acknowledged_at else "?"
            raise TransitionNotAllowed(
                _("This issue was already acknowledged by %(by)s at %(at)s.")
                % {"by": by, "at": when},
                code="already_acknowledged",
            )
        now = timezone.now()
        Acknowledgement.objects.create(
            issue=issue,
            at=now,
            actor=actor,
            actor_username=actor.username,
            actor_role=actor.role,
            policy_note=note,
        )
        issue.status = IssueStatus.ACKNOWLEDGED
        issue.acknowledged_by = actor
        issue.acknowledged_at = now
        issue.policy_note = note
        issue.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "policy_note"])
    return selectors.issue_get(actor=actor, issue_id=issue.pk)
