"""Drop the blob column whose bytes 0008_importupload_file_in_storage moved into the storage.
Reversed, the column comes back empty, for the reverse of 0008_importupload_file_in_storage to
fill.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0008_importupload_file_in_storage")]

    # A default first, so that the reversed removal can add the column back to existing rows.
    operations = [
        migrations.AlterField(
            model_name="importupload", name="data_blob", field=models.BinaryField(default=b"")
        ),
        migrations.RemoveField(model_name="importupload", name="data_blob"),
    ]
