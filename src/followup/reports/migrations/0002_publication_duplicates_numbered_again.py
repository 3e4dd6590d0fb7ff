"""Number any duplicate versions of a published document again, before 0003 makes each unique.

Before this, two inspection summaries could both be "version 1" (a double submit: the old unique
constraint included the review, which an inspection summary does not have, and NULLs never
collide). Any such duplicates are numbered again, in the order they were published, each
replacing the one before and saying why. The constraints come in 0003, a migration of its own:
PostgreSQL refuses to alter a table with row changes pending in the same transaction.
"""

from django.db import migrations

RENUMBERED = (
    "Published twice at the same moment (a double submit); numbered again when each version "
    "number was made unique."
)


def number_duplicates_again(apps, schema_editor):
    Publication = apps.get_model("reports", "Publication")
    chains: dict[tuple, list] = {}
    for publication in Publication.objects.order_by("published_at", "pk"):
        key = (publication.kind, publication.inspection_id, publication.review_id)
        chains.setdefault(key, []).append(publication)
    for chain in chains.values():
        versions = [p.version for p in chain]
        if len(set(versions)) == len(versions):
            continue
        Publication.objects.filter(pk__in=[p.pk for p in chain]).update(replaces=None)
        previous = None
        for number, publication in enumerate(chain, start=1):
            changes = {"version": number, "replaces": previous}
            if number > 1 and not publication.correction_note:
                changes["correction_note"] = RENUMBERED
            Publication.objects.filter(pk=publication.pk).update(**changes)
            previous = publication


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("reviews", "0002_review_evidence_cutoff"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="publication", name="one_version_number"),
        migrations.RunPython(number_duplicates_again, migrations.RunPython.noop),
    ]
