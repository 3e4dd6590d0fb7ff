"""Give each partnership's own release that has an official release's name a name of its own.

From #10 on, a partnership's own release never shares a name with an official release (pages,
revisions and exported files could not tell the two apart). A release made before keeps its
figures and gets the partnership's name after its own: "LGBF 2024" becomes "LGBF 2024
(Glenmorran children's services partnership)", with a number after it should that be taken too.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

LIMIT = 300


def rename_clashing_releases(apps: Any, schema_editor: Any) -> None:
    Release = apps.get_model("indicators", "Release")
    official = set(Release.objects.filter(partnership__isnull=True).values_list("name", flat=True))
    clashing = (
        Release.objects.filter(partnership__isnull=False, name__in=official)
        .select_related("partnership")
        .order_by("pk")
    )
    for release in clashing:
        taken = official | set(
            Release.objects.filter(partnership_id=release.partnership_id).values_list(
                "name", flat=True
            )
        )
        number = 1
        while True:
            suffix = f" ({release.partnership.name}{'' if number == 1 else f' {number}'})"
            name = release.name[: LIMIT - len(suffix)] + suffix
            if name not in taken:
                break
            number += 1
        release.name = name
        release.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_derived_element_formula"),
    ]

    operations = [
        migrations.RunPython(rename_clashing_releases, migrations.RunPython.noop),
    ]
