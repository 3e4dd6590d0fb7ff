"""Who may see each page the project defines, and who may write through it: every URL pattern's
row, for every member of the cast (tests/conftest.py), the outsider and a signed-out visitor.

A URL pattern without a row here fails ``test_every_url_pattern_has_a_row_in_the_matrix``
(tests/partnerships/test_access_matrix.py): adding a page means deciding, here, who may see it
and who may write through it.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World
from tests.partnerships.matrix_objects import (
    Kwargs,
    administered,
    any_pk,
    as_,
    concern_in,
    fixed,
    framework_of,
    in_,
    invitation_link,
    invitation_of,
    leads_token,
    member_of,
    no_pack,
    notes_in,
    of,
    official_element,
    paired_in,
    person_in,
    read_by_both,
    round_of,
    sample_in,
    slug,
    template_in,
    update_file,
    waiting_update,
)

WHO = (
    "lead",
    "editor",
    "contributor",
    "viewer",
    "inspector",
    "admin",
    "outsider",
    "service_admin",
    None,
)


def expect(allowed: tuple[str, ...], ok: int = 200, denied: int = 403) -> dict[str | None, int]:
    """Members with the capability get ``ok``; other members ``denied``; the outsider 404, and so
    does a service administrator who is not a member."""
    result: dict[str | None, int] = {}
    for who in WHO:
        if who is None:
            result[who] = 302  # to the sign-in page
        elif who in ("outsider", "service_admin"):
            result[who] = 404
        else:
            result[who] = ok if who in allowed else denied
    return result


EVERYONE = ("lead", "editor", "contributor", "viewer", "inspector", "admin")


READ = expect(EVERYONE)


EDIT_PLAN = expect(("lead", "editor", "admin"))


UPDATE_ACTION = expect(("lead", "editor", "contributor", "admin"))


EDIT_INSPECTION = expect(("inspector", "admin"))


EDIT_REVIEW = expect(("inspector", "admin"))


MANAGE_DATA = expect(("lead", "editor", "admin"))


APPROVE_QUOTES = expect(("lead", "inspector", "admin"), ok=302)


CODE_EVIDENCE = expect(("lead", "editor", "contributor", "admin"))


# The inspection summary and the progress review report are the inspectorate's to publish.
PUBLISH = expect(("inspector", "admin"))


# Original words, excerpts, cases and exact small counts: those who code or approve evidence.
READ_EVIDENCE = expect(("lead", "editor", "contributor", "inspector", "admin"))


# Accepting and returning the plan's updates: lead officers and administrators (and those a lead
# delegates it to: tests/plans/test_signoff.py).
ACCEPT_UPDATES = expect(("lead", "admin"))


# The reading of children's records is the inspection team's: not even the partnership's lead.
READ_RECORDS = expect(("inspector", "admin"))


# The members pages: lead officers and the partnership's administrators, and service
# administrators (who see no other page of a partnership they are not a member of).
MANAGE_MEMBERS = {**expect(("lead", "admin")), "service_admin": 200}


# The administration pages are for service administrators; anyone else is told they do not
# exist (404), so that nothing is disclosed.
SERVICE_ADMIN = {**{w: 404 for w in WHO}, "service_admin": 200, None: 302}


POST_ONLY = {**{w: 405 for w in WHO}, None: 302}


def own(ok: int = 200, signed_out: int = 302) -> dict[str | None, int]:
    """A page of the person's own account: every member of the cast, the outsider included,
    gets ``ok``; a signed-out visitor ``signed_out`` (the sign-in page, unless it says else)."""
    return {who: ok if who is not None else signed_out for who in WHO}


def anyone(status: int) -> dict[str | None, int]:
    """The same for everyone, signed in or not (sign-in and password reset pages)."""
    return {who: status for who in WHO}


def owner_only(status: int) -> dict[str | None, int]:
    """The lead's own token: ``status`` for the lead, 404 for anyone else signed in."""
    return {**{who: 404 for who in WHO}, "lead": status, None: 302}


SIGNED_IN = {**{w: 200 for w in WHO}, None: 302}


# Every change of second factor asks for the password again first (allauth's reauthentication).
REAUTHENTICATE = {w: 302 for w in WHO}


