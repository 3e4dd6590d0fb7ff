"""Records reading templates: the file format and its line-numbered errors, the shipped default
template, frozen versions, and the page that shows a template to the inspection team."""

from __future__ import annotations

import textwrap

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.frameworks.library import LibraryFileError
from followup.lib.types import CommandLine
from followup.records import actions, queries
from followup.records.actions_templates import load_template_file, load_template_library
from followup.records.models import (
    Agency,
    AnswerType,
    ReadingTemplate,
    Sample,
    TemplateQuestion,
    TemplateSection,
)
from followup.records.template_files import (
    DEFAULT_TEMPLATE_KEY,
    TEMPLATES_DIR,
    parse_template_file,
    parse_template_text,
)
from tests import factories as f
from tests.records.returns_data import return_csv
from tests.submissions import key

OPERATOR = CommandLine("tests")
CHILDREN_2012 = "urn:followup:framework:ci-children-2012"
DEFAULT_FILE = TEMPLATES_DIR / "followup-default-records.yaml"

GOOD = textwrap.dedent(
    """\
    kind: reading-template
    key: tiny
    version: 1
    name: A tiny template
    description: A template made for the tests.
    framework: urn:followup:framework:ci-children-2012
    sections:
      - title: Chronologies
        questions:
          - key: chronology-quality
            prompt: How well does the chronology identify significant events?
            records: [social_work, police]
            answer: six_point
            critical: true
            indicators: ["5.2"]
    """
)

BAD = textwrap.dedent(
    """\
    kind: reading-template
    key: broken
    version: 0
    name: A broken template
    description: Every problem a template can have.
    framework: urn:followup:framework:ci-children-2012
    colour: blue
    sections:
      - title: Assessment
        questions:
          - key: assessment
            prompt: How good is the assessment?
            records: [social_work, housing]
            answer: five_point
            indicators: ["5.2", "7.7", 2.1]
          - key: assessment
            prompt: Is there a plan?
            records: [social_work]
            answer: yes_no_na
          - key: notes
            prompt: Anything else?
            records: [health]
            answer: free_text
            critical: true
          - key: no-prompt
            answer: six_point
      - title: Nothing here
        questions: []
    """
)


def test_the_shipped_default_template_validates_against_the_2012_framework(db):
    data = parse_template_file(DEFAULT_FILE)
    assert data["key"] == DEFAULT_TEMPLATE_KEY
    assert data["name"] == "Followup default records template"
    assert "not the Care Inspectorate's" in data["description"]
    assert data["framework"] == CHILDREN_2012
    assert [section["title"] for section in data["sections"]] == [
        "Assessment and planning",
        "Chronologies",
        "Risk assessment",
        "Inter-agency referral discussions",
        "Children's views",
        "Protection plans",
        "Case conferences and reviews",
        "Management oversight",
    ]
    assert sorted(p.name for p in TEMPLATES_DIR.glob("*.yaml")) == ["followup-default-records.yaml"]


def test_the_shipped_template_loads_with_its_framework_and_links_each_question_to_indicators(db):
    results = load_template_library(OPERATOR)
    assert [(r.kind, r.urn, r.created) for r in results] == [
        ("scale", "urn:followup:scale:six-point", True),
        ("framework", CHILDREN_2012, True),
        ("template", DEFAULT_TEMPLATE_KEY, True),
    ]
    template = ReadingTemplate.objects.get()
    assert template.framework.urn == CHILDREN_2012
    assert TemplateSection.objects.filter(template=template).count() == 8
    questions = TemplateQuestion.objects.filter(template=template)
    chronology = questions.get(key="chronology-quality")
    assert chronology.prompt == (
        "How well does the chronology identify significant events and their impact on the child?"
    )
    assert [qi.ref_id for qi in chronology.indicators.all()] == ["5.2"]
    agencies = {agency.value for agency in Agency}
    for question in questions:
        assert set(question.records) <= agencies and question.records
        if question.answer != AnswerType.FREE_TEXT:
            assert question.indicators.exists(), question.key
        assert not (question.critical and question.answer == AnswerType.FREE_TEXT)
    assert questions.filter(critical=True).count() >= 5
    entry = AuditEntry.objects.get(verb="reading_template.load")
    assert entry.changes["key"] == [None, DEFAULT_TEMPLATE_KEY]
    assert entry.changes["file"] == [None, "followup-default-records.yaml"]


