"""Fixtures shared by the evidence tests."""

from __future__ import annotations

import pytest

from followup.evidence.models import Case, Code, Coding, Source


@pytest.fixture
def themed(world):
    partnership = world.home.partnership
    recommendation = world.home.recommendation
    linked = Code.objects.create(partnership=partnership, name="Heard by workers")
    linked.recommendations.add(recommendation)
    inside = Code.objects.create(partnership=partnership, name="Heard at reviews", parent=linked)
    unrelated = Code.objects.create(partnership=partnership, name="Transport")
    for n in range(1, 8):
        group = "Staff" if n <= 2 else "Child or young person"
        case = Case.objects.create(
            partnership=partnership, name=f"T{n}", attributes={"Respondent group": group}
        )
        source = Source.objects.create(
            partnership=partnership,
            title=f"T{n}",
            text="My worker listens. The bus is late.",
            case=case,
        )
        Coding.objects.create(source=source, code=linked, start=0, end=18)
        Coding.objects.create(source=source, code=unrelated, start=19, end=35)
        if n == 3:
            Coding.objects.create(source=source, code=inside, start=3, end=9)
    return recommendation, linked, inside
