"""Keep who acted and the partnership as plain ids and names, not foreign keys.

With foreign keys (``on_delete=SET_NULL``), deleting a user or a partnership rewrote every audit
row that named it. The columns keep their names (``actor_id``, ``partnership_id``) and their values;
only the constraints go. Existing rows get the partnership's current name, the best record there is.
"""

from typing import Any

from django.db import migrations, models


def copy_partnership_names(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Partnership = apps.get_model("partnerships", "Partnership")
    for pk, name in Partnership.objects.values_list("pk", "name"):
        AuditEntry.objects.filter(partnership_id=pk).update(partnership_name=name)


def forget_missing_references(apps: Any, schema_editor: Any) -> None:
    """Going back to foreign keys: ids of users or partnerships deleted since cannot be kept
    (the names stay in actor_name and partnership_name)."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model("auth", "User")
    Partnership = apps.get_model("partnerships", "Partnership")
    AuditEntry.objects.exclude(actor_id__isnull=True).exclude(
        actor_id__in=User.objects.values("pk")
    ).update(actor_id=None)
    AuditEntry.objects.exclude(partnership_id__isnull=True).exclude(
        partnership_id__in=Partnership.objects.values("pk")
    ).update(partnership_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("partnerships", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="partnership_name",
            field=models.CharField(
                blank=True, default="", help_text="The partnership's name then.", max_length=200
            ),
        ),
        migrations.RunPython(copy_partnership_names, migrations.RunPython.noop),
        # Foreign key -> plain integer on the same column, then give the field the column's name.
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.BigIntegerField(
                blank=True, null=True, db_column="actor_id", db_index=True
            ),
        ),
        migrations.RenameField(model_name="auditentry", old_name="actor", new_name="actor_id"),
        migrations.AlterField(
            model_name="auditentry",
            name="actor_id",
            field=models.BigIntegerField(
                blank=True,
                db_index=True,
                help_text="The acting user's id; empty for the command line.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="partnership",
            field=models.BigIntegerField(
                blank=True, null=True, db_column="partnership_id", db_index=True
            ),
        ),
        migrations.RenameField(
            model_name="auditentry", old_name="partnership", new_name="partnership_id"
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="partnership_id",
            field=models.BigIntegerField(
                blank=True,
                db_index=True,
                help_text="The partnership's id when it was written.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(
                help_text="The actor's username when it acted, or cli:OS-USER for the command line.",
                max_length=150,
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, forget_missing_references),
    ]
