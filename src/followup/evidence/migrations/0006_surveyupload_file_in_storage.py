"""Move staged surveys out of the database into the storage.

Each staged survey's table, kept until now in its row, is written to ``storages["default"]``
(``uploads/surveys/partnership-N/<random>.table``); a survey emptied by its import gets no
file. The next migration drops the blob column. Reversible.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import followup.evidence.models
from followup.lib.blobmigration import Move, blobs_to_files, files_to_blobs

MOVES = (Move("data_blob", "data", "staged"),)


def forwards(apps: Any, schema_editor: Any) -> None:
    blobs_to_files(
        apps.get_model("evidence", "surveyupload"), MOVES, schema_editor.connection.alias
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    files_to_blobs(
        apps.get_model("evidence", "surveyupload"), MOVES, schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0005_delete_with_partnership")]

    operations = [
        migrations.RenameField(model_name="surveyupload", old_name="data", new_name="data_blob"),
        migrations.AddField(
            model_name="surveyupload",
            name="data",
            field=models.FileField(
                blank=True,
                default="",
                max_length=300,
                upload_to=followup.evidence.models.staged_survey_file,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
    ]
