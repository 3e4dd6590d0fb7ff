"""Load the demo: South Ayrshire's real 2016-2018 cycle and the fictional Glenmorran partnership.

Runs in one transaction and can be run again: it replaces the demo partnerships and users, with
everything in them, and touches nothing else (``followup.demo.replace``). Writes go through the
same action functions as the web pages, as the demo loader's user, so the demo also fills the
audit log.
"""

from __future__ import annotations

import base64
import csv
import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import User
from django.db import transaction

from followup.audit.log import diff, record, record_command, record_create, snapshot
from followup.demo import cycle as demo_cycle
from followup.demo.evidence import load_evidence
from followup.demo.indicators import create_demo_indicators
from followup.demo.plan import ORGANISATIONS, PLAN
from followup.demo.records import load_readings, load_records
from followup.demo.replace import DEMO_LOADER, remove_previous_demo
from followup.demo.statistics import load_statistics
from followup.frameworks.library import load_library
from followup.frameworks.models import Framework, QualityIndicator
from followup.inspections import actions as inspection_actions
from followup.inspections.models import Inspection, Recommendation
from followup.lib.types import CommandLine
from followup.partnerships.access import forget_memberships
from followup.partnerships.models import Area, Membership, Organisation, Partnership, Role
from followup.plans import actions as plan_actions
from followup.records.actions_templates import load_template_library
from followup.reviews import actions as review_actions

DATA = Path(__file__).resolve().parent / "data"
DEMO_SLUGS = ("south-ayrshire", "glenmorran")
CAST = [
    ("lead", "south-ayrshire", Role.LEAD),
    ("editor", "south-ayrshire", Role.EDITOR),
    ("contributor", "south-ayrshire", Role.CONTRIBUTOR),
    ("viewer", "south-ayrshire", Role.VIEWER),
    ("inspector", "south-ayrshire", Role.INSPECTOR),
    ("reader", "south-ayrshire", Role.READER),
    ("outsider", "glenmorran", Role.LEAD),
]
FRAMEWORK_2012 = "urn:followup:framework:ci-children-2012"
FRAMEWORK_2019 = "urn:followup:framework:ci-care-protection-2019"

# Followup's demo reading of the compiler's one-phrase summary of each finding, on the progress
# scale. The 2018 review itself described progress in words and graded nothing.
DEMO_LEVELS = {"1": 4, "2": 3, "3": 4, "4": None, "5": 3}
# Followup's demo interpretation of which QIs each area for improvement comes from.
DEMO_QI_LINKS = {
    "1": ["qi-leadership-improvement"],
    "2": ["qi-early-help", "qi-wellbeing"],
    "3": ["qi-individual-planning", "qi-wellbeing"],
    "4": ["qi-planning-services", "qi-early-help"],
    "5": ["qi-planning-services", "qi-participation"],
}
KEY_MESSAGES_2016 = """\
Children were generally safe and well protected because front-line staff worked well together.
Initial responses to child protection concerns were effective.
Assessment and planning were of good, consistent quality.
The child protection committee and chief officers group needed greater impetus to improve outcomes for children in need of protection and to respond to emerging risks.
Agencies had not yet shown that outcome gaps were narrowing.
Partners recognised they needed to strengthen their strategic overview of services for children."""


# The inspectorate's service administrator: a superuser, with an authenticator app whose secret
# `followup demo` prints, so that a tester can add it to their own app and sign in with a code.
DEMO_ADMIN = "admin"


@dataclass
class DemoSignIn:
    username: str
    partnership: str
    role: str
    totp_secret: str = ""
    totp_uri: str = ""


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_demo(
    password: str | None = None, operator: CommandLine | None = None
) -> tuple[str, list[DemoSignIn]]:
    """Load the demo, replacing the previous one; return the password and the sign-ins.
    ``operator`` (the command line's) is recorded as having loaded it, with what the reload
    removed. Raises ``DemoRefused``, having changed nothing, if replacing the previous demo
    would touch anything that is not the demo's."""
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        removed = remove_previous_demo(DEMO_SLUGS, [c[0] for c in CAST] + [DEMO_ADMIN])
        if operator is not None:
            record_command(
                operator, "demo", changes={"command": [None, "followup demo"], **removed.changes()}
            )
        loader = User.objects.filter(username=DEMO_LOADER).first() or User.objects.create_user(
            DEMO_LOADER, password=None
        )
        loader.is_active = True
        loader.save(update_fields=["is_active"])
        load_library(loader)
        load_template_library(loader)
        load_statistics(loader)
        south = _south_ayrshire(loader)
        glen = _glenmorran(loader)
        partnerships = {"south-ayrshire": south, "glenmorran": glen}
        sign_ins = []
        cast: dict[str, User] = {}
        for username, slug, role in CAST:
            # A confirmed address on a domain reserved for examples, so that a tester can try
            # the password reset from the console of `make demo`.
            address = f"{username}@example.org"
            user = User.objects.create_user(username, email=address, password=password)
            EmailAddress.objects.create(user=user, email=address, primary=True, verified=True)
            Membership.objects.create(user=user, partnership=partnerships[slug], role=role)
            sign_ins.append(DemoSignIn(username, partnerships[slug].name, Role(role).label))
            cast[username] = user
        sign_ins.append(_service_admin(loader, password))
        demo_cycle.accept_earlier_updates(loader, [south, glen])
        demo_cycle.set_leads(loader, south, cast)
        demo_cycle.load_cycle(loader, south, cast)
        sample = load_records(cast["inspector"], Inspection.objects.get(partnership=south))
        load_readings(cast["inspector"], cast["reader"], sample)
        Membership.objects.filter(user=loader).delete()
        loader.is_active = False
        loader.save(update_fields=["is_active"])
    return password, sign_ins


