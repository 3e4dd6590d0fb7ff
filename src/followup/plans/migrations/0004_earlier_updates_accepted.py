"""Updates written before updates needed accepting count as accepted: they already set their
actions' status and appear in reports, and history is not rewritten."""

from typing import Any

from django.db import migrations


def accept_earlier_updates(apps: Any, schema_editor: Any) -> None:
    ActionUpdate = apps.get_model("plans", "ActionUpdate")
    UpdateDecision = apps.get_model("plans", "UpdateDecision")
    alias = schema_editor.connection.alias
    earlier = (
        ActionUpdate.objects.using(alias).filter(decision__isnull=True).values_list("pk", flat=True)
    )
    UpdateDecision.objects.using(alias).bulk_create(
        UpdateDecision(
            update_id=pk,
            outcome="accepted",
            reason="Written before updates needed accepting.",
        )
        for pk in earlier.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_update_cycle_and_sign_off")]

    operations = [
        migrations.RunPython(accept_earlier_updates, migrations.RunPython.noop, elidable=False)
    ]
