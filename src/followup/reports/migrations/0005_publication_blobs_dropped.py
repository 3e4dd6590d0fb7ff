"""Drop the blob columns whose bytes 0004_publication_files_in_storage moved into the storage.
Reversed, the columns come back empty, for the reverse of 0004_publication_files_in_storage to
fill.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_publication_files_in_storage")]

    # A default first, so that the reversed removal can add the column back to existing rows.
    operations = [
        migrations.AlterField(
            model_name="publication", name="html_blob", field=models.BinaryField(default=b"")
        ),
        migrations.AlterField(
            model_name="publication", name="pdf_blob", field=models.BinaryField(default=b"")
        ),
        migrations.AlterField(
            model_name="publication", name="docx_blob", field=models.BinaryField(default=b"")
        ),
        migrations.RemoveField(model_name="publication", name="html_blob"),
        migrations.RemoveField(model_name="publication", name="pdf_blob"),
        migrations.RemoveField(model_name="publication", name="docx_blob"),
    ]
