from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import User, mobile_validator
from nivaran.catalog.models import Kind
from nivaran.core.models import AppendOnly


class Channel(models.TextChoices):
    WEB = "web", _("Citizen portal")
    CALL_CENTRE = "call_centre", _("Call centre")
    PARTNER = "partner", _("Partner system")
    IVRS = "ivrs", _("IVRS callback")
    OPEN311 = "open311", _("Open311 app")
    WALK_IN = "walk_in", _("Walk-in / letter")
    APP = "app", _("Citizen app (API)")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ATR_SUBMITTED = "atr_submitted", _("ATR submitted")
    CONFLICT = "conflict", _("Conflict: awaiting clarification")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    SPECIAL_CLOSED = "special_closed", _("Special closed")
    # M2: marked out of jurisdiction at L4 with no department named; the CMO grievance
    # cell's re-routing queue transfers it.
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("Out of jurisdiction: awaiting re-routing")
    # M5: merged into another grievance of the same complainant and complaint.
    MERGED = "merged", _("Merged")


def citizen_name_key(name: str) -> str:
    """A name as records are matched: case and runs of spaces do not make a new person."""
    return " ".join(name.split()).casefold()


class Citizen(models.Model):
    """A person who lodged a grievance: one row per mobile and name (family members often
    share a phone). Who may act as the citizen is decided by the mobile they prove, not by
    this row; `user` is kept only for records an administrator linked to an account."""

    name = models.CharField(_("name"), max_length=120)
    # citizen_name_key(name): the unique constraint below makes one row per person.
    name_key = models.CharField(max_length=120, editable=False)
    # Looked up through the unique constraint's index, which leads with the mobile.
    mobile = models.CharField(_("mobile"), max_length=10, validators=[mobile_validator])
    language = models.CharField(_("language"), max_length=5, default="hi")
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen",
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            models.UniqueConstraint(fields=["mobile", "name_key"], name="citizen_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.mobile})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = citizen_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class GrievanceQuerySet(models.QuerySet["Grievance"]):
    _with_master_data = False

    def with_master_data(self) -> Self:
        """Grievances with their type, department and area set from the per-process copies
        of `nivaran.grievances.master`, as `select_related` would set them from joins."""
        clone = self.all()
        clone._with_master_data = True
        return clone

    def _clone(self) -> Self:  # kept by every clone, as Django keeps its own settings
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._with_master_data = self._with_master_data
        return clone

    def _fetch_all(self) -> None:
        fetched = self._result_cache is not None
        super()._fetch_all()
        wanted = not fetched and self._with_master_data and self._result_cache
        if wanted and self._iterable_class is models.query.ModelIterable:
            from nivaran.grievances import master

            master.attach(self._result_cache or [])


class Grievance(models.Model):
    """A grievance, suggestion or scheme enquiry.

    `status`, `level`, the assignment and the deadline change only through
    nivaran.grievances.workflow; a test keeps it so.
    """

    # Null until the row has its id (the number is derived from it); unique once set.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True)  # noqa: DJ001
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="grievances")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("source flag"), max_length=80, blank=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    # Indexed by grv_dept, which leads with it.
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    # Copy of area.path: "inside this jurisdiction" is one indexed prefix match.
    area_path = models.CharField(max_length=400)
    description = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=5, default="hi")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    # Indexed by grv_mine, which leads with it.
    assigned_post = models.ForeignKey(
        "org.Post", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due at"), null=True)
    is_overdue = models.BooleanField(_("overdue at the last level"), default=False)

    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True)
    # A new grievance lodged about a closed one whose reopen window had passed.
    linked_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    # M5: the grievance this one was merged into (its status is then merged).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    # Idempotency of intake: a retried request with the same key finds this row.
    intake_key = models.CharField(max_length=120, null=True, unique=True)  # noqa: DJ001
    # SHA-256 of what the request with that key asked for, where the door gives one: a
    # retry must ask for the same, or it is another complaint under a reused key.
    intake_hash = models.CharField(max_length=64, blank=True, default="")

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        indexes = [
            # The lists' order: every list page is an ordered walk of one of these
            # (all I can see; what is on my posts, whatever its status).
            models.Index(fields=["due_at", "id"], name="grv_list"),
            models.Index(fields=["assigned_post", "due_at", "id"], name="grv_mine"),
            # An officer's queue: what still waits on the post, by deadline.
            models.Index(
                fields=["assigned_post", "due_at", "id"],
                condition=Q(status__in=["open", "in_progress", "reopened", "conflict"]),
                name="grv_inbox_active",
            ),
            models.Index(fields=["status", "due_at"], name="grv_sweep"),
            models.Index(fields=["department", "status", "level"], name="grv_dept"),
            models.Index(
                fields=["area_path"], name="grv_area_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["-registered_at"], name="grv_recent"),
            models.Index(fields=["is_overdue", "status"], name="grv_overdue"),
            # Incremental sync: GET /api/v1/grievances/?updated_since= walks this order.
            models.Index(fields=["updated_at", "id"], name="grv_sync"),
        ]

    def __str__(self) -> str:
        return self.number or f"grievance {self.pk}"


class GrievanceEvent(AppendOnly):
    """One line of a grievance's append-only history."""

    rows = "history events"

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=40)
    # Who acted, as they were named when they acted: renaming the user later rewrites nothing.
    actor_username = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        indexes = [
            models.Index(fields=["grievance", "at"], name="grv_event_timeline"),
            # The analytics rollups recompute a day's figures from that day's events.
            models.Index(fields=["at"], name="grv_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def by(actor: User) -> dict[str, Any]:
        """The actor's fields of an event, as the actor is now: every writer spreads these."""
        return {
            "actor": actor,
            "actor_role": actor.role,
            "actor_username": actor.username,
            "actor_name": actor.get_full_name(),
        }


# --- the resolution-quality loop: rows the workflow writes beside a grievance's state ----


class ResolutionType(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY_RESOLVED = "partly_resolved", _("Partly resolved")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    POLICY_MATTER = "policy_matter", _("Policy matter")


class AtrOutcome(models.TextChoices):
    """What became of an ATR once the citizen (or the field) was asked."""

    AWAITING = "awaiting", _("Awaiting the citizen's word")
    SATISFIED = "satisfied", _("Citizen satisfied")
    NOT_SATISFIED = "not_satisfied", _("Citizen not satisfied")
    CONFLICT = "conflict", _("Disputed: sent for clarification")
    UNREACHABLE = "unreachable", _("Citizen not reachable")
    RECALLED = "recalled", _("Recalled after field validation")


class ActionTakenReport(models.Model):
    """An Action Taken Report: what the department says it did (H5, H6)."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="atrs")
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey("org.Post", null=True, on_delete=models.PROTECT, related_name="+")
    # Copies at submission, so counts per department and level need no history replay.
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    # H6: the submitting officer's senior sees the ATR in their inbox.
    senior_post = models.ForeignKey(
        "org.Post", null=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("action taken"))
    resolution_type = models.CharField(
        _("resolution type"), max_length=20, choices=ResolutionType.choices
    )
    reason = models.TextField(_("reason"), blank=True)
    acknowledged_feedback = models.JSONField(default=list, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=AtrOutcome.choices, default=AtrOutcome.AWAITING
    )
    feedback_attempts = models.PositiveSmallIntegerField(_("feedback attempts"), default=0)
    # When the feedback desk should next call; null once the citizen's word is in.
    next_call_at = models.DateTimeField(_("next call at"), null=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("action taken report")
        verbose_name_plural = _("action taken reports")
        indexes = [
            models.Index(
                fields=["next_call_at", "id"],
                condition=Q(outcome="awaiting"),
                name="atr_feedback_queue",
            ),
            models.Index(fields=["senior_post", "submitted_at"], name="atr_senior"),
            models.Index(fields=["department", "outcome"], name="atr_dept_outcome"),
        ]

    def __str__(self) -> str:
        return f"ATR on {self.grievance} at {self.submitted_at:%Y-%m-%d %H:%M}"


class StoredFile(models.Model):
    """A file an officer or executive uploaded, checked by `core.files`, stored under a
    fresh name; served only to those who may see its grievance, never from a public URL."""

    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class AtrDocument(StoredFile):
    """A supporting document of an ATR."""

    atr = models.ForeignKey(ActionTakenReport, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        verbose_name = _("ATR document")
        verbose_name_plural = _("ATR documents")


class FeedbackChannel(models.TextChoices):
    CALL = "call", _("Feedback call")
    SMS = "sms", _("SMS reply")
    PORTAL = "portal", _("Tracking page")
    APP = "app", _("Citizen app (API)")


class FeedbackOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    UNREACHABLE = "unreachable", _("Not reachable")


class FeedbackCall(models.Model):
    """One attempt to take the citizen's word on an ATR (H5, U1)."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="feedback")
    atr = models.ForeignKey(ActionTakenReport, on_delete=models.PROTECT, related_name="feedback")
    at = models.DateTimeField(_("at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=FeedbackChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=FeedbackOutcome.choices)
    reason = models.TextField(_("citizen's reason"), blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("feedback call")
        verbose_name_plural = _("feedback calls")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.grievance} at {self.at:%Y-%m-%d %H:%M}"


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    REVERTED = "reverted", _("Reverted")


class SpecialClose(models.Model):
    """A special close and its review by the profile's reviewer (U3)."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.PROTECT, related_name="special_closes"
    )
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    reason_code = models.CharField(_("ground"), max_length=60)
    justification = models.TextField(_("justification"))
    review = models.CharField(
        _("review"), max_length=10, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["closed_at", "id"]
        verbose_name = _("special close")
        verbose_name_plural = _("special closes")
        indexes = [
            models.Index(
                fields=["closed_at", "id"], condition=Q(review="pending"), name="spc_review_queue"
            ),
            models.Index(fields=["department", "review"], name="spc_dept"),
        ]

    def __str__(self) -> str:
        return f"Special close of {self.grievance} ({self.reason_code})"


class VisitPick(models.TextChoices):
    SAMPLE = "sample", _("Sample")
    REVIEWER = "reviewer", _("Picked by a reviewer")


class FieldVisit(models.Model):
    """A field validation executive's check of an ATR on the ground (W7)."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="field_visits")
    atr = models.ForeignKey(
        ActionTakenReport, null=True, on_delete=models.PROTECT, related_name="field_visits"
    )
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    # The grievance's area path, for "visits in the districts I cover".
    area_path = models.CharField(max_length=400)
    picked_at = models.DateTimeField(_("picked at"))
    picked_how = models.CharField(_("picked"), max_length=10, choices=VisitPick.choices)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_at = models.DateTimeField(_("visited at"), null=True)
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("quality rating"), null=True)
    meets_standard = models.BooleanField(_("meets the standard"), null=True)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        ordering = ["picked_at", "id"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        indexes = [
            models.Index(
                fields=["area_path"],
                condition=Q(visited_at__isnull=True),
                name="visit_pending",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            # One open visit per grievance: a second pick of a pending one is a no-op.
            models.UniqueConstraint(
                fields=["grievance"],
                condition=Q(visited_at__isnull=True),
                name="visit_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Field visit to {self.grievance}"


class FieldVisitPhoto(StoredFile):
    visit = models.ForeignKey(FieldVisit, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        verbose_name = _("field visit photo")
        verbose_name_plural = _("field visit photos")
