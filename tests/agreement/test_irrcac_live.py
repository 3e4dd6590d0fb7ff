"""followup.agreement against irrCAC itself, asked afresh on generated grades.

irrCAC is not among the development tools (it pins scipy==1.12.0 and coverage < 7; see
irrcac_golden.py), so these run only where it can be imported, and are reported as skipped
elsewhere; its answers kept in irrcac_reference.json are checked on every run. To run them:

    python3 -m venv /tmp/irrcac
    /tmp/irrcac/bin/pip install irrCAC==0.4.4 krippendorff scikit-learn pytest hypothesis
    PYTHONPATH=src /tmp/irrcac/bin/python -m pytest --noconftest -p no:cacheprovider \\
        tests/agreement/test_irrcac_live.py
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.agreement.irrcac_golden import reference
from tests.agreement.references import assert_agrees_with_irrcac, grades

pytest.importorskip(
    "irrCAC",
    reason="irrCAC is not installed here (it pins scipy==1.12.0 and coverage<7); its answers "
    "kept in irrcac_reference.json are checked instead",
)


@settings(max_examples=100, deadline=None)
@given(grades())
def test_gwet_conger_and_interval_alpha_agree_with_irrcac_on_any_grades(data):
    ratings, scale = data
    case = {"scale": scale, "ratings": ratings}
    assert_agrees_with_irrcac(case, reference(case))
