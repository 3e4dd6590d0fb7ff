"""The table of the cache every ``followup serve`` process shares (``settings.CACHES``, a table
by default), made by any migrate: ``followup migrate`` and ``followup setup`` alike, and a plain
``manage.py migrate``. With a Redis cache configured there is no table to make."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_submission")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
