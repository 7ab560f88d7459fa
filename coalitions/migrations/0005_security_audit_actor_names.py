"""Entries recorded for a person without a display name held their email address as the name.

The trail is append-only for the application; this one-off correction goes around the guard on
purpose, with a plain queryset, and touches only the names that are email addresses.
"""

import re

from django.db import migrations, models

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def forget_addresses(apps, schema_editor):
    AuditEntry = apps.get_model("coalitions", "AuditEntry")
    Affiliation = apps.get_model("coalitions", "Affiliation")
    entries = models.QuerySet(AuditEntry).filter(actor_name__contains="@")
    for entry in entries.iterator():
        if not EMAIL.fullmatch(entry.actor_name.strip()):
            continue
        data = dict(entry.data)
        if entry.actor_id is not None and "actor_organisation" not in data:
            affiliation = (
                Affiliation.objects.filter(
                    user_id=entry.actor_id, organisation__participations__coalition_id=entry.coalition_id
                )
                .select_related("organisation")
                .order_by("organisation__name")
                .first()
            )
            if affiliation is not None:
                organisation = affiliation.organisation
                data["actor_organisation"] = organisation.acronym or organisation.name
        models.QuerySet(AuditEntry).filter(pk=entry.pk).update(actor_name="", data=data)


class Migration(migrations.Migration):
    dependencies = [("coalitions", "0004_imports_importjob")]

    operations = [migrations.RunPython(forget_addresses, migrations.RunPython.noop)]
