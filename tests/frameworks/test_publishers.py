"""Publisher files in the framework library (#15): who publishes reports under a provider's
frameworks, with the address, contact and licence on a report's cover, and an optional logo."""

from __future__ import annotations

import textwrap

import pytest

from followup.frameworks.library import LIBRARY_DIR, LibraryFileError, load_file, load_library
from followup.frameworks.models import Framework, Publisher
from followup.lib.types import CommandLine
from followup.reports.imprint import publisher_of

OPERATOR = CommandLine("tests")


def test_the_care_inspectorate_publishes_the_scottish_frameworks_without_a_logo(db):
    load_library(OPERATOR)
    publisher = Publisher.objects.get(urn="urn:followup:publisher:care-inspectorate")
    assert (publisher.name, publisher.version) == ("Care Inspectorate", 1)
    assert publisher.address.splitlines() == [
        "Compass House",
        "11 Riverside Drive",
        "Dundee",
        "DD1 4NY",
    ]
    assert (publisher.telephone, publisher.email, publisher.website) == (
        "0345 600 9527",
        "",  # not confirmed, so not printed (the file's comment)
        "https://www.careinspectorate.com",
    )
    assert publisher.licence == "Open Government Licence v3.0"
    assert publisher.licence_url == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert publisher.logo_png == ""  # its logo is not ours to use
    for framework in Framework.objects.all():
        assert publisher_of(framework) == publisher, framework
    assert not list(LIBRARY_DIR.glob("*.png"))


def test_a_later_version_of_a_publisher_is_the_one_reports_use(db, tmp_path):
    load_library(OPERATOR)
    path = tmp_path / "publisher.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            kind: publisher
            urn: urn:followup:publisher:care-inspectorate
            version: 2
            name: Care Inspectorate
            telephone: 0345 600 9527
            licence: Open Government Licence v3.0
            """
        ),
        encoding="utf-8",
    )
    [result] = load_file(path, OPERATOR)
    assert (result.kind, result.version, result.created) == ("publisher", 2, True)
    framework = Framework.objects.get(urn="urn:followup:framework:ci-children-2012")
    latest = publisher_of(framework)
    assert latest is not None and (latest.version, latest.address) == (2, "")
    # The same version with other content is refused, as for frameworks.
    path.write_text(path.read_text().replace("0345 600 9527", "0300 000 0000"), encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_file(path, OPERATOR)
    assert caught.value.errors == [
        "publisher.yaml: version 2 of urn:followup:publisher:care-inspectorate is already "
        "loaded with different content; give the changed file a new version number."
    ]


def test_a_malformed_publisher_file_names_each_problem_and_its_line(db, tmp_path):
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            kind: publisher
            urn: urn:test:publisher:bad
            version: 1
            name: Bad publisher
            website: www.example.org
            licence_url: https://example.org/licence
            logo: logo.gif
            colour: blue
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(LibraryFileError) as caught:
        load_file(path, OPERATOR)
    assert caught.value.errors == [
        "bad.yaml, line 8: The publisher: unknown key 'colour' (expected one of: address, "
        "description, email, enquiries, kind, licence, licence_url, logo, logo_text, name, notes, "
        "sources, telephone, urn, version, website).",
        "bad.yaml, line 5: The publisher: 'website' must be a web address (https://...).",
        "bad.yaml, line 6: The publisher: 'licence_url' needs the 'licence' name.",
        "bad.yaml, line 7: The publisher: a 'logo' needs 'logo_text' to describe it.",
        "bad.yaml, line 7: The publisher: 'logo' must name a PNG file of at most 256 KB in the "
        "same folder as the library file; 'logo.gif' is not one.",
    ]
    assert not Publisher.objects.filter(urn="urn:test:publisher:bad").exists()


def test_a_logo_outside_the_library_files_folder_is_refused(db, tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = folder / "publisher.yaml"
    path.write_text(
        "kind: publisher\nurn: urn:test:publisher:p\nversion: 1\nname: P\n"
        "logo: ../logo.png\nlogo_text: A logo\n",
        encoding="utf-8",
    )
    with pytest.raises(LibraryFileError) as caught:
        load_file(path, OPERATOR)
    assert caught.value.errors == [
        "publisher.yaml, line 5: The publisher: 'logo' must name a PNG file of at most 256 KB in "
        "the same folder as the library file; '../logo.png' is not one."
    ]
