"""The layers of docs/architecture.md hold, and the contracts that say so would catch a break.

The contracts are import-linter's, written in ``pyproject.toml`` (``[tool.importlinter]``). Each
test of a break copies the source to a temporary folder, adds one import, and runs
``lint-imports`` on the copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(source: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of ``src/followup`` (its Python files only) under ``tmp_path/src``."""
    shutil.copytree(
        ROOT / "src" / "followup",
        tmp_path / "src" / "followup",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not Path(folder, n).is_dir()
        ],
    )
    return tmp_path / "src"


def add_import(source: Path, module: str, line: str) -> None:
    path = source / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # added by the test\n")


def test_the_layer_contracts_hold():
    done = lint_imports(ROOT / "src", ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 4 kept, 0 broken." in done.stdout


def test_a_domain_app_importing_a_composed_page_breaks_the_layers(copy):
    add_import(copy, "followup.inspections.models", "from followup.front import views")
    done = lint_imports(copy, copy.parent)
    assert done.returncode == 1
    assert "Apps import only downward BROKEN" in done.stdout
    assert "followup.inspections.models -> followup.front.views" in done.stdout


def test_the_foundation_importing_a_domain_app_breaks_the_layers(copy):
    add_import(copy, "followup.partnerships.access", "import followup.plans.models")
    done = lint_imports(copy, copy.parent)
    assert done.returncode == 1
    assert "Apps import only downward BROKEN" in done.stdout
    assert "followup.partnerships.access -> followup.plans.models" in done.stdout


def test_two_domain_apps_of_one_layer_importing_each_other_break_the_contracts(copy):
    add_import(copy, "followup.plans.queries", "from followup.reviews import models as _r")
    add_import(copy, "followup.reviews.queries", "from followup.plans import models as _p")
    done = lint_imports(copy, copy.parent)
    assert done.returncode == 1
    assert "Apps import only downward BROKEN" in done.stdout
    assert "No two parts of followup import each other BROKEN" in done.stdout


def test_the_statistics_library_importing_django_breaks_its_contract(copy):
    add_import(copy, "followup.spc.qic", "import django.conf")
    done = lint_imports(copy, copy.parent)
    assert done.returncode == 1
    assert "The statistics library imports no Django and no other part of followup BROKEN" in (
        done.stdout
    )


def test_the_picture_in_the_architecture_page_is_drawn_from_the_contracts():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "architecture", ROOT / "scripts" / "architecture.py"
    )
    assert spec is not None and spec.loader is not None
    architecture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(architecture)
    text = architecture.DOC.read_text()
    assert architecture.picture() in text
    assert architecture.written(text) == text, "run: make docs"
