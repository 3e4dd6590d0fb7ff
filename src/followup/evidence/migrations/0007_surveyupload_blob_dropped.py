"""Drop the blob column whose bytes 0006_surveyupload_file_in_storage moved into the storage. Reversed, the
column comes back empty, for the reverse of 0006_surveyupload_file_in_storage to fill.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("evidence", "0006_surveyupload_file_in_storage")]

    operations = [
        migrations.RemoveField(model_name="surveyupload", name="data_blob"),
    ]
