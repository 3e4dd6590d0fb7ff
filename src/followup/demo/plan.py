"""South Ayrshire's illustrative improvement plan: made up for the demonstration.

The real partnership's action plan was not available. These actions are plausible responses to
the five real areas for improvement; every one is stored with ``is_illustrative=True`` and every
page that shows them says so. Each entry: (title, owner kind, lead post, start, due, status,
recommendation numbers, [(date, status, rating, note), ...]).
"""

from __future__ import annotations

PlanEntry = tuple[str, str, str, str, str, str, list[int], list[tuple[str, str, str, str]]]

ORGANISATIONS = [
    ("South Ayrshire Council", "council"),
    ("NHS Ayrshire and Arran", "health"),
    ("Police Scotland (Ayrshire Division)", "police"),
    ("Third sector partners (illustrative)", "third_sector"),
]

PLAN: list[PlanEntry] = [
    (
        "Agree a shared vision and terms of reference for the chief officers' group",
        "council",
        "Chief Executive (chair, chief officers' group)",
        "2016-11-01",
        "2017-03-31",
        "complete",
        [1],
        [
            (
                "2017-01-16",
                "in_progress",
                "on_track",
                "Draft vision discussed at a development session with all chief officers.",
            ),
            (
                "2017-03-27",
                "complete",
                "on_track",
                "Vision and terms of reference agreed and published to staff.",
            ),
        ],
    ),
    (
        "Set up a joint strategic commissioning group for children's services",
        "council",
        "Head of Children's Health, Care and Justice",
        "2017-02-01",
        "2017-12-31",
        "in_progress",
        [1, 4],
        [
            (
                "2017-06-30",
                "in_progress",
                "at_risk",
                "Group formed; commissioning data from partners slower to arrive than planned.",
            ),
            (
                "2017-12-15",
                "in_progress",
                "off_track",
                "Joint commissioning plan not yet agreed; revised date proposed to chief officers.",
            ),
        ],
    ),
    (
        "Run a quarterly performance and quality assurance report to the chief officers' group",
        "council",
        "Performance and improvement lead",
        "2017-01-01",
        "2017-09-30",
        "complete",
        [1, 5],
        [
            (
                "2017-04-28",
                "in_progress",
                "on_track",
                "First quarterly report presented; measures agreed for each area for improvement.",
            ),
            (
                "2017-09-29",
                "complete",
                "on_track",
                "Report now routine each quarter; includes child protection and looked-after measures.",
            ),
        ],
    ),
    (
        "Extend out-of-school activities for young people in rural areas",
        "third_sector",
        "Youth work co-ordinator",
        "2017-01-09",
        "2017-12-22",
        "complete",
        [2],
        [
            (
                "2017-05-12",
                "in_progress",
                "on_track",
                "Transport agreed for two rural secondary catchments.",
            ),
            (
                "2017-12-20",
                "complete",
                "on_track",
                "Activities running in all rural catchments; attendance recorded each term.",
            ),
        ],
    ),
    (
        "Target literacy and numeracy support at schools in the most deprived areas",
        "council",
        "Head of Education (Quality and Improvement)",
        "2017-01-09",
        "2018-06-29",
        "in_progress",
        [2],
        [
            (
                "2017-06-30",
                "in_progress",
                "on_track",
                "Support staff in place in the schools chosen from deprivation data.",
            ),
            (
                "2018-01-19",
                "in_progress",
                "at_risk",
                "Attainment trend improving; measures of impact on individual children not yet agreed.",
            ),
        ],
    ),
    (
        "Agree an early help pathway with health visitors, schools and family support",
        "health",
        "Associate Nurse Director (children's services)",
        "2017-03-01",
        "2017-11-30",
        "complete",
        [2, 4],
        [
            (
                "2017-07-14",
                "in_progress",
                "on_track",
                "Pathway drafted and tested with two health visiting teams.",
            ),
            (
                "2017-11-24",
                "complete",
                "on_track",
                "Pathway launched with briefings for staff in all partner agencies.",
            ),
        ],
    ),
    (
        "Review every 11-15 year old accommodated away from home for a return to family or community",
        "council",
        "Service manager, children and families",
        "2016-12-01",
        "2017-06-30",
        "complete",
        [3],
        [
            (
                "2017-03-10",
                "in_progress",
                "on_track",
                "Reviews under way; each plan considered by a multi-agency panel.",
            ),
            (
                "2017-06-30",
                "complete",
                "on_track",
                "All reviews completed; plans for return home or kinship care agreed where safe.",
            ),
        ],
    ),
    (
        "Provide intensive family support to prevent young people being accommodated",
        "council",
        "Team leader, family support",
        "2017-04-03",
        "2018-03-30",
        "in_progress",
        [3],
        [
            (
                "2017-09-15",
                "in_progress",
                "on_track",
                "Service started; referrals from schools and social work.",
            ),
            (
                "2018-02-16",
                "in_progress",
                "on_track",
                "Fewer new admissions of 11-15 year olds than in the previous year; evaluation under way.",
            ),
        ],
    ),
    (
        "Train elected members and officers on corporate parenting duties",
        "council",
        "Corporate parenting lead officer",
        "2017-02-01",
        "2017-10-31",
        "complete",
        [3],
        [
            (
                "2017-10-27",
                "complete",
                "on_track",
                "Training delivered to members and senior officers; corporate parenting plan refreshed.",
            ),
        ],
    ),
    (
        "Align resources across partners through a joint resource group",
        "council",
        "Chief Finance Officer",
        "2017-04-03",
        "2018-03-30",
        "on_hold",
        [4],
        [
            (
                "2017-10-06",
                "on_hold",
                "off_track",
                "Paused until the joint commissioning plan is agreed.",
            ),
        ],
    ),
    (
        "Rewrite the Integrated Children's Services Plan around the wellbeing indicators",
        "council",
        "Children's services planning manager",
        "2016-11-14",
        "2017-04-28",
        "complete",
        [5],
        [
            (
                "2017-02-03",
                "in_progress",
                "on_track",
                "Consultation with children, young people and families completed.",
            ),
            (
                "2017-04-28",
                "complete",
                "on_track",
                "Plan approved; each priority linked to measures and to the eight wellbeing indicators.",
            ),
        ],
    ),
    (
        "Strengthen the Child Protection Committee's self-evaluation, including case-file audit",
        "police",
        "Chair, Child Protection Committee",
        "2017-01-09",
        "2018-03-30",
        "in_progress",
        [5, 1],
        [
            (
                "2017-08-11",
                "in_progress",
                "on_track",
                "Multi-agency case-file audit of 30 records completed.",
            ),
            (
                "2018-02-02",
                "in_progress",
                "at_risk",
                "Performance data gathered well; views of children and families not yet collected systematically.",
            ),
        ],
    ),
]