def _service_admin(loader: User, password: str) -> DemoSignIn:
    """The demo's service administrator, recorded as made by the loader (so that the next load
    may replace it), with a TOTP authenticator made from a new secret."""
    admin = User.objects.create_superuser(DEMO_ADMIN, f"{DEMO_ADMIN}@example.org", password)
    record(loader, "user.create", admin, diff({}, snapshot(admin)))
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    TOTP.activate(admin, secret)
    uri = get_mfa_adapter().build_totp_url(admin, secret)
    return DemoSignIn(DEMO_ADMIN, "every partnership", "Service administrator", secret, uri)


def _admin_of(user: User, partnership: Partnership) -> None:
    Membership.objects.create(user=user, partnership=partnership, role=Role.ADMIN)
    forget_memberships(user)


def _south_ayrshire(loader: User) -> Partnership:
    # Areas are shared, and official: load_statistics brought them up to date from the register.
    area = Area.objects.get(code="S12000028")
    partnership = Partnership.objects.create(
        slug="south-ayrshire",
        name="South Ayrshire children's services partnership",
        area=area,
        description=(
            "The real 2016 joint inspection and 2018 progress review, from public sources. "
            "The improvement plan shown here is illustrative."
        ),
    )
    record_create(loader, "partnership.create", partnership, partnership)
    _admin_of(loader, partnership)
    organisations = {
        kind: Organisation.objects.create(partnership=partnership, name=name, kind=kind)
        for name, kind in ORGANISATIONS
    }
    framework = Framework.objects.filter(urn=FRAMEWORK_2012).order_by("-version").first()
    assert framework is not None
    inspection, recommendations = _south_ayrshire_inspection(loader, partnership, framework)
    _plan(loader, partnership, organisations, recommendations)
    create_demo_indicators(loader, partnership, recommendations)
    load_evidence(loader, partnership, framework, recommendations)
    _south_ayrshire_review(loader, inspection, recommendations)
    return partnership


def _south_ayrshire_inspection(
    loader: User, partnership: Partnership, framework: Framework
) -> tuple[Inspection, dict[int, Recommendation]]:
    """The 2016 joint inspection, its evaluations and its areas for improvement."""
    inspection = inspection_actions.create_inspection(
        loader,
        partnership,
        framework,
        {
            "title": "Joint inspection of services for children and young people in South Ayrshire",
            "scope": (
                "All services for children, young people and families in the community planning "
                "partnership area: social work, health, education, police and the third sector."
            ),
            "fieldwork_start": _d("2016-04-25"),
            "fieldwork_end": _d("2016-06-10"),
            "published_on": _d("2016-10-04"),
            "status": Inspection.Status.PUBLISHED,
            "key_messages": KEY_MESSAGES_2016,
            "source_note": (
                "Care Inspectorate news 3404; South Ayrshire CPP response (Ayrshire Daily News, "
                "4 October 2016). The Care Inspectorate's 2018 press release calls the report "
                "'published in October 2017'; every other source dates it 4 October 2016."
            ),
        },
    )
    indicators = {qi.name: qi for qi in framework.assessable_indicators()}
    for row in _rows("south_ayrshire_inspection_evaluations.csv"):
        basis = "stated" if row["basis"] == "stated" else "inferred"
        inspection_actions.create_evaluation(
            loader,
            inspection,
            indicators[row["quality_indicator_title"]],
            {
                "grade": int(row["evaluation_number"]),
                "basis": basis,
                "source_note": f"{row['basis'].capitalize()}. Source: {row['source_title']} ({row['source_url']})",
            },
        )
    by_suffix = {qi.urn.rsplit(":", 1)[1]: qi for qi in indicators.values()}
    rows = _rows("south_ayrshire_areas_for_improvement.csv")
    recommendations = {}
    for row in rows:
        if row["area_id"] == "overall":
            continue
        recommendations[int(row["area_id"])] = inspection_actions.create_recommendation(
            loader,
            inspection,
            {
                "number": int(row["area_id"]),
                "text": row["area_for_improvement_2016"],
                "source_note": (
                    f"Wording as listed in the press ({row['source_titles']}); the report's exact "
                    "wording was not available. Links to quality indicators are Followup's demo "
                    "interpretation."
                ),
                "quality_indicators": [by_suffix[s] for s in DEMO_QI_LINKS[row["area_id"]]],
            },
        )
    return inspection, recommendations


