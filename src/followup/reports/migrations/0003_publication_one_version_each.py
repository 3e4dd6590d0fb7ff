"""One version N of each published document, enforced by the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_publication_duplicates_numbered_again"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "review")),
                fields=("review", "version"),
                name="one_version_of_a_review_report",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "inspection")),
                fields=("inspection", "version"),
                name="one_version_of_an_inspection_summary",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "review"), ("review__isnull", False)),
                    models.Q(("kind", "inspection"), ("review__isnull", True)),
                    _connector="OR",
                ),
                name="publication_kind_matches_its_review",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("replaces__isnull", True), ("version", 1)),
                    models.Q(("replaces__isnull", False), ("version__gt", 1)),
                    _connector="OR",
                ),
                name="publication_replaces_the_version_before",
            ),
        ),
    ]
