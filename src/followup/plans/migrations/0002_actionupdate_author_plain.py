"""Keep an action update's author as plain values (id and username), not a foreign key; and
name an update's fields as its form does, for the history.

With a foreign key (``on_delete=SET_NULL``), deleting a user rewrote every update they wrote,
though updates are never changed. The column keeps its name (``author_id``) and its values;
only the constraint goes. An update without an author's name gets its author's username now,
while the link still says who it was.
"""

from typing import Any

from django.db import migrations, models


def name_the_authors(apps: Any, schema_editor: Any) -> None:
    ActionUpdate = apps.get_model("plans", "ActionUpdate")
    User = apps.get_model("auth", "User")
    unnamed = ActionUpdate.objects.filter(author_name="", author__isnull=False)
    for author_id in set(unnamed.values_list("author_id", flat=True)):
        username = User.objects.filter(pk=author_id).values_list("username", flat=True).first()
        if username:
            unnamed.filter(author_id=author_id).update(author_name=username[:150])


def forget_missing_authors(apps: Any, schema_editor: Any) -> None:
    """Going back to a foreign key: ids of users deleted since cannot be kept (the names stay)."""
    ActionUpdate = apps.get_model("plans", "ActionUpdate")
    User = apps.get_model("auth", "User")
    ActionUpdate.objects.exclude(author_id__isnull=True).exclude(
        author_id__in=User.objects.values("pk")
    ).update(author_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(name_the_authors, migrations.RunPython.noop),
        # Foreign key -> plain integer on the same column, then give the field the column's name.
        migrations.AlterField(
            model_name="actionupdate",
            name="author",
            field=models.BigIntegerField(blank=True, null=True, db_column="author_id"),
        ),
        migrations.RenameField(model_name="actionupdate", old_name="author", new_name="author_id"),
        migrations.AlterField(
            model_name="actionupdate",
            name="author_id",
            field=models.BigIntegerField(
                blank=True, help_text="The author's user id when they wrote it.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="actionupdate",
            name="author_name",
            field=models.CharField(
                blank=True, help_text="The author's username when they wrote it.", max_length=150
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, forget_missing_authors),
        # The names the history shows, as the update form names them.
        migrations.AlterField(
            model_name="actionupdate",
            name="note",
            field=models.TextField(verbose_name="what has happened"),
        ),
        migrations.AlterField(
            model_name="actionupdate",
            name="on",
            field=models.DateField(
                help_text="The date the update describes.", verbose_name="date of the update"
            ),
        ),
        migrations.AlterField(
            model_name="actionupdate",
            name="rating",
            field=models.CharField(
                choices=[
                    ("on_track", "On track"),
                    ("at_risk", "At risk"),
                    ("off_track", "Off track"),
                ],
                max_length=20,
                verbose_name="progress against plan",
            ),
        ),
    ]