def _south_ayrshire_review(
    loader: User, inspection: Inspection, recommendations: dict[int, Recommendation]
) -> None:
    """The 2018 progress review and its judgement of each area for improvement."""
    rows = _rows("south_ayrshire_areas_for_improvement.csv")
    overall = next(row for row in rows if row["area_id"] == "overall")
    review = review_actions.create_review(
        loader,
        inspection,
        {
            "title": "Progress review of services for children and young people in South Ayrshire",
            "published_on": _d("2018-05-01"),
            # The end of the fieldwork month: the exact fieldwork dates were not found.
            "evidence_cutoff": _d("2018-02-28"),
            "status": "published",
            "overall_conclusion": (
                "Partners took the findings very seriously, and there was encouraging progress "
                "across most of the recommendations. Strategic leadership and direction were "
                "significantly strengthened. There was good progress in gathering performance "
                "data, but more qualitative data is needed to show the difference being made to "
                "outcomes for children and young people."
            ),
            "further_review_required": False,
            "further_review_note": "Inspectors agreed no further review work is required in relation to the 2016 report.",
            "source_note": (
                "Fieldwork February 2018 (exact dates not found); published 1 May, the year 2018 "
                "inferred. Evidence cut-off 28 February 2018, the end of the fieldwork month: a "
                f"Followup demo choice. Sources: {overall['source_titles']}."
            ),
        },
    )
    for row in rows:
        if row["area_id"] == "overall":
            continue
        level = DEMO_LEVELS[row["area_id"]]
        level_note = (
            f"Progress level: Followup's demo reading of the published wording "
            f"('{row['progress_characterisation']}'); the 2018 review graded nothing on a scale."
            if level is not None
            else "Not placed on the progress scale: the detailed finding was not retrieved."
        )
        review_actions.set_judgement(
            loader,
            review,
            recommendations[int(row["area_id"])],
            {
                "level": level,
                "narrative": row["progress_review_finding_2018"],
                "source_note": f"{level_note} Sources: {row['source_titles']}.",
            },
        )


def _plan(
    loader: User,
    partnership: Partnership,
    organisations: dict[str, Organisation],
    recommendations: dict[int, Any],
) -> None:
    for title, owner, lead, start, due, _status, recs, updates in PLAN:
        action = plan_actions.create_action(
            loader,
            partnership,
            {
                "title": title,
                "owner_organisation": organisations[owner],
                "lead_person": lead,
                "start_date": _d(start),
                "due_date": _d(due),
                "status": "not_started",
                "is_illustrative": True,
                "recommendations": [recommendations[n] for n in recs],
            },
        )
        for on, status, rating, note in updates:
            plan_actions.add_update(
                loader, action, {"on": _d(on), "status": status, "rating": rating, "note": note}
            )


def _glenmorran(loader: User) -> Partnership:
    partnership = Partnership.objects.create(
        slug="glenmorran",
        name="Glenmorran children's services partnership",
        is_fictional=True,
        description="A fictional partnership for demonstrations and tests. Nothing here is real.",
    )
    record_create(loader, "partnership.create", partnership, partnership)
    _admin_of(loader, partnership)
    council = Organisation.objects.create(
        partnership=partnership, name="Glenmorran Council (fictional)", kind="council"
    )
    framework = Framework.objects.filter(urn=FRAMEWORK_2019).order_by("-version").first()
    assert framework is not None
    inspection = inspection_actions.create_inspection(
        loader,
        partnership,
        framework,
        {
            "title": "Joint inspection of services for children at risk of harm in Glenmorran (fictional)",
            "fieldwork_start": _d("2024-09-02"),
            "fieldwork_end": _d("2025-01-31"),
            "published_on": _d("2025-04-15"),
            "status": Inspection.Status.PUBLISHED,
            "key_messages": "Fictional: children at risk of harm were seen promptly.",
            "source_note": "Fictional data for demonstrations and tests.",
        },
    )
    qi = QualityIndicator.objects.get(framework=framework, ref_id="2.1")
    inspection_actions.create_evaluation(
        loader, inspection, qi, {"grade": 4, "basis": "stated", "source_note": "Fictional."}
    )
    recommendation = inspection_actions.create_recommendation(
        loader,
        inspection,
        {
            "number": 1,
            "text": "Fictional: improve the timeliness of initial case conferences.",
            "quality_indicators": [qi],
        },
    )
    action = plan_actions.create_action(
        loader,
        partnership,
        {
            "title": "Fictional: weekly review of case conference dates",
            "owner_organisation": council,
            "status": "in_progress",
            "is_illustrative": True,
            "recommendations": [recommendation],
        },
    )
    plan_actions.add_update(
        loader,
        action,
        {
            "on": _d("2025-06-02"),
            "status": "in_progress",
            "rating": "on_track",
            "note": "Fictional update.",
        },
    )
    return partnership
