"""Drop the blob columns whose bytes 0004_publication_files_in_storage moved into the storage. Reversed, the
columns come back empty, for the reverse of 0004_publication_files_in_storage to fill.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_publication_files_in_storage")]

    operations = [
        migrations.RemoveField(model_name="publication", name="html_blob"),
        migrations.RemoveField(model_name="publication", name="pdf_blob"),
        migrations.RemoveField(model_name="publication", name="docx_blob"),
    ]
