"""Two sessions import at once, on a SQLite file (run by test_double_submit): first one staged
upload twice, then two different uploads of the same rows.

The in-memory SQLite database of the test run cannot hold two writing sessions, so this runs in
a process of its own against a file database of its own in FOLLOWUP_DATA_DIR (a copy of the test
run's migrated one), and prints one line of JSON: what each session got in each race, and how
many values were written.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection

    from followup.indicators import actions
    from followup.indicators.models import DataElement, DataValue, ImportUpload
    from followup.partnerships.models import Area, Membership, Partnership

    call_command("migrate", verbosity=0)
    area = Area.objects.create(code="S1HOME", name="Homeshire")
    partnership = Partnership.objects.create(slug="home", name="Homeshire", area=area)
    users = [User.objects.create(username=name) for name in ("lead", "editor")]
    for user in users:
        Membership.objects.create(user=user, partnership=partnership, role="lead")
    DataElement.objects.create(
        code="waiting", name="Waiting", period_kind="month", partnership=partnership
    )

    def stage(release: str, months: range) -> Any:
        rows = "".join(
            f"S1HOME,{1950 + m // 12}-{m % 12 + 1:02d},waiting,{m % 50}\n" for m in months
        )
        return ImportUpload.objects.create(
            partnership=partnership,
            filename="figures.csv",
            data=ContentFile(("area_code,period,data_element,value\n" + rows).encode(), "f.csv"),
            release=release,
        )

    def race(copies: list[Any]) -> list[Any]:
        start = threading.Barrier(len(users))
        outcomes: list[Any] = [None] * len(users)

        def submit(index: int) -> None:
            try:
                start.wait()
                counts = actions.apply_upload(users[index], copies[index])
                outcomes[index] = f"{counts['new']} new, {counts['unchanged']} unchanged"
            except actions.AlreadyImported:
                outcomes[index] = "already imported"
            except Exception as error:  # anything else would be a server error in the web
                outcomes[index] = f"{type(error).__name__}: {error}"
            finally:
                connection.close()

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(users))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    upload = stage("Homeshire return", range(500))
    same = race([ImportUpload.objects.get(pk=upload.pk) for _ in users])  # both: "not imported"
    values = DataValue.objects.count()
    later = range(500, 1000)
    twins = race([stage("Homeshire later return", later), stage("Homeshire later return", later)])
    json.dump(
        {
            "outcomes": same,
            "values": values,
            "twins": twins,
            "twin_values": DataValue.objects.count() - values,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
