"""Give grievances that were waiting when the quality loop arrived the rows it reads:
an ATR awaiting feedback for each grievance in `atr_submitted`, and a special close
awaiting review for each one in `special_closed`, both from their last history event.
Without them the feedback desk and the reviewer could not act on those grievances."""

from django.db import migrations


def backfill(apps, schema_editor):
    Grievance = apps.get_model("grievances", "Grievance")
    GrievanceEvent = apps.get_model("grievances", "GrievanceEvent")
    ActionTakenReport = apps.get_model("grievances", "ActionTakenReport")
    SpecialClose = apps.get_model("grievances", "SpecialClose")

    waiting = Grievance.objects.filter(status="atr_submitted").exclude(
        pk__in=ActionTakenReport.objects.values("grievance_id")
    )
    for g in waiting.iterator(chunk_size=2000):
        event = (
            GrievanceEvent.objects.filter(grievance=g, action="submit_atr")
            .order_by("-at", "-id")
            .first()
        )
        if event is None:
            continue
        ActionTakenReport.objects.create(
            grievance=g,
            submitted_at=event.at,
            submitted_by_id=event.actor_id,
            post_id=g.assigned_post_id,
            department_id=g.department_id,
            level=event.level,
            summary=event.note,
            resolution_type=(event.data or {}).get("resolution_type", "resolved"),
            next_call_at=event.at,
        )

    closed = Grievance.objects.filter(status="special_closed").exclude(
        pk__in=SpecialClose.objects.values("grievance_id")
    )
    for g in closed.iterator(chunk_size=2000):
        event = (
            GrievanceEvent.objects.filter(grievance=g, action="special_close")
            .order_by("-at", "-id")
            .first()
        )
        if event is None:
            continue
        SpecialClose.objects.create(
            grievance=g,
            closed_at=event.at,
            closed_by_id=event.actor_id,
            department_id=g.department_id,
            level=event.level,
            reason_code=(event.data or {}).get("reason_code", "") or "unspecified",
            justification=event.note,
        )


class Migration(migrations.Migration):
    dependencies = [("grievances", "0003_quality_loop")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
