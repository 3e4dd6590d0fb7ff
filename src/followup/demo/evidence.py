"""The demo's qualitative evidence for South Ayrshire: illustrative, written for the demo.

A staff survey and a children and young people's survey (CSV files imported through the survey
import every user has), and two focus-group notes. No real person's words: every text says so.

Coding is done here by keyword rules, the kind of first pass an analyst makes before reading
closely: each rule codes the sentences that contain one of its words. Five excerpts are proposed
as quotes, with names hidden; four are approved and linked to the areas for improvement, and one
is left waiting for approval, so both states can be seen.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.contrib.auth.models import User

from followup.evidence import actions, surveys
from followup.evidence.models import Code, Coding, Source
from followup.evidence.text import sentences
from followup.frameworks.models import Framework
from followup.inspections.models import Recommendation
from followup.partnerships.models import Partnership

DATA = Path(__file__).parent / "data" / "evidence"

# The partnership's own codes: (name, meaning, areas for improvement it is evidence for).
OWN_CODES = [
    ("Help at the right time", "Help that comes early, before problems grow.", [2, 4]),
    ("Waiting for support", "Waits for mental health and other support.", [4]),
    ("The same worker", "Keeping one worker, or losing them.", [4]),
    ("Out-of-school activities", "Clubs, sport and things to do.", [2]),
    ("Transport in rural areas", "Getting to activities and services from rural places.", [2]),
    ("Being listened to", "Being asked, heard and involved in decisions.", [5]),
    ("Staying with family", "Children staying with family, kin or in their area.", [3]),
    ("Leadership and vision", "How leaders lead and whether the vision is shared.", [1]),
    ("Showing the difference", "Evidence of the difference made, beyond figures.", [5]),
]

# Keyword rules: code key -> words; a sentence containing any of them gets the code.
# Keys: "own:NAME", "wellbeing:NAME" or "qi:URN-SUFFIX".
RULES: dict[str, tuple[str, ...]] = {
    "own:Help at the right time": ("earlier", "sooner", "before things", "within two weeks"),
    "own:Waiting for support": ("wait", "camhs", "counselling"),
    "own:The same worker": ("same worker", "new worker", "different workers", "turnover"),
    "own:Out-of-school activities": ("club", "football", "activities", "music"),
    "own:Transport in rural areas": ("bus", "transport"),
    "own:Being listened to": ("listen", "asked me", "ask me", "my words", "judged", "decided"),
    "own:Staying with family": (
        "kinship",
        "gran",
        "aunt",
        "stay in the family",
        "keep them",
        "placement until",
        "come into care",
        "outside the area",
    ),
    "own:Leadership and vision": ("leaders", "vision", "trusts"),
    "own:Showing the difference": ("performance data", "show the difference", "collect numbers"),
    "wellbeing:Safe": ("safe", "bullied", "huddle"),
    "wellbeing:Healthy": ("mental health", "camhs", "counselling", "health visitor"),
    "wellbeing:Achieving": ("attendance", "college", "job", "school"),
    "wellbeing:Nurtured": ("carer", "foster", "gran", "aunt", "my mum", "home"),
    "wellbeing:Active": ("football", "club", "activities", "music"),
    "wellbeing:Respected": ("listen", "asked me", "ask me", "my words", "judged"),
    "wellbeing:Responsible": ("chaired", "job interview", "cook"),
    "wellbeing:Included": ("rural", "bus", "transport", "young carers", "gaelic"),
    "qi:qi-wellbeing": ("safe", "attendance", "doing better"),
    "qi:qi-early-help": ("earlier", "sooner", "before things"),
    "qi:qi-individual-planning": ("plan", "review"),
    "qi:qi-participation": ("asked me", "ask me", "chaired", "my words", "my plan"),
    "qi:qi-planning-services": ("performance data", "show the difference", "pathway"),
    "qi:qi-leadership-improvement": ("leaders", "vision"),
}

# (source title, exact words, words to hide, own code, areas for improvement, approve?)
QUOTES = [
    (
        "Focus group: care-experienced young people (illustrative)",
        "They used to talk about me like I wasn't in the room. Now they ask me first and it's my plan.",
        "",
        "Being listened to",
        [5],
        True,
    ),
    (
        "Young people's survey 2018 (illustrative): respondent Y01",
        "Yes, my worker Lorna listens and she comes back when she says she will.",
        "Lorna | name",
        "The same worker",
        [4],
        True,
    ),
    (
        "Focus group: parents and kinship carers (illustrative)",
        "The family support worker came before things fell apart, not after.",
        "",
        "Help at the right time",
        [2, 4],
        True,
    ),
    (
        "Focus group: parents and kinship carers (illustrative)",
        "I'd never have managed keeping the three of them without that support.",
        "",
        "Staying with family",
        [3],
        True,
    ),
    (
        "Focus group: care-experienced young people (illustrative)",
        "By the time the appointment came I'd stopped caring.",
        "",
        "Waiting for support",
        [4],
        False,
    ),
]

# Dated inside the 2018 progress review's evidence gathering, before its fieldwork in February
# 2018, so that the review's report (evidence cut-off 28 February 2018) takes them in.
FOCUS_GROUPS = [
    (
        "Focus group: care-experienced young people (illustrative)",
        "focus_group_care_experienced.txt",
        "2018-01-16",
        {"Respondent group": "Child or young person", "Age band": "14 to 19", "Date": "2018-01-16"},
    ),
    (
        "Focus group: parents and kinship carers (illustrative)",
        "focus_group_parents_carers.txt",
        "2018-01-23",
        {"Respondent group": "Parent or carer", "Date": "2018-01-23"},
    ),
]
# (title, file, the day the survey closed: the date of every answer)
SURVEYS = [
    ("Staff survey 2018 (illustrative)", "staff_survey_2018.csv", "2018-01-12"),
    ("Young people's survey 2018 (illustrative)", "young_peoples_survey_2018.csv", "2018-01-19"),
]


def load_evidence(
    loader: User,
    partnership: Partnership,
    framework: Framework,
    recommendations: dict[int, Recommendation],
) -> None:
    actions.add_wellbeing_codes(loader, partnership)
    actions.add_qi_codes(loader, partnership, framework)
    codes: dict[str, Code] = {}
    for code in Code.objects.filter(partnership=partnership, origin="wellbeing"):
        codes[f"wellbeing:{code.name}"] = code
    for code in Code.objects.filter(partnership=partnership, quality_indicator__isnull=False):
        assert code.quality_indicator is not None
        codes[f"qi:{code.quality_indicator.urn.rsplit(':', 1)[1]}"] = code
    for name, meaning, areas in OWN_CODES:
        code = actions.create_code(loader, partnership, {"name": name, "description": meaning})
        actions.update_code(loader, code, {"recommendations": [recommendations[a] for a in areas]})
        codes[f"own:{name}"] = code
    _surveys(loader, partnership)
    for title, filename, collected, attributes in FOCUS_GROUPS:
        source = actions.create_source(
            loader,
            partnership,
            {
                "title": title,
                "kind": Source.Kind.FOCUS_GROUP,
                "text": (DATA / filename).read_text(encoding="utf-8"),
                "collected_on": datetime.date.fromisoformat(collected),
                "is_illustrative": True,
            },
        )
        case = actions.save_case(
            loader, partnership, None, {"name": title.split(" (")[0], "attributes": attributes}
        )
        actions.update_source_details(loader, source, {"case": case, "memo": ""})
    for source in Source.objects.filter(partnership=partnership):
        _code_by_rules(loader, source, codes)
    _quotes(loader, partnership, codes, recommendations)


def _questions() -> set[str]:
    found: set[str] = set()
    for filename in ("staff_survey_2018.csv", "young_peoples_survey_2018.csv"):
        with (DATA / filename).open(encoding="utf-8", newline="") as file:
            found.update(next(csv.reader(file)))
    return found


def _surveys(loader: User, partnership: Partnership) -> None:
    for title, filename, closed in SURVEYS:
        upload = surveys.stage_survey(
            loader,
            partnership,
            title=title,
            filename=filename,
            data=(DATA / filename).read_bytes(),
        )
        table = surveys.read(upload)
        roles = {header: "question" for header in table.headers}
        roles[table.headers[0]] = "respondent"
        for header in table.headers[1:]:
            if not header.endswith("?") and not header.endswith("more."):
                roles[header] = "attribute"
        surveys.import_survey(
            loader, upload, roles, collected_on=datetime.date.fromisoformat(closed)
        )
        # The demo's own label: these answers were written for the demo.
        Source.objects.filter(partnership=partnership, title__startswith=title).update(
            is_illustrative=True
        )


def _code_by_rules(loader: User, source: Source, codes: dict[str, Code]) -> None:
    # A survey answer's section titles are the questions: the respondent's words are the rest.
    titles = {line for line in source.text.splitlines() if line in _questions()}
    spans = [s for s in sentences(source.text) if not any(s.text in t for t in titles)]
    if source.kind == Source.Kind.FOCUS_GROUP:  # the first paragraph is the facilitator's heading
        spans = [s for s in spans if s.start > source.text.index("\n")]
    for key, words in RULES.items():
        hits = [(s.start, s.end) for s in spans if any(w in s.text.lower() for w in words)]
        if hits:
            actions.code_spans(loader, source, codes[key], hits)


def _quotes(
    loader: User,
    partnership: Partnership,
    codes: dict[str, Code],
    recommendations: dict[int, Recommendation],
) -> None:
    for title, words, hide, code_name, areas, approve in QUOTES:
        source = Source.objects.get(partnership=partnership, title=title)
        start = source.text.index(words)
        code = codes[f"own:{code_name}"]
        coding = (
            Coding.objects.filter(
                source=source, code=code, start=start, end=start + len(words)
            ).first()
            or actions.code_spans(loader, source, code, [(start, start + len(words))])[0]
        )
        quote = actions.propose_quote(
            loader,
            coding,
            {"redact": hide, "recommendations": [recommendations[a] for a in areas]},
        )
        if approve:
            actions.approve_quote(loader, quote)
