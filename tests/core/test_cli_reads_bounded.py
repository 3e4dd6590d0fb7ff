"""The command line reads a file it is given only up to its limit and one byte more: a file
with no end (/dev/zero) or a huge one is refused with a message naming the limit, never read
in full, whatever size the file declares."""

from __future__ import annotations

import os

import pytest

from followup.frameworks.library import LibraryFileError, parse_file
from tests.core.test_hostile_uploads import run

ENDLESS = "/dev/zero"


@pytest.fixture(autouse=True)
def _endless_file_exists():
    if not os.path.exists(ENDLESS):
        pytest.skip("this system has no /dev/zero")


def test_import_data_refuses_an_endless_file_naming_the_100_mb_limit(world, capsys):
    status = run("import-data", ENDLESS, "--release", "Endless")
    assert status == 1
    assert capsys.readouterr().err == (
        f"import-data: {ENDLESS}: the file is larger than 100 MB, the most this command reads; "
        "split it.\n"
    )


def test_import_data_refuses_an_endless_mapping_naming_the_256_kb_limit(world, tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    status = run("import-data", str(data), "--release", "Endless", "--mapping", ENDLESS)
    assert status == 1
    assert capsys.readouterr().err == (
        f"import-data: {ENDLESS}: the file is larger than 256 KB, the most this command reads; "
        "split it\n"
    )


@pytest.mark.parametrize("command", ["import-qdpx", "import-qdc"])
def test_the_refi_qda_imports_refuse_an_endless_file_naming_the_20_mb_limit(world, command, capsys):
    status = run(command, ENDLESS, "--partnership", "home")
    assert status == 1
    assert capsys.readouterr().err == (
        f"{command}: {ENDLESS}: the file is larger than 20 MB, the most this command reads; "
        "split it\n"
    )


def test_a_framework_library_file_with_no_end_is_refused_naming_the_10_mb_limit():
    with pytest.raises(LibraryFileError) as refused:
        parse_file(ENDLESS)
    assert refused.value.errors == ["zero: the file is larger than 10 MB; split it."]
