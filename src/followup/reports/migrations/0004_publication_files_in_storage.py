"""Move published reports' files out of the database into the storage, keeping their digests.

Each publication's HTML, PDF and Word files, kept until now in its row, are written to
``storages["default"]`` (``reports/partnership-N/review-N/vN/report.pdf``), read back, and
compared with the SHA-256 digests recorded when they were published: if one differs, the
migration stops naming the publication, and deletes the files it wrote. The next migration drops
the blob columns. Reversible: the reverse reads the files back into the columns (and leaves
them in the storage).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import followup.reports.models
from followup.lib.blobmigration import Move, blobs_to_files, files_to_blobs

MOVES = (
    Move("html_blob", "html", "report.html", "sha256_html"),
    Move("pdf_blob", "pdf", "report.pdf", "sha256_pdf"),
    Move("docx_blob", "docx", "report.docx", "sha256_docx"),
)


def forwards(apps: Any, schema_editor: Any) -> None:
    blobs_to_files(apps.get_model("reports", "publication"), MOVES, schema_editor.connection.alias)


def backwards(apps: Any, schema_editor: Any) -> None:
    files_to_blobs(apps.get_model("reports", "publication"), MOVES, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_publication_one_version_each")]

    operations = [
        migrations.RenameField(model_name="publication", old_name="html", new_name="html_blob"),
        migrations.RenameField(model_name="publication", old_name="pdf", new_name="pdf_blob"),
        migrations.RenameField(model_name="publication", old_name="docx", new_name="docx_blob"),
        migrations.AddField(
            model_name="publication",
            name="html",
            field=models.FileField(
                default="", max_length=300, upload_to=followup.reports.models.publication_file
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publication",
            name="pdf",
            field=models.FileField(
                default="", max_length=300, upload_to=followup.reports.models.publication_file
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publication",
            name="docx",
            field=models.FileField(
                default="", max_length=300, upload_to=followup.reports.models.publication_file
            ),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
    ]
