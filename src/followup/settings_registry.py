"""The one registry of the environment variables Followup reads.

Each variable is declared here once, with its type, default, limits and meaning. ``settings.py``
(and the ``followup`` command, for the few it reads itself) reads a variable by its name through
the ``setting_*`` functions below, which take the default and limits from here and read through the
strict helpers of ``followup.env``. The table in ``docs/configuration.md`` is generated from
``SETTINGS`` (``make docs``), and the docs tests fail when the table is out of date or when the
code reads a variable that is not declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from followup.env import (
    MAKE_A_KEY,
    SECRET_KEY_MIN_BITS,
    Secret,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    folder_storage,
    object_storage,
    read_secret,
)

Kind = Literal["text", "path", "url", "secret", "bool", "int", "list", "choice"]
Default = str | bool | int | tuple[str, ...] | None


@dataclass(frozen=True)
class Setting:
    """One environment variable. ``default`` None means there is none; ``shown_default`` is how
    the docs show it when the value alone would mislead; ``production`` says what a production
    server needs of it (empty: nothing)."""

    name: str
    kind: Kind
    default: Default
    meaning: str
    shown_default: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    production: str = ""


REQUIRED = "required"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "FOLLOWUP_SECRET_KEY",
        "secret",
        None,
        "Django's secret key: long and random, kept secret. Used to sign sessions and tokens. "
        f"Make one with `{MAKE_A_KEY}`. Set but empty, it stops the process. Unless "
        "`FOLLOWUP_DEBUG` is on, a weak key stops the process too, with the reason: shorter than "
        "50 characters, a shorter pattern repeated (`password` eight times), too little variety "
        "for a random key (its length times log2 of the number of different characters under "
        f"{SECRET_KEY_MIN_BITS} bits: Django's keys have about 250, 64 hexadecimal digits from "
        "`openssl rand -hex 32` about 256), or starting `django-insecure-`.",
        production="required: this or `FOLLOWUP_SECRET_KEY_FILE`",
    ),
    Setting(
        "FOLLOWUP_SECRET_KEY_FILE",
        "path",
        None,
        "A file holding the secret key instead (for container or systemd secrets), held to the "
        "same rules; a weak key in it is reported with this variable and the file named. Set "
        "this or `FOLLOWUP_SECRET_KEY`, not both; set but empty, it stops the process. The file "
        "must be readable by Followup's user only: `followup check --deploy` warns "
        "(`followup.W001`) when its group or others may read it.",
        production="required: this or `FOLLOWUP_SECRET_KEY`",
    ),
    Setting(
        "FOLLOWUP_DEBUG",
        "bool",
        False,
        "Django's debug pages. Never on a shared server: they show settings and data.",
        production="off",
    ),
    Setting(
        "FOLLOWUP_ALLOWED_HOSTS",
        "list",
        ("localhost", "127.0.0.1", "[::1]"),
        "Host names the server answers to.",
        production=REQUIRED,
    ),
    Setting(
        "FOLLOWUP_CSRF_TRUSTED_ORIGINS",
        "list",
        (),
        "Origins (`https://host`) trusted for form posts, needed behind some proxies.",
    ),
    Setting(
        "FOLLOWUP_DATA_DIR",
        "path",
        "var",
        "Where local files live: the SQLite database, the local-mode secret key, collected "
        "static files.",
        shown_default="`var` (relative to the working folder)",
    ),
    Setting(
        "DATABASE_URL",
        "url",
        "",
        "`sqlite:///relative/path.sqlite3`, `sqlite:////absolute/path.sqlite3`, or "
        "`postgresql://user:password@host:port/name?sslmode=require`. On SQLite each "
        "transaction takes the write lock when it begins and waits up to 20 seconds for it, so "
        "that two writers take turns.",
        shown_default="SQLite at `FOLLOWUP_DATA_DIR/followup.sqlite3`",
        production="PostgreSQL",
    ),
    Setting(
        "FOLLOWUP_HTTPS",
        "bool",
        True,
        "Secure cookies, redirect to HTTPS and HSTS. Turn off only for a server reached on this "
        "machine.",
        production="on",
    ),
    Setting(
        "FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED",
        "bool",
        True,
        "Inspectors, administrators and superusers must set up a second factor (an authenticator "
        "app or a security key) before they can reach any other page. `make demo` turns it off "
        "so that the demo's inspector can sign in with the password alone; "
        "`FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED=true make demo` shows the requirement. A "
        "partnership can still require a second factor of all its members, and anyone who has "
        "set one up is asked for it. `followup check --deploy` fails when it is off.",
        production="on",
    ),
    Setting(
        "FOLLOWUP_SSL_REDIRECT",
        "bool",
        True,
        "Redirect plain HTTP to HTTPS (when `FOLLOWUP_HTTPS` is on). Turn off if the proxy "
        "already does it.",
    ),
    Setting(
        "FOLLOWUP_TRUSTED_PROXY",
        "text",
        "",
        "The address of the reverse proxy in front of `followup serve` (one address, as waitress "
        "sees it connect, such as `127.0.0.1`). Requests from it have their scheme, host and "
        "client address taken from the headers in `FOLLOWUP_TRUSTED_PROXY_HEADERS`: the client "
        "address is the one the proxy added last to `X-Forwarded-For`, never one a client wrote. "
        "Those headers from anyone else are removed. See docs/deploy.md.",
        production="required with `followup serve`: the proxy's address",
    ),
    Setting(
        "FOLLOWUP_TRUSTED_PROXY_HEADERS",
        "text",
        "x-forwarded-for x-forwarded-proto x-forwarded-host",
        "The headers `followup serve` takes from the trusted proxy, separated by spaces.",
    ),
    Setting(
        "FOLLOWUP_BEHIND_PROXY",
        "bool",
        False,
        "Only for a WSGI server other than `followup serve`: trust `X-Forwarded-Proto: https` "
        "from every client (Django's `SECURE_PROXY_SSL_HEADER`). Only behind a proxy that sets "
        "it and strips it from clients, and that server must set `REMOTE_ADDR` to the client's "
        "address itself. With `followup serve`, set `FOLLOWUP_TRUSTED_PROXY` instead.",
    ),
    Setting(
        "FOLLOWUP_HSTS_SECONDS",
        "int",
        31536000,
        "How long browsers must use HTTPS only.",
        shown_default="`31536000` with HTTPS, else `0`",
        minimum=0,
    ),
    Setting(
        "FOLLOWUP_HSTS_INCLUDE_SUBDOMAINS",
        "bool",
        True,
        "HSTS applies to subdomains too.",
    ),
    Setting(
        "FOLLOWUP_HSTS_PRELOAD",
        "bool",
        False,
        "Adds the `preload` directive. Turn on once the domain is ready for browsers' preload "
        "lists: the list binds every name under the registrable domain, which a service on a "
        "council's subdomain cannot decide, so `followup check --deploy` does not ask for it "
        "(Django's `security.W021` is left out while this is off).",
    ),
    Setting(
        "FOLLOWUP_SESSION_IDLE_MINUTES",
        "int",
        30,
        "Minutes without a request after which a signed-in person is signed out, and told why.",
        minimum=5,
        maximum=24 * 60,
    ),
    Setting(
        "FOLLOWUP_SESSION_ABSOLUTE_HOURS",
        "int",
        12,
        "Hours after signing in after which a person is signed out however active they are, and "
        "told why. Sessions also end when the browser closes.",
        minimum=1,
        maximum=7 * 24,
    ),
    Setting(
        "FOLLOWUP_PASSWORD_MIN_LENGTH",
        "int",
        12,
        "Shortest password accepted. Passwords that are easy to guess are refused too "
        "(`FOLLOWUP_PASSWORD_MIN_SCORE`).",
        minimum=8,
    ),
    Setting(
        "FOLLOWUP_PASSWORD_MIN_SCORE",
        "int",
        3,
        "How hard to guess a password must be, on zxcvbn's scale from 0 (among the most common "
        "passwords, or a pattern such as `aaaaaaaaaaaa`) to 4 (very hard to guess). The check "
        "looks for common passwords, words, names, dates, keyboard patterns, repeats and the "
        "person's username and email address, as the NCSC advises, instead of asking for "
        "capitals, digits or symbols. A passphrase of three or four random words passes.",
        minimum=1,
        maximum=4,
    ),
    Setting(
        "FOLLOWUP_PASSWORD_RESET_MINUTES",
        "int",
        60,
        "Minutes a password reset link works for. A link works once: setting the password, or "
        "signing in, ends it.",
        minimum=5,
        maximum=7 * 24 * 60,
    ),
    Setting(
        "FOLLOWUP_LOGIN_FAILURE_LIMIT",
        "int",
        5,
        "Failed sign-ins to one account (from any address) within the window before each further "
        "attempt must wait: 30 seconds, then twice as long after each further failure, up to "
        "`FOLLOWUP_LOGIN_DELAY_CAP`, and the account's owner is emailed once. A device the owner "
        "signed in from before is not held back, but gets this many failures of its own. A name "
        "that is no account is counted and answered the same way.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_LOGIN_FAILURE_WINDOW",
        "int",
        15 * 60,
        "Seconds over which failed sign-ins are counted; older ones are deleted as people sign in.",
        shown_default="`900` (15 minutes)",
        minimum=60,
    ),
    Setting(
        "FOLLOWUP_LOGIN_ADDRESS_LIMIT",
        "int",
        20,
        "Failed sign-ins from one client address (to any accounts) within the window before that "
        "address is refused until the window has passed. Known devices are not refused.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_LOGIN_DELAY_CAP",
        "int",
        15 * 60,
        "The longest wait, in seconds, between attempts to sign in to an account under attack.",
        shown_default="`900` (15 minutes)",
        minimum=30,
    ),
    Setting(
        "FOLLOWUP_KNOWN_DEVICE_DAYS",
        "int",
        90,
        "Days a browser stays a known device of an account after signing in to it (a signed, "
        "HttpOnly cookie): its attempts are not held back when the account is under attack.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_INVITATION_DAYS",
        "int",
        7,
        "Days an invitation link to join a partnership works. It works once, and only for the "
        "address it was sent to; resending an invitation sends a new link for this many days "
        "and the old link stops working.",
        minimum=1,
        maximum=90,
    ),
    Setting(
        "FOLLOWUP_API_REQUESTS_PER_MINUTE",
        "int",
        600,
        "Requests one API token may make in a minute (`/api/v1/`). Past it the API answers "
        "`429 Too Many Requests` with `Retry-After`, the seconds to wait. Counted in the "
        "database, one atomic statement a request, so that every `followup serve` process and "
        "thread shares the count and parallel requests are each counted.",
        minimum=1,
        maximum=100_000,
    ),
    Setting(
        "FOLLOWUP_API_READ_SECONDS",
        "int",
        30,
        "Seconds of database work one API read (`GET`) may take. Past it the query is stopped "
        "and the API answers `503` saying how to ask for less (fewer rows a page, narrower "
        "filters, no count), so that one request asking for too much cannot hold a serving "
        "thread and the database. On PostgreSQL each query is limited (`statement_timeout`); "
        "on SQLite the request's database work as a whole.",
        minimum=1,
        maximum=3600,
    ),
    Setting(
        "FOLLOWUP_API_UNAUTHENTICATED_REQUESTS_PER_MINUTE",
        "int",
        60,
        "API requests without a valid token (none, or one unknown, expired, revoked or refused) "
        "one client address may make in a minute; an IPv6 address is counted by its /64. Past "
        "it they get `429 Too Many Requests` with `Retry-After`; valid tokens from that address "
        "still work. The address is the connecting one (behind a proxy, as "
        "`FOLLOWUP_TRUSTED_PROXY` says), never one a client wrote. The API's public OpenAPI "
        "document and reference pages are not counted.",
        minimum=1,
        maximum=100_000,
    ),
    Setting(
        "FOLLOWUP_MAX_UPLOAD_MB",
        "int",
        20,
        "The largest file accepted, in megabytes: a survey, a data file, a source's Word, PDF or "
        "text file, a REFI-QDA file. It sets every request-size limit at once: `followup serve` "
        "refuses a request body larger than this and 256 KB (room for the form's other fields) "
        "with a `413` page before reading it (Followup's first middleware, under any server; "
        "waitress's `max_request_body_size`, twice that, refuses a far larger body as soon as "
        "its headers arrive). Only a signed-in "
        "person's post to a page that takes a file, and data values sent to the API with a "
        "token (`dataValueSets`), may be this large: every other request "
        "(anything from a signed-out person, the sign-in page included, and every form without "
        "a file) is held to 2.5 MB (`MAX_FORM_BYTES` in `settings.py`, Django's default for form "
        "data and its `DATA_UPLOAD_MAX_MEMORY_SIZE`), and refused before it is read with a `413` "
        "page saying so. The fields beside a file, text pasted into the add-a-source form among "
        "them, are held to 2.5 MB too. What is inside a file has its own budgets "
        "([security](security.md#uploads)).",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "FOLLOWUP_STAGED_UPLOAD_DAYS",
        "int",
        7,
        "Days a survey or data file uploaded for import is kept while it waits to be imported. "
        "One never imported is deleted after this, at the next upload of its kind or by "
        "`followup purge-uploads` (run it daily); its preview page also lets it be discarded at "
        "once. An imported file is emptied at once.",
        minimum=1,
    ),
    # Background work (followup.jobs, docs/deploy.md#background-work).
    Setting(
        "FOLLOWUP_TASKS_BACKEND",
        "choice",
        "database",
        "Where long jobs (publishing a report, a large import or export) run. `database`: queued in the "
        "database and run by `followup worker`, which must run beside the web process. "
        "`immediate`: run inside the web request that starts them (tests, or a service without a "
        "worker; the page waits).",
        choices=("database", "immediate"),
    ),
    Setting(
        "FOLLOWUP_BACKGROUND_IMPORT_ROWS",
        "int",
        20_000,
        "A data file with more rows than this is imported by the worker, with a page that shows "
        "its progress; a smaller one is imported in the request. 0: every import in the "
        "background.",
        minimum=0,
    ),
    Setting(
        "FOLLOWUP_BACKGROUND_EXPORT_ROWS",
        "int",
        20_000,
        "A download of more rows than this (the excerpts of qualitative evidence, or a REFI-QDA "
        "project with more coded passages) is prepared by the worker: the person presses a "
        "button, and the job's page shows the progress and then gives them the file. A smaller "
        "one is sent in the request. 0: every such download in the background.",
        minimum=0,
    ),
    Setting(
        "FOLLOWUP_EXPORT_DAYS",
        "int",
        7,
        "Days a file prepared in the background is kept for the person who asked for it; "
        "`followup tick` then deletes it (the job's page says so).",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_WORKER_HEARTBEAT_SECONDS",
        "int",
        5,
        "Seconds between a worker's heartbeats (a row saying it is alive, and what it runs).",
        minimum=1,
        maximum=300,
    ),
    Setting(
        "FOLLOWUP_WORKER_STALE_SECONDS",
        "int",
        60,
        "A worker not heard from for this long is taken for stopped: `/healthz` answers 503, and "
        "a job it was running is started again from the beginning by another worker (at most "
        "three times; then it fails, having changed nothing). More than the heartbeat.",
        minimum=5,
    ),
    Setting(
        "FOLLOWUP_FINISHED_TASK_DAYS",
        "int",
        30,
        "`followup tick` deletes the background queue's rows for tasks finished more than this "
        "many days ago. The job records people see (what ran, who started it, how it ended) are "
        "kept.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_MAX_CODINGS_PER_SOURCE",
        "int",
        2_000,
        "The most codings one source may have. A REFI-QDA file with a source holding more is "
        "refused whole, naming the source and this limit; coding on a source's page stops here "
        "too. Raising it makes pages of the source no larger (they show codings a page at a "
        "time), but makes analysis of the partnership slower.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_MAX_CODINGS_PER_IMPORT",
        "int",
        20_000,
        "The most codings one `.qdpx` import may bring, all its sources together. A larger "
        "project is refused whole with this limit named; import its sources in smaller files.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_MAX_CODES",
        "int",
        1_000,
        "The most codes one partnership's codebook may hold. A `.qdc` or `.qdpx` file with more "
        "codes, or whose new codes would take the codebook past it, is refused whole with this "
        "limit named; adding a code on the codebook page stops here too. The codebook, analysis "
        "and source pages list every code, so raising it makes them larger and slower.",
        minimum=1,
    ),
    Setting(
        "FOLLOWUP_TIME_ZONE",
        "text",
        "Europe/London",
        "Time zone for dates shown on pages. Times are stored in UTC.",
    ),
    Setting(
        "FOLLOWUP_LOG_LEVEL",
        "choice",
        "INFO",
        "How much is logged. Logs go to standard error: one line per request "
        "(`followup.access`), one line per refusal (403, 404, 400), a traceback per server "
        "error. `WARNING` leaves out the line per request.",
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    ),
    Setting(
        "FOLLOWUP_CACHE_URL",
        "url",
        "",
        "Where the cache shared by every `followup serve` process is kept. allauth keeps the "
        "one-use TOTP codes and the count of wrong second-factor codes there, so every process "
        "must see the same cache. Empty: a table in the database (`followup_cache`, made by "
        "`followup setup` and `followup migrate`), which needs no other service. `redis://host:port/db` (or "
        "`rediss://`, `unix://`): Redis, which needs the `redis` Python package installed "
        "beside Followup. Anything else stops the process, naming this variable.",
        shown_default="a table in the database",
    ),
    Setting(
        "FOLLOWUP_SERVE_PROCESSES",
        "int",
        0,
        "Processes `followup serve` runs (its `--workers`). `0`: one per core.",
        minimum=0,
        maximum=256,
    ),
    Setting(
        "FOLLOWUP_SERVE_THREADS",
        "int",
        8,
        "Threads in each `followup serve` process (its `--threads`): the requests one process "
        "answers at once. On PostgreSQL each thread keeps a database connection, so "
        "`followup serve` holds up to processes x threads connections: keep that under "
        "PostgreSQL's `max_connections`, less what the worker and commands need.",
        minimum=1,
        maximum=256,
    ),
    Setting(
        "FOLLOWUP_DB_CONN_MAX_AGE",
        "int",
        60,
        "Seconds a PostgreSQL connection is kept open and reused by the thread that opened it "
        "(Django's `CONN_MAX_AGE`, with health checks), rather than opened for every request. "
        "`0` opens one per request.",
        minimum=0,
    ),
    Setting(
        "FOLLOWUP_EMAIL_URL",
        "url",
        None,
        "How email is sent (password reset links, email address checks, invitations). "
        "`smtp://user:password@host:port` (plain; add `?tls=true` for STARTTLS), "
        "`smtp+tls://user:password@host:port` (STARTTLS, port 587 if none is given), "
        "`smtps://user:password@host:port` (TLS from the start, port 465) or `console://` "
        "(each message written to standard output, for a server on this machine). Write `@`, "
        "`:` or `/` in the user name or password as `%40`, `%3A` and `%2F`. Anything else stops "
        "the process, naming this variable.",
        shown_default="`console://` when `FOLLOWUP_HTTPS` is off; otherwise none",
        production=REQUIRED,
    ),
    Setting(
        "FOLLOWUP_BASE_URL",
        "url",
        None,
        "The address people reach Followup at, such as `https://followup.example.org`: the "
        "links in the update cycle's emails (sent by `followup tick`, with no web request to "
        "take the address from) start with it. `http://` or `https://`, a host and an optional "
        "port, nothing after them; anything else stops the process, naming this variable. "
        "Unset with `FOLLOWUP_HTTPS` on, `followup check --deploy` fails (`followup.E105`) and "
        "`followup tick` sends no update requests.",
        shown_default="`http://127.0.0.1:8000` when `FOLLOWUP_HTTPS` is off; otherwise none",
        production=REQUIRED,
    ),
    Setting(
        "FOLLOWUP_FROM_EMAIL",
        "text",
        "followup@localhost",
        "Sender address of emails.",
    ),
    Setting(
        "FOLLOWUP_DISCLOSURE_THRESHOLD",
        "int",
        4,
        "Counts from 1 to this number are small enough to identify people: they are marked for "
        "those who code or approve evidence, withheld from viewers, and never published "
        "([reports](reports.md#disclosure-control)). At least 2: with 1, a withheld count could "
        "only be 1.",
        minimum=2,
    ),
    # Stored files: uploads awaiting import and published reports (docs/deploy.md, "Files and
    # object storage"), read by setting_storage below.
    Setting(
        "FOLLOWUP_STORAGE",
        "choice",
        "files",
        "Where uploaded and published files are kept: `files`, a folder on this machine "
        "(`FOLLOWUP_FILES_DIR`), or `s3`, an S3-compatible object store (the `FOLLOWUP_S3_` "
        "settings; a missing one stops the process, naming it). Files are never overwritten and "
        "never public: Followup's pages read them.",
        choices=("files", "s3"),
    ),
    Setting(
        "FOLLOWUP_FILES_DIR",
        "path",
        "",
        "The folder of stored files when `FOLLOWUP_STORAGE` is `files`. Followup makes it, and "
        "the folders in it readable by its own user only (files 0600, folders 0700). Back it up "
        "with the database.",
        shown_default="`FOLLOWUP_DATA_DIR/files`",
    ),
    Setting(
        "FOLLOWUP_S3_BUCKET",
        "text",
        "",
        "The bucket of stored files when `FOLLOWUP_STORAGE` is `s3`. It must not be public.",
        production="required with `FOLLOWUP_STORAGE=s3`",
    ),
    Setting(
        "FOLLOWUP_S3_REGION",
        "text",
        "",
        "The bucket's region (`eu-west-2`, say; any name the store accepts elsewhere).",
        production="required with `FOLLOWUP_STORAGE=s3`",
    ),
    Setting(
        "FOLLOWUP_S3_ENDPOINT_URL",
        "url",
        "",
        "The object store's address, for a store other than Amazon S3 "
        "(`https://s3.example.org`); empty for Amazon S3 itself.",
    ),
    Setting(
        "FOLLOWUP_S3_PREFIX",
        "text",
        "",
        "A folder within the bucket for Followup's files (`followup/`, say), when the bucket is "
        "shared; empty for the whole bucket.",
    ),
    Setting(
        "FOLLOWUP_S3_ACCESS_KEY_ID",
        "secret",
        None,
        "The access key id for the bucket when `FOLLOWUP_STORAGE` is `s3`. Never logged.",
        production="required with `FOLLOWUP_STORAGE=s3`: this or its `_FILE`",
    ),
    Setting(
        "FOLLOWUP_S3_ACCESS_KEY_ID_FILE",
        "path",
        None,
        "A file holding the access key id instead (for container or systemd secrets).",
    ),
    Setting(
        "FOLLOWUP_S3_SECRET_ACCESS_KEY",
        "secret",
        None,
        "The secret access key for the bucket when `FOLLOWUP_STORAGE` is `s3`. Never logged.",
        production="required with `FOLLOWUP_STORAGE=s3`: this or its `_FILE`",
    ),
    Setting(
        "FOLLOWUP_S3_SECRET_ACCESS_KEY_FILE",
        "path",
        None,
        "A file holding the secret access key instead (for container or systemd secrets).",
    ),
    Setting(
        "FOLLOWUP_RECORDS_KEY",
        "secret",
        None,
        "The key of the keyed hash (HMAC-SHA256) that stands for each child's record key in a "
        "pre-inspection return: Followup stores only the hash, never the key the partnership "
        "gave. Long and random, kept secret, and not changed once returns are uploaded (the same "
        "record would then hash differently); held to the secret key's rules unless "
        f"`FOLLOWUP_DEBUG` is on. Make one with `{MAKE_A_KEY}`. Unset, with "
        "`FOLLOWUP_RECORDS_KEY_FILE` unset too, it is derived from the secret key (so a new "
        "secret key would change it): set it in production.",
        shown_default="derived from the secret key",
        production="recommended: this or `FOLLOWUP_RECORDS_KEY_FILE`",
    ),
    Setting(
        "FOLLOWUP_RECORDS_KEY_FILE",
        "path",
        None,
        "A file holding the records key instead (for container or systemd secrets).",
    ),
    Setting(
        "FOLLOWUP_RECORDS_RETENTION_MONTHS",
        "int",
        12,
        "Months an inspection's records reading is kept after the inspection is published: "
        "`followup tick` then deletes its pre-inspection returns (with the record keys' hashes, "
        "the key mapping), samples, reading pairs, readings, moderated answers and concerns, "
        "records that it did, and the records reading page says on which date. A return marked "
        "illustrative (the demo's, which describes no real child) is kept. Counted in calendar "
        "months from the publication date; a draft inspection is never touched.",
        minimum=1,
        maximum=120,
    ),
    Setting(
        "FOLLOWUP_DEMO_PASSWORD",
        "secret",
        "",
        "Password of the demo users, read by `followup demo` only.",
        shown_default="generated",
    ),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def registered(name: str, *kinds: Kind) -> Setting:
    """The declared setting ``name``, which must be of one of ``kinds``."""
    try:
        setting = BY_NAME[name]
    except KeyError:
        raise LookupError(
            f"{name} is not in followup.settings_registry: declare it there first."
        ) from None
    if setting.kind not in kinds:
        raise TypeError(f"{name} is declared as {setting.kind}, not read as {', '.join(kinds)}.")
    return setting


def setting_text(name: str, *, default: str | None = None) -> str:
    """A text, path, URL or secret setting, or its default (empty when it has none).
    ``default`` replaces the declared one where it depends on another setting."""
    setting = registered(name, "text", "path", "url", "secret")
    declared = setting.default if default is None else default
    assert declared is None or isinstance(declared, str)
    return env_str(name, declared if declared is not None else "")


def setting_bool(name: str) -> bool:
    setting = registered(name, "bool")
    assert isinstance(setting.default, bool)
    return env_bool(name, setting.default)


def setting_int(name: str, *, default: int | None = None) -> int:
    """A whole number within its declared limits. ``default`` replaces the declared one where it
    depends on another setting (the registry's ``shown_default`` says how)."""
    setting = registered(name, "int")
    assert isinstance(setting.default, int)
    return env_int(
        name,
        setting.default if default is None else default,
        minimum=setting.minimum,
        maximum=setting.maximum,
    )


def setting_list(name: str) -> list[str]:
    setting = registered(name, "list")
    assert isinstance(setting.default, tuple)
    return env_list(name, list(setting.default))


def setting_choice(name: str) -> str:
    setting = registered(name, "choice")
    assert isinstance(setting.default, str)
    return env_choice(name, setting.default, setting.choices)


def setting_secret(name: str) -> Secret:
    """A secret read from NAME or from the file NAME_FILE names: both must be declared."""
    registered(name, "secret")
    registered(f"{name}_FILE", "path")
    return read_secret(name)


def setting_storage(data_dir: Path) -> dict[str, object]:
    """``STORAGES["default"]``: a folder (``FOLLOWUP_FILES_DIR``, under ``data_dir`` unless set)
    or an S3-compatible bucket (the ``FOLLOWUP_S3_`` settings, each required one checked)."""
    if setting_choice("FOLLOWUP_STORAGE") == "files":
        folder = setting_text("FOLLOWUP_FILES_DIR")
        return folder_storage(Path(folder).resolve() if folder else data_dir / "files")
    return object_storage(
        bucket=setting_text("FOLLOWUP_S3_BUCKET"),
        region=setting_text("FOLLOWUP_S3_REGION"),
        endpoint_url=setting_text("FOLLOWUP_S3_ENDPOINT_URL"),
        prefix=setting_text("FOLLOWUP_S3_PREFIX"),
        access_key=setting_secret("FOLLOWUP_S3_ACCESS_KEY_ID").value,
        secret_key=setting_secret("FOLLOWUP_S3_SECRET_ACCESS_KEY").value,
    )
