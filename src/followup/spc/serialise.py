"""Results as plain JSON-ready dictionaries: undefined numbers become None."""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any

import numpy as np

from followup.spc.mdc import MakingDataCount
from followup.spc.qic import ControlChart


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def chart_to_dict(result: ControlChart) -> dict[str, Any]:
    points = result.per_point
    return {
        "per_point": {f.name: _plain(getattr(points, f.name)) for f in fields(points)},
        "parts": [{k: _plain(v) for k, v in asdict(part).items()} for part in result.parts],
    }


def mdc_to_dict(result: MakingDataCount) -> dict[str, Any]:
    points = result.per_point
    groups = []
    for group in result.groups:
        row = {k: _plain(v) for k, v in asdict(group).items()}
        if result.target is None:
            row.pop("assurance_type")
        groups.append(row)
    return {
        "per_point": {f.name: _plain(getattr(points, f.name)) for f in fields(points)},
        "groups": groups,
        "variation_icon": result.variation_icon,
        "assurance_icon": result.assurance_icon,
    }
