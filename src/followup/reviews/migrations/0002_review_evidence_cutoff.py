from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressreview",
            name="evidence_cutoff",
            field=models.DateField(
                blank=True,
                help_text="Evidence dated after this day stays out of the report. Blank: the end "
                "of the fieldwork, or else the review's publication date.",
                null=True,
            ),
        ),
    ]
