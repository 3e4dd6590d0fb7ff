"""The vulnerability audit of make lint: what it makes of pip-audit's report."""

from __future__ import annotations

from scripts.audit import verdict


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.7",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.8"]}],
            },
            {"name": "waitress", "version": "3.0.2", "vulns": []},
        ]
    }
    assert verdict(report) == (
        1,
        "Known vulnerabilities in installed packages:\n  django 5.2.7: PYSEC-1 (fixed in 5.2.8)",
    )


def test_a_clean_environment_passes_and_names_what_could_not_be_audited():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "local-thing", "version": "1.0", "skip_reason": "not on PyPI"},
        ]
    }
    assert verdict(report) == (
        0,
        "Vulnerability audit: no known vulnerability in 1 package. Not audited (1): local-thing.",
    )


def test_an_unreachable_service_skips_the_audit_with_the_reason():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"},
            {"name": "numpy", "version": "2.4.6", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    status, message = verdict(report)
    assert status == 0
    assert message.startswith("Vulnerability audit skipped: pip-audit's vulnerability service")
    assert "(pip-audit: Dependency not found on PyPI)" in message
