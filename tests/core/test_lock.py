"""The lock (requirements/lock.txt, written by ``make lock``) and pyproject.toml agree: every
requirement is pinned within its range, with hashes, and nothing is pinned for Followup that
pyproject.toml no longer asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    return [Requirement(line) for line in listed]


def pins() -> dict[str, tuple[str, str]]:
    """Each pinned package: its version, and its entry in the lock (hashes and what needs it)."""
    text = LOCK.read_text(encoding="utf-8")
    found = list(PIN.finditer(text))
    entries: dict[str, tuple[str, str]] = {}
    for match, following in zip(found, [*found[1:], None], strict=True):
        end = following.start() if following else len(text)
        entries[canonicalize_name(match[1])] = (match[2], text[match.start() : end])
    return entries


def test_every_requirement_in_pyproject_is_pinned_in_the_lock_within_its_range():
    locked = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in the lock: run make lock"
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} is outside {requirement.specifier}: run make lock"
        )


def test_the_lock_pins_nothing_for_followup_that_pyproject_no_longer_asks_for():
    asked = {canonicalize_name(requirement.name) for requirement in requirements()}
    for name, (_, entry) in pins().items():
        if "followup (pyproject.toml" in entry:
            assert name in asked, f"{name} is no longer asked for: run make lock"


def test_every_pin_in_the_lock_carries_its_hashes_and_no_index_of_this_machine():
    for name, (_, entry) in pins().items():
        assert "--hash=sha256:" in entry, f"{name} has no hash"
    text = LOCK.read_text(encoding="utf-8")
    assert not re.search(r"^--(index-url|extra-index-url|find-links)", text, re.MULTILINE)
