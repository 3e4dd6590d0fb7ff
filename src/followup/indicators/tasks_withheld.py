"""Working out what viewers may not see in the background, after figures change, so that the
first viewer after an import does not wait for it (a minute at national size; the answer is
kept by ``withheld_memo``). Nothing depends on it for being right: a viewer whose page comes
before the task has run works the figures out in the request, as before."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from followup.indicators import disclosed
from followup.indicators.models import Indicator
from followup.partnerships.models import Partnership

log = logging.getLogger(__name__)


@task()
def work_out_withheld(partnership_ids: list[int]) -> None:
    """Each partnership in turn; one that a viewer's page is already working out is left to it."""
    for partnership in Partnership.objects.filter(pk__in=partnership_ids).order_by("pk"):
        if not disclosed.remember_withheld(partnership):
            log.info("Partnership %s: its withheld figures are being worked out", partnership.pk)


def after_figures_change(partnership: Partnership | None) -> None:
    """Once the transaction commits, work out again what viewers of the partnership (of every
    partnership with indicators, for official figures) may not see."""
    if partnership is not None:
        ids = [partnership.pk]
    else:
        ids = sorted(set(Indicator.objects.values_list("partnership_id", flat=True)))
    if ids:
        transaction.on_commit(lambda: work_out_withheld.enqueue(ids), robust=True)