def test_loading_the_same_template_again_writes_nothing(db):
    load_template_library(OPERATOR)
    entries = AuditEntry.objects.count()
    again = load_template_library(OPERATOR)
    assert [(r.kind, r.created, r.messages) for r in again] == [
        ("template", False, ["already loaded, unchanged"])
    ]
    assert ReadingTemplate.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_malformed_template_gives_every_error_with_its_line_and_loads_nothing(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_template_file(path, OPERATOR)
    agencies = "social_work, health, education, police, reporter"
    assert caught.value.errors == [
        "broken.yaml, line 7: The template: unknown key 'colour' (expected one of: description, "
        "framework, key, kind, name, sections, version).",
        "broken.yaml, line 3: The template: 'version' must be a whole number of at least 1.",
        "broken.yaml, line 13: The question 'assessment': unknown agency 'housing' in 'records' "
        f"(expected any of: {agencies}).",
        "broken.yaml, line 14: The question 'assessment': unknown answer type 'five_point' "
        "(expected one of: six_point, yes_no_na, free_text).",
        "broken.yaml, line 15: The question 'assessment': each of 'indicators' must be text in "
        'quotes, e.g. "2.1"; got 2.1.',
        "broken.yaml, line 15: The question 'assessment': unknown quality indicator '7.7' in "
        "'indicators': the framework's are 1.1, 2.1, 2.2, 5.1, 5.2, 5.3, 6.2, 6.3, 9.4.",
        "broken.yaml, line 16: The question key 'assessment' is used twice (first on line 11).",
        "broken.yaml, line 24: The question 'notes': a free-text answer cannot be critical, as no "
        "answer is poorer than another: make the answer six_point or yes_no_na, or remove "
        "'critical'.",
        "broken.yaml, line 25: The question 'no-prompt': 'prompt' is required.",
        "broken.yaml, line 25: The question 'no-prompt': 'records' is required.",
        "broken.yaml, line 28: The section 'Nothing here' is empty: 'questions' must list at "
        "least one question.",
    ]
    assert not ReadingTemplate.objects.exists()
    assert not AuditEntry.objects.filter(verb="reading_template.load").exists()


def test_missing_top_keys_and_an_unknown_framework_are_named_with_their_lines(db):
    text = "kind: reading-template\nkey: Not A Key\nframework: urn:test:nowhere\n"
    with pytest.raises(LibraryFileError) as caught:
        parse_template_text(text, "short.yaml")
    assert caught.value.errors == [
        "short.yaml, line 2: The template: 'key' must be lower-case letters and digits joined by "
        "hyphens, e.g. followup-default; got 'Not A Key'.",
        "short.yaml, line 1: The template: 'version' is required.",
        "short.yaml, line 1: The template: 'name' is required.",
        "short.yaml, line 1: The template: 'description' is required.",
        "short.yaml, line 3: The template: the framework 'urn:test:nowhere' is neither loaded nor "
        "in the framework library; load it first (followup load-framework).",
        "short.yaml, line 1: The template: 'sections' is required.",
    ]


def test_a_framework_file_given_as_a_template_is_told_what_kind_is_expected(db):
    with pytest.raises(LibraryFileError) as caught:
        parse_template_text(GOOD.replace("kind: reading-template", "kind: framework"), "x.yaml")
    assert caught.value.errors == [
        "x.yaml, line 1: The template: 'kind' must be 'reading-template'; got 'framework'."
    ]


def test_changed_content_under_a_loaded_version_is_refused_and_a_new_version_loads(db, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    load_template_file(path, OPERATOR)
    path.write_text(GOOD.replace("significant events?", "key events?"), encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_template_file(path, OPERATOR)
    assert caught.value.errors == [
        "tiny.yaml: version 1 of the template 'tiny' is already loaded with different content; a "
        "loaded version never changes: make a new version (version: 2)."
    ]
    assert TemplateQuestion.objects.get().prompt.endswith("significant events?")
    path.write_text(
        GOOD.replace("significant events?", "key events?").replace("version: 1", "version: 2"),
        encoding="utf-8",
    )
    [result] = load_template_file(path, OPERATOR)
    assert (result.version, result.created) == (2, True)
    assert sorted(TemplateQuestion.objects.values_list("prompt", flat=True)) == [
        "How well does the chronology identify key events?",
        "How well does the chronology identify significant events?",
    ]


def test_once_a_sample_reads_with_a_version_it_can_never_change_nor_be_deleted(world, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    load_template_file(path, OPERATOR)
    template = ReadingTemplate.objects.get(key="tiny")
    assert not template.in_use()
    inspector = world.users["inspector"]
    inspection = world.home.inspection
    actions.upload_return(inspector, inspection, filename="r.csv", data=return_csv(10))
    sample = actions.draw_sample(inspector, inspection, size=4, seed=7, template=template)
    assert sample.template == template and template.in_use()
    path.write_text(GOOD.replace("critical: true", "critical: false"), encoding="utf-8")
    with pytest.raises(LibraryFileError) as caught:
        load_template_file(path, OPERATOR)
    assert caught.value.errors == [
        "tiny.yaml: version 1 of the template 'tiny' is already loaded with different content, "
        "and 1 sample read with it; a loaded version never changes: make a new version "
        "(version: 2)."
    ]
    assert TemplateQuestion.objects.get(template=template).critical
    with pytest.raises(ProtectedError):
        template.delete()


def test_the_draw_form_offers_the_templates_and_chooses_the_newest_default(world):
    load_template_library(OPERATOR)
    default = queries.default_reading_template()
    assert default is not None and default.key == DEFAULT_TEMPLATE_KEY
    client = world.client_for("inspector")
    actions.upload_return(
        world.users["inspector"], world.home.inspection, filename="r.csv", data=return_csv(10)
    )
    page = client.get(reverse("records:draw", args=["home", world.home.inspection.pk])).content
    assert (
        f'<option value="{default.pk}" selected>Followup default records template, version 1'
        in page.decode()
    )


def test_a_sample_drawn_on_the_form_reads_with_the_template_chosen_and_the_log_says_so(world):
    load_template_library(OPERATOR)
    template = ReadingTemplate.objects.get()
    client = world.client_for("inspector")
    actions.upload_return(
        world.users["inspector"], world.home.inspection, filename="r.csv", data=return_csv(10)
    )
    url = reverse("records:draw", args=["home", world.home.inspection.pk])
    response = client.post(url, {"size": 4, "seed": 11, "template": template.pk, **key(client)})
    assert response.status_code == 302
    sample = Sample.objects.get()
    assert sample.template == template
    entry = AuditEntry.objects.get(verb="sample.draw")
    assert entry.changes["template"] == [None, "Followup default records template, version 1"]


def template_url(world, template: ReadingTemplate) -> str:
    return reverse("records:template", args=["home", world.home.inspection.pk, template.pk])


def test_the_inspection_team_reads_a_template_from_the_records_reading_page(world):
    load_template_library(OPERATOR)
    template = ReadingTemplate.objects.get()
    client = world.client_for("inspector")
    reading = client.get(reverse("records:reading", args=["home", world.home.inspection.pk]))
    assert template_url(world, template) in reading.content.decode()
    page = client.get(template_url(world, template)).content.decode()
    assert '<h1 class="govuk-heading-l">Followup default records template</h1>' in page
    assert "not the Care Inspectorate&#x27;s template" in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Chronologies' in page
    assert "How well does the chronology identify significant events and their impact" in page
    assert "5.2* Assessing and responding to risks and needs" in page
    assert "Six-point scale (1 Unsatisfactory to 6 Excellent)" in page
    assert "Yes, no or not applicable" in page
    assert '<strong class="govuk-tag govuk-tag--red">Critical</strong>' in page
    assert "Social work, Health, Education, Police, Children&#x27;s Reporter" in page
    assert "Not yet." in page


def test_a_viewer_is_refused_the_template_page_and_an_outsider_told_it_does_not_exist(world):
    load_template_library(OPERATOR)
    url = template_url(world, ReadingTemplate.objects.get())
    assert world.client_for("viewer").get(url).status_code == 403
    assert world.client_for("lead").get(url).status_code == 403
    assert world.client_for("outsider").get(url).status_code == 404
    missing = reverse("records:template", args=["home", world.home.inspection.pk, 999_999])
    assert world.client_for("inspector").get(missing).status_code == 404


def test_a_sample_page_names_its_template(world):
    load_template_library(OPERATOR)
    template = ReadingTemplate.objects.get()
    sample = f.records_sample(world.home.inspection)
    sample.template = template
    sample.save()
    page = world.client_for("inspector").get(reverse("records:sample", args=["home", sample.pk]))
    assert template_url(world, template) in page.content.decode()