# Second factors: each person's own (accounts.middleware sends un-enrolled inspectors and
# administrators to set one up; tests/accounts/test_second_factors.py). Only those who have one
# may confirm with a code; codes and recovery codes are shown only to those who have them.
MFA_ROWS: dict[str, tuple[Kwargs | None, dict[str | None, int], dict[str | None, int] | None]] = {
    "mfa_index": (None, SIGNED_IN, None),
    "mfa_authenticate": (None, REAUTHENTICATE, None),  # only between password and code
    "mfa_reauthenticate": (
        None,
        {**REAUTHENTICATE, "inspector": 200, "admin": 200, "service_admin": 200},
        None,
    ),
    "mfa_activate_totp": (None, REAUTHENTICATE, None),
    "mfa_deactivate_totp": (
        None,
        {**{w: 404 for w in WHO}, "inspector": 302, "admin": 302, "service_admin": 302, None: 302},
        None,
    ),
    "mfa_view_recovery_codes": (None, {**{w: 404 for w in WHO}, None: 302}, None),
    "mfa_generate_recovery_codes": (None, REAUTHENTICATE, None),
    "mfa_download_recovery_codes": (None, {**{w: 404 for w in WHO}, None: 302}, None),
    "mfa_list_webauthn": (None, SIGNED_IN, None),
    "mfa_add_webauthn": (None, REAUTHENTICATE, None),
    "mfa_remove_webauthn": (any_pk, REAUTHENTICATE, None),
    "mfa_edit_webauthn": (any_pk, REAUTHENTICATE, None),
    "mfa_reauthenticate_webauthn": (None, REAUTHENTICATE, None),
    # Sign out of other sessions: tests/accounts/test_sessions.py.
    "usersessions_list": (None, SIGNED_IN, None),
    # Only a service administrator resets another's second factors; the page does not exist
    # for anyone else.
    "accounts:reset_second_factors": (
        person_in,
        {**{w: 404 for w in WHO}, "service_admin": 200, None: 302},
        {**{w: 404 for w in WHO}, "service_admin": 302, None: 302},
    ),
}


# Reading assigned records: the inspection team and the partnership's administrators (and local
# readers, whom the cast lacks: tests/records/test_reading.py).
READ_ASSIGNED = expect(("inspector", "admin"))


# A record's pages are its pair's: the cast's admin is in it; the inspector, in no pair, is told
# it does not exist, as a reader of another pair is.
IN_PAIR = {**expect(("admin",)), "inspector": 404}


