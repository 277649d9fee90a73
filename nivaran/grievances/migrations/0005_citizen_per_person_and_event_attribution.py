"""One citizen row per mobile and name, and history events that keep who acted.

- `Citizen.name_key` (the name without case or runs of spaces) is filled, rows of the
  same person are merged into one (their grievances move with them), and a unique
  constraint keeps it so: concurrent registrations could make two rows before.
- A record linked to an account whose mobile is not the record's own is unlinked:
  registration used to link a record by name and mobile to whichever citizen account
  lodged with them, which let an account take over another person's record.
- Each event stores the actor's username and name as they stand now, the best there is
  for events written before; from now on they are written when the actor acts.
"""

from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Trim

BATCH = 5000


def _key(name):
    return " ".join(name.split()).casefold()


def citizens_one_per_person(apps, schema_editor):
    Citizen = apps.get_model("grievances", "Citizen")
    Grievance = apps.get_model("grievances", "Grievance")

    last = 0
    while True:
        rows = list(Citizen.objects.filter(pk__gt=last).order_by("pk").only("pk", "name")[:BATCH])
        if not rows:
            break
        for row in rows:
            row.name_key = _key(row.name)
        Citizen.objects.bulk_update(rows, ["name_key"])
        last = rows[-1].pk

    Citizen.objects.filter(user__isnull=False).exclude(user__mobile=F("mobile")).update(user=None)

    same = (
        Citizen.objects.values("mobile", "name_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("mobile", "name_key")
    )
    for mobile, name_key in list(same):
        ids = list(
            Citizen.objects.filter(mobile=mobile, name_key=name_key)
            .order_by(F("user_id").asc(nulls_last=True), "pk")
            .values_list("pk", flat=True)
        )
        keep, merged = ids[0], ids[1:]
        Grievance.objects.filter(citizen_id__in=merged).update(citizen_id=keep)
        Citizen.objects.filter(pk__in=merged).delete()


def events_keep_actor(apps, schema_editor):
    GrievanceEvent = apps.get_model("grievances", "GrievanceEvent")
    User = apps.get_model("accounts", "User")
    actor = User.objects.filter(pk=OuterRef("actor_id"))
    GrievanceEvent.objects.update(
        actor_username=Subquery(actor.values("username")[:1]),
        actor_name=Subquery(
            actor.annotate(full=Trim(Concat("first_name", Value(" "), "last_name"))).values("full")[
                :1
            ]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("grievances", "0004_backfill_open_atrs_and_special_closes"),
    ]

    operations = [
        migrations.AddField(
            model_name="citizen",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=120),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="grievanceevent",
            name="actor_username",
            field=models.CharField(default="", max_length=150),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="grievanceevent",
            name="actor_name",
            field=models.CharField(blank=True, default="", max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(citizens_one_per_person, migrations.RunPython.noop),
        migrations.RunPython(events_keep_actor, migrations.RunPython.noop),
    ]
