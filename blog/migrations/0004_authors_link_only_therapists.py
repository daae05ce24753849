"""An author linked to an account that is not a therapist's (a client's, say) is unlinked.

Before this release any account could be chosen, and the authors list shows the linked
account's name: on an existing site that could name a client to every therapist.
"""

from django.db import migrations
from django.db.models import Q

THERAPISTS_GROUP = "Therapists"  # clients.models.THERAPISTS_GROUP, as it was when written


def unlink_non_therapists(apps, schema_editor):
    Author = apps.get_model("blog", "Author")
    therapist = Q(user__is_superuser=True) | Q(user__groups__name=THERAPISTS_GROUP)
    keep = Author.objects.filter(therapist).values("pk")
    Author.objects.filter(user__isnull=False).exclude(pk__in=keep).update(user=None)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_series_authors_tags_blocks"),
        ("clients", "0005_one_person_many_therapists"),
    ]

    operations = [migrations.RunPython(unlink_non_therapists, migrations.RunPython.noop)]
