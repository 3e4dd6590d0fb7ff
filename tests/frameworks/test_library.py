from __future__ import annotations

import textwrap

import pytest

from followup.frameworks.library import (
    LIBRARY_DIR,
    LibraryFileError,
    load_file,
    load_library,
    parse_text,
)
from followup.frameworks.models import Framework, QualityIndicator, Scale
from followup.lib.types import CommandLine

OPERATOR = CommandLine("tests")

GOOD = textwrap.dedent(
    """\
    kind: framework
    urn: urn:test:framework:tiny
    version: 1
    name: Tiny framework
    scale: urn:followup:scale:six-point
    nodes:
      - urn: urn:test:framework:tiny:q1
        name: A question
        children:
          - urn: urn:test:framework:tiny:qi1
            ref_id: "1.1"
            name: First indicator
    """
)

BAD = textwrap.dedent(
    """\
    kind: framework
    urn: not-a-urn
    version: zero
    name: Broken framework
    colour: blue
    scale: urn:followup:scale:six-point
    nodes:
      - urn: urn:test:bad:qi1
        ref_id: 2.1
        name: First
      - urn: urn:test:bad:qi1
        name: Second
        assessable: maybe
      - urn: urn:test:bad:qi3
    """
)


def test_bundled_library_loads_four_files_with_the_expected_counts(db):
    results = load_library(OPERATOR)
    assert sorted((r.kind, r.urn) for r in results) == [
        ("framework", "urn:followup:framework:ci-care-protection-2019"),
        ("framework", "urn:followup:framework:ci-children-2012"),
        ("publisher", "urn:followup:publisher:care-inspectorate"),
        ("scale", "urn:followup:scale:six-point"),
    ]
    six = Scale.objects.get(urn="urn:followup:scale:six-point")
    assert [(lv["value"], lv["word"]) for lv in six.levels] == [
        (6, "Excellent"),
        (5, "Very good"),
        (4, "Good"),
        (3, "Adequate"),
        (2, "Weak"),
        (1, "Unsatisfactory"),
    ]
    old = Framework.objects.get(urn="urn:followup:framework:ci-children-2012")
    assert [qi.name for qi in old.assessable_indicators()] == [
        "Improvements in the wellbeing of children and young people",
        "Impact on children and young people",
        "Impact on families",
        "Providing help and support at an early stage",
        "Assessing and responding to risks and needs",
        "Planning for individual children and young people",
        "Planning and improving services",
        "Participation of children, young people, families and other stakeholders",
        "Leadership of improvement and change",
    ]
    assert old.indicators.filter(assessable=False).count() == 3  # the three questions
    qif = Framework.objects.get(urn="urn:followup:framework:ci-care-protection-2019")
    assert qif.indicators.filter(assessable=False, depth=0).count() == 10  # ten areas
    confirmed = qif.indicators.filter(assessable=True, ref_id_confirmed=True)
    assert [(qi.ref_id, qi.name) for qi in confirmed] == [
        ("2.1", "Impact on children and young people")
    ]


def test_loading_the_library_twice_changes_nothing(db):
    load_library(OPERATOR)
    counts = (Scale.objects.count(), Framework.objects.count(), QualityIndicator.objects.count())
    again = load_library(OPERATOR)
    assert all(not r.created for r in again)
    assert (
        Scale.objects.count(),
        Framework.objects.count(),
        QualityIndicator.objects.count(),
    ) == counts


def test_a_framework_file_loads_its_bundled_scale_when_that_is_not_yet_loaded(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    results = load_file(path, OPERATOR)
    assert [(r.kind, r.created) for r in results] == [("scale", True), ("framework", True)]
    tiny = Framework.objects.get(urn="urn:test:framework:tiny")
    assert [(qi.ref_id, qi.name, qi.assessable, qi.depth) for qi in tiny.indicators.all()] == [
        ("", "A question", False, 0),
        ("1.1", "First indicator", True, 1),
    ]


def test_a_malformed_file_gives_every_error_with_its_line_and_loads_nothing(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_file(path, OPERATOR)
    assert caught.value.errors == [
        "bad.yaml, line 5: The framework: unknown key 'colour' (expected one of: description, kind, "
        "name, nodes, notes, provider, published, scale, short_name, sources, urn, version).",
        "bad.yaml, line 2: The framework: 'urn' must start with 'urn:' and contain no spaces.",
        "bad.yaml, line 3: The framework: 'version' must be a whole number of at least 1.",
        "bad.yaml, line 9: A quality indicator: 'ref_id' must be text in quotes, e.g. \"2.1\"; got 2.1.",
        "bad.yaml, line 11: The urn 'urn:test:bad:qi1' is used twice (first on line 8).",
        "bad.yaml, line 13: A quality indicator: 'assessable' must be true or false.",
        "bad.yaml, line 14: A quality indicator: 'name' is required.",
    ]
    assert Framework.objects.count() == 0
    assert Scale.objects.count() == 0


def test_a_yaml_syntax_error_names_its_line():
    with pytest.raises(LibraryFileError) as caught:
        parse_text("kind: scale\nurn: [unclosed\nname: x\n", "broken.yaml")
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("broken.yaml, line 3: not valid YAML")


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite():
    text = GOOD.replace("name: Tiny framework\n", "name: Tiny framework\nname: Again\n")
    with pytest.raises(LibraryFileError) as caught:
        parse_text(text, "twice.yaml")
    assert caught.value.errors == [
        "twice.yaml, line 5: The framework: the key 'name' appears twice."
    ]


def test_a_scale_whose_values_do_not_go_down_is_refused():
    text = textwrap.dedent(
        """\
        kind: scale
        urn: urn:test:scale:odd
        version: 1
        name: Odd
        levels:
          - {value: 1, word: Low, meaning: Low}
          - {value: 2, word: High, meaning: High}
        """
    )
    with pytest.raises(LibraryFileError) as caught:
        parse_text(text, "odd.yaml")
    assert caught.value.errors == [
        "odd.yaml, line 7: A level: values must go down from best to worst; 2 follows 1."
    ]


def test_changed_content_under_a_loaded_version_is_refused(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    load_file(path, OPERATOR)
    path.write_text(GOOD.replace("First indicator", "Renamed indicator"), encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_file(path, OPERATOR)
    assert "already loaded with different content" in caught.value.errors[0]
    assert QualityIndicator.objects.filter(name="First indicator").exists()
    assert not QualityIndicator.objects.filter(name="Renamed indicator").exists()


def test_every_bundled_file_is_valid():
    from followup.frameworks.library import parse_file

    assert sorted(p.name for p in LIBRARY_DIR.glob("*.yaml")) == [
        "care-inspectorate.yaml",
        "ci-care-protection-2019.yaml",
        "ci-children-2012.yaml",
        "six-point-scale.yaml",
    ]
    for path in LIBRARY_DIR.glob("*.yaml"):
        assert parse_file(path)["digest"]