# name: (kwargs, expected GET status, expected POST status of an empty form, or None to skip)
MATRIX: dict[str, tuple[Kwargs | None, dict[str | None, int], dict[str | None, int] | None]] = {
    # A member of one partnership is sent to it; a service administrator sees the list, with
    # the administration link, even when a member of one.
    "front:home": (None, {**{w: 302 for w in WHO}, "service_admin": 200}, None),
    # Signed in already, the sign-in page sends one on; signed out, it is shown (again).
    "account_login": (None, own(302, signed_out=200), own(302, signed_out=200)),
    # GET asks "Sign out?"; only the POST signs out. Signed out, there is nothing to ask.
    "account_logout": (None, own(200), anyone(302)),
    # One's own account (django-allauth's pages, tests/accounts): the outsider too has one.
    "accounts:account": (None, own(), own(405)),
    # API tokens: one's own, listed and made by everyone; a token is its owner's page only.
    "accounts:tokens": (None, own(), own(405)),
    "accounts:token_create": (None, own(), own()),
    "accounts:token_made": (leads_token, owner_only(200), own(405)),
    "accounts:token_revoke": (leads_token, owner_only(200), owner_only(302)),
    "account_change_password": (None, own(), own()),
    "account_email": (None, own(), own(302)),
    "account_reauthenticate": (None, own(), own()),
    "account_confirm_email": (fixed(key="not-a-key"), anyone(200), anyone(404)),
    "account_email_verification_sent": (None, anyone(200), anyone(405)),
    "account_inactive": (None, anyone(200), anyone(405)),
    "account_reset_password": (None, anyone(200), anyone(200)),
    "account_reset_password_done": (None, anyone(200), anyone(405)),
    "account_reset_password_from_key": (
        fixed(uidb36="1", key="not-a-key"),
        anyone(200),
        anyone(200),
    ),
    "account_reset_password_from_key_done": (None, anyone(200), anyone(405)),
    # Every account has a password: setting a first one sends to changing it.
    "account_set_password": (None, anyone(302), anyone(302)),
    # Nobody signs up: signed out, the page says so; signed in, it sends one on.
    "account_signup": (None, own(302, signed_out=200), own(302, signed_out=200)),
    # Signing in or confirming by emailed code is off: these send one away.
    "account_confirm_login_code": (None, anyone(302), anyone(302)),
    # Confirming it is you by an emailed code is off (password or second factor only): refused.
    "account_request_reauthentication_code": (None, own(403), own(403)),
    "account_confirm_reauthentication_code": (None, own(403), own(403)),
    # Second factors and sessions (django-allauth): changing a factor asks for the password
    # again first (302); a factor one has not got is 404.
    "mfa_index": (None, own(), own(405)),
    "mfa_list_webauthn": (None, own(), own(405)),
    "mfa_activate_totp": (None, anyone(302), anyone(302)),
    "mfa_add_webauthn": (None, anyone(302), anyone(302)),
    "mfa_generate_recovery_codes": (None, anyone(302), anyone(302)),
    "mfa_reauthenticate": (None, anyone(302), anyone(302)),
    "mfa_reauthenticate_webauthn": (None, anyone(302), anyone(302)),
    "mfa_authenticate": (None, anyone(302), anyone(302)),
    "mfa_deactivate_totp": (None, own(404), own(404)),
    "mfa_download_recovery_codes": (None, own(404), own(404)),
    "mfa_view_recovery_codes": (None, own(404), own(405)),
    "mfa_edit_webauthn": (fixed(pk=999999), anyone(302), anyone(302)),
    "mfa_remove_webauthn": (fixed(pk=999999), anyone(302), anyone(302)),
    "usersessions_list": (None, own(), own(302)),
    # One's own notification settings: an empty form is refused and shown again (200).
    "mail:notifications": (None, own(), own()),
    # What is waiting for the person: every signed-in person has their own page (the outsider
    # too), showing only their partnerships' things (tests/front/test_for_you.py).
    "front:for_you": (None, own(), None),
    "front:partnership": (slug, READ, None),
    "front:recommendations": (slug, READ, None),
    "front:search": (slug, READ, None),
    "inspections:list": (slug, READ, None),
    "reviews:list": (slug, READ, None),
    "inspections:create": (slug, EDIT_INSPECTION, EDIT_INSPECTION),
    "inspections:detail": (of("inspection"), READ, None),
    "inspections:edit": (of("inspection"), EDIT_INSPECTION, EDIT_INSPECTION),
    "inspections:evaluation_create": (of("inspection"), EDIT_INSPECTION, EDIT_INSPECTION),
    "inspections:evaluation_edit": (of("evaluation"), EDIT_INSPECTION, EDIT_INSPECTION),
    "inspections:recommendation_create": (of("inspection"), EDIT_INSPECTION, EDIT_INSPECTION),
    "front:recommendation": (of("recommendation"), READ, None),
    "front:evaluation": (of("evaluation"), READ, None),
    "inspections:recommendation_edit": (of("recommendation"), EDIT_INSPECTION, EDIT_INSPECTION),
    "plans:list": (slug, READ, None),
    "plans:export_csv": (slug, READ, None),
    "plans:export_xlsx": (slug, READ, None),
    "plans:create": (slug, EDIT_PLAN, EDIT_PLAN),
    "plans:detail": (of("action"), READ, None),
    "plans:edit": (of("action"), EDIT_PLAN, EDIT_PLAN),
    # The update cycle: its schedule (an empty form is refused and shown again, 200), its rounds
    # and the record of their messages, for those who edit the plan.
    "plans:requests": (slug, EDIT_PLAN, None),
    "plans:round": (round_of, EDIT_PLAN, None),
    "plans:cycle": (slug, EDIT_PLAN, EDIT_PLAN),
    # The form that adds an update (answering a request, or revising a returned update).
    "plans:update_create": (of("action"), UPDATE_ACTION, UPDATE_ACTION),
    "plans:updates_waiting": (slug, ACCEPT_UPDATES, None),
    # The lead accepts first (302); those who may and post after are told who accepted (302).
    "plans:update_accept": (waiting_update, POST_ONLY, expect(("lead", "admin"), ok=302)),
    # An empty form has no one-time key and no reason: shown again (200), nothing decided.
    "plans:update_return": (waiting_update, ACCEPT_UPDATES, ACCEPT_UPDATES),
    # A file of an update: for every member who can see the action.
    "plans:update_file": (update_file, READ, None),
    "indicators:dashboard": (slug, READ, None),
    "indicators:detail": (of("indicator"), READ, None),
    "indicators:create": (slug, MANAGE_DATA, MANAGE_DATA),
    "indicators:edit": (of("indicator"), MANAGE_DATA, MANAGE_DATA),
    "indicators:download_csv": (of("indicator"), READ, None),
    "indicators:download_xlsx": (of("indicator"), READ, None),
    "indicators:tidy_csv": (of("indicator"), READ, None),
    "indicators:tidy_xlsx": (of("indicator"), READ, None),
    "indicators:elements": (slug, READ, None),
    "indicators:element_template": (official_element, READ, None),
    "indicators:quality": (slug, READ, None),
    "indicators:upload": (slug, MANAGE_DATA, MANAGE_DATA),
    # The lead posts first and imports the file (302); later posts see it already imported (200).
    "indicators:upload_preview": (of("upload"), MANAGE_DATA, {**MANAGE_DATA, "lead": 302}),
    # The lead discards the staged file (302); those who may then find it gone (404).
    "indicators:upload_discard": (
        of("upload"),
        {**{w: 405 for w in WHO}, None: 302},
        {**expect(("lead", "editor", "admin"), ok=404), "lead": 302},
    ),
    "evidence:sources": (slug, READ, None),
    "evidence:source_create": (slug, CODE_EVIDENCE, CODE_EVIDENCE),
    # A source's words are for those who code or approve evidence; only those who code may post
    # the coding form (200: errors shown).
    "evidence:source": (of("source"), READ_EVIDENCE, CODE_EVIDENCE),
    # The world's coding is quoted, so removing it is refused with a message (302 back to it).
    "evidence:coding_remove": (
        of("coding"),
        {
            **{w: 405 for w in WHO},
            None: 302,
        },  # POST only: 405 for any slug, so nothing is disclosed
        expect(("lead", "editor", "contributor", "admin"), ok=302),
    ),
    "evidence:survey_upload": (slug, CODE_EVIDENCE, CODE_EVIDENCE),
    # An empty POST chooses no roles: every column is left out, so nothing imports (200, errors).
    "evidence:survey_preview": (of("survey"), CODE_EVIDENCE, CODE_EVIDENCE),
    # The lead discards the staged survey (302); those who may then find it gone (404).
    "evidence:survey_discard": (
        of("survey"),
        {**{w: 405 for w in WHO}, None: 302},
        {**expect(("lead", "editor", "contributor", "admin"), ok=404), "lead": 302},
    ),
    # An empty form carries no one-time key (web.submissions): shown again, nothing proposed.
    "evidence:quote_create": (of("coding"), CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:quotes": (slug, READ, None),
    "evidence:quote_approve": (of("quote"), {**{w: 405 for w in WHO}, None: 302}, APPROVE_QUOTES),
    "evidence:codebook": (slug, READ, CODE_EVIDENCE),
    "evidence:exchange": (slug, CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:export_qdc": (slug, CODE_EVIDENCE, None),
    # A POST is the button of a large project's page (tests/jobs/test_exports.py); a small one
    # is sent as the GET sends it.
    "evidence:export_qdpx": (slug, CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:analysis": (slug, READ, None),
    "evidence:cases": (slug, READ_EVIDENCE, None),
    "reports:review": (of("review"), READ, None),
    "reports:review_file": (in_("review", "docx"), READ, None),
    # The check page, and its confirmation: an empty form publishes nothing (200, errors shown).
    "reports:review_publish": (of("review"), PUBLISH, PUBLISH),
    "reports:inspection": (of("inspection"), READ, None),
    "reports:inspection_file": (in_("inspection", "html"), READ, None),
    "reports:inspection_publish": (of("inspection"), PUBLISH, PUBLISH),
    # The progress pack: every member reads the packs and downloads the draft (a viewer as a
    # draft report); the plan's editors make one, and an empty form makes nothing (200, errors).
    "reports:pack": (slug, READ, EDIT_PLAN),
    "reports:pack_draft": (as_("xlsx"), READ, None),
    # A pack's stored file: the world has made none, so 404 for every member, and for the
    # outsider (tests/reports/test_progress_pack_pages.py reads a made one).
    "reports:pack_file": (no_pack, {**{w: 404 for w in WHO}, None: 302}, None),
    # The list of partnerships that have published: the same for anyone, signed in or not.
    "reports:public_index": (None, {w: 200 for w in WHO}, None),
    "reports:public": (slug, {w: 404 for w in WHO}, None),
    # A job's page: every member may follow their partnership's jobs; an outsider gets 404.
    "jobs:job": (of("job"), READ, None),
    # An export's file: for the person who asked for it, while they may read what it holds
    # (tests/jobs/test_exports.py). The world's job is an import, with no file: 404 for all.
    "jobs:download": (of("job"), {**{w: 404 for w in WHO}, None: 302}, None),
    # The health check: for load balancers, no sign-in (GET or HEAD; tests/jobs/test_healthz.py).
    "jobs:healthz": (None, anyone(200), None),
    "front:glossary": (None, anyone(200), None),
    "reports:public_file": (
        lambda site: {"slug": site.partnership.slug, "pk": 999999, "fmt": "pdf"},
        {w: 404 for w in WHO},
        None,
    ),
    "evidence:add_qi_codes": (
        framework_of,
        {**{w: 405 for w in WHO}, None: 302},
        expect(("lead", "editor", "contributor", "admin"), ok=302),
    ),
    "evidence:case_create": (slug, CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:case_edit": (of("case"), CODE_EVIDENCE, CODE_EVIDENCE),
    # Every field is optional, so an empty form is valid; but it lacks the version an edit
    # form carries, so the save is refused and the form shown again (200): nothing changes.
    "evidence:source_details": (of("source"), CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:coding_edit": (of("coding"), CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:matrix_download": (as_("csv"), READ, None),
    "evidence:cooccurrence_download": (as_("xlsx"), READ_EVIDENCE, None),
    "evidence:excerpts": (slug, READ_EVIDENCE, None),
    "evidence:excerpts_download": (as_("csv"), READ_EVIDENCE, READ_EVIDENCE),
    "evidence:code_edit": (of("code"), CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:code_merge": (of("code"), CODE_EVIDENCE, CODE_EVIDENCE),
    # An empty form is a refusal to delete a used code without confirming (200), for everyone who may.
    "evidence:code_delete": (of("code"), CODE_EVIDENCE, CODE_EVIDENCE),
    "evidence:add_wellbeing": (
        slug,
        {
            **{w: 405 for w in WHO},
            None: 302,
        },  # POST only: 405 for any slug, so nothing is disclosed
        expect(("lead", "editor", "contributor", "admin"), ok=302),
    ),
    # Records reading (tests/records): an empty form is refused and shown again (200).
    "records:reading": (of("inspection"), READ_RECORDS, None),
    "records:upload": (of("inspection"), READ_RECORDS, READ_RECORDS),
    "records:draw": (of("inspection"), READ_RECORDS, READ_RECORDS),
    "records:sample": (sample_in, READ_RECORDS, None),
    "records:purposive": (sample_in, READ_RECORDS, READ_RECORDS),
    "records:template": (template_in, READ_RECORDS, None),
    # The paired reading (tests/records/test_reading.py): an empty draft of one's own reading is
    # saved (302); an empty moderation form is refused and shown again (200).
    "records:progress": (sample_in, READ_RECORDS, None),
    "records:agreement": (sample_in, READ_RECORDS, None),
    "records:pair_add": (sample_in, READ_RECORDS, READ_RECORDS),
    "records:assign": (sample_in, READ_RECORDS, READ_RECORDS),
    # Releasing a sample's findings (tests/records/test_release.py): an empty form carries no
    # one-time key, so it is shown again (200) and nothing is released.
    "records:release": (sample_in, READ_RECORDS, READ_RECORDS),
    "records:queue": (slug, READ_ASSIGNED, None),
    "records:reassign": (paired_in, READ_RECORDS, READ_RECORDS),
    "records:record": (paired_in, IN_PAIR, {**IN_PAIR, "admin": 302}),
    "records:moderate": (read_by_both, IN_PAIR, IN_PAIR),
    # Concerns (tests/records/test_concerns.py): either of the record's pair, or the inspection
    # team, raises one (the cast's inspector, in no pair, too); only the inspection team sees
    # them and records their passing on. An empty form is refused and shown again (200).
    "records:raise_concern": (paired_in, READ_RECORDS, READ_RECORDS),
    "records:concerns": (sample_in, READ_RECORDS, None),
    "records:pass_on": (concern_in, READ_RECORDS, READ_RECORDS),
    # A sample's moderated notes made a qualitative source (tests/front/test_records_notes.py):
    # the inspection team's; an empty form carries no one-time key, so it is shown again (200)
    # and nothing is made.
    "front:notes_to_source": (notes_in, READ_RECORDS, READ_RECORDS),
    "reviews:create": (of("inspection"), EDIT_REVIEW, EDIT_REVIEW),
    "reviews:detail": (of("review"), READ, None),
    "reviews:edit": (of("review"), EDIT_REVIEW, EDIT_REVIEW),
    "front:judgement_edit": (
        lambda s: {
            "slug": s.partnership.slug,
            "pk": s.review.pk,
            "recommendation_pk": s.recommendation.pk,
        },
        EDIT_REVIEW,
        # Every field is optional: an empty form is valid, but without its version it is
        # refused and shown again (200).
        EDIT_REVIEW,
    ),
    **MFA_ROWS,
    # Members: an empty role form is refused and shown again (200); a button's POST returns to
    # the members page (302), however often it is pressed.
    "members:list": (slug, MANAGE_MEMBERS, None),
    "members:invite": (slug, MANAGE_MEMBERS, MANAGE_MEMBERS),
    "members:second_factor": (slug, MANAGE_MEMBERS, MANAGE_MEMBERS),
    "members:role_edit": (member_of, MANAGE_MEMBERS, MANAGE_MEMBERS),
    # Deactivating: a page saying what it will do, whose button posts.
    "members:deactivate": (
        member_of,
        MANAGE_MEMBERS,
        {**MANAGE_MEMBERS, "lead": 302, "admin": 302, "service_admin": 302},
    ),
    "members:reactivate": (
        member_of,
        POST_ONLY,
        {**MANAGE_MEMBERS, "lead": 302, "admin": 302, "service_admin": 302},
    ),
    "members:invitation_revoke": (
        invitation_of,
        POST_ONLY,
        {**MANAGE_MEMBERS, "lead": 302, "admin": 302, "service_admin": 302},
    ),
    "members:invitation_resend": (
        invitation_of,
        POST_ONLY,
        {**MANAGE_MEMBERS, "lead": 302, "admin": 302, "service_admin": 302},
    ),
    # The invitation's page: for the person it was sent to, who has no account yet; anyone
    # signed in is refused, their account lacking the address.
    "members:accept": (
        invitation_link,
        {**{w: 403 for w in WHO}, None: 200},
        {**{w: 403 for w in WHO}, None: 200},
    ),
    # Administration: an empty form is refused and shown again (200).
    "manage:partnerships": (None, SERVICE_ADMIN, None),
    "manage:partnership_create": (None, SERVICE_ADMIN, SERVICE_ADMIN),
    "manage:partnership": (administered, SERVICE_ADMIN, None),
    "manage:partnership_edit": (administered, SERVICE_ADMIN, SERVICE_ADMIN),
    "manage:partnership_archive": (
        administered,
        POST_ONLY,
        {**SERVICE_ADMIN, "service_admin": 302},
    ),
    "manage:organisation_create": (administered, SERVICE_ADMIN, SERVICE_ADMIN),
    "manage:organisation_edit": (of("organisation"), SERVICE_ADMIN, SERVICE_ADMIN),
    "manage:organisation_remove": (
        of("organisation"),
        POST_ONLY,
        {**SERVICE_ADMIN, "service_admin": 302},
    ),
    "manage:inspector_assign": (administered, SERVICE_ADMIN, SERVICE_ADMIN),
}


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # The Django admin has its own tests; the API (/api/) takes no session, only
                # tokens, and has its own matrix of every address (tests/api/test_matrix.py).
                if pattern.namespace in ("admin", "api"):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def url_of(world: World, name: str) -> str:
    kwargs = MATRIX[name][0]
    return reverse(name, kwargs=kwargs(world.home) if kwargs else None)
