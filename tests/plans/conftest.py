from __future__ import annotations

import pytest

from tests.conftest import World
from tests.plans.cycling import Move, Scene, build_scene, clock_mover


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Move:
    """Move the clock the update cycle reads: ``today(date)``."""
    return clock_mover(monkeypatch)


@pytest.fixture
def scene(world: World) -> Scene:
    """Home's plan with a quarterly update cycle (tests/plans/cycling.py)."""
    return build_scene(world)
