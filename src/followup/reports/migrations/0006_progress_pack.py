"""Progress packs for the chief officers' group: their files, digests and snapshot (#17)."""

import django.db.models.deletion
from django.db import migrations, models

import followup.reports.models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0005_organisation_contact_accepts_updates"),
        ("reports", "0005_publication_blobs_dropped"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgressPack",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("made_at", models.DateTimeField()),
                ("made_by_id", models.BigIntegerField(blank=True, null=True)),
                ("made_by_name", models.CharField(blank=True, max_length=150)),
                ("snapshot", models.JSONField(default=dict)),
                (
                    "docx",
                    models.FileField(max_length=300, upload_to=followup.reports.models.pack_file),
                ),
                (
                    "pdf",
                    models.FileField(max_length=300, upload_to=followup.reports.models.pack_file),
                ),
                (
                    "xlsx",
                    models.FileField(max_length=300, upload_to=followup.reports.models.pack_file),
                ),
                ("sha256_docx", models.CharField(max_length=64)),
                ("sha256_pdf", models.CharField(max_length=64)),
                ("sha256_xlsx", models.CharField(max_length=64)),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="progress_packs",
                        to="partnerships.partnership",
                    ),
                ),
            ],
            options={
                "ordering": ["-number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partnership", "number"), name="one_progress_pack_of_each_number"
                    )
                ],
            },
        ),
    ]
