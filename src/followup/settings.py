"""Followup's one settings module. Every value comes from the environment.

Each variable is declared once in ``followup.settings_registry``, with its default and limits, and
read by name through its ``setting_*`` functions; ``docs/configuration.md`` lists them. Nothing
here is insecure by default: ``DEBUG`` is off unless ``FOLLOWUP_DEBUG`` asks for it, HTTPS
protections are on unless ``FOLLOWUP_HTTPS`` turns them off, and there is no default secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from followup.env import (
    WAL,
    base_url,
    database_from_url,
    email_from_url,
    sqlite_database,
    strong_secret,
)
from followup.settings_registry import (
    setting_bool,
    setting_choice,
    setting_int,
    setting_list,
    setting_secret,
    setting_storage,
    setting_text,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(setting_text("FOLLOWUP_DATA_DIR")).resolve()

DEBUG = setting_bool("FOLLOWUP_DEBUG")
_SECRET = setting_secret("FOLLOWUP_SECRET_KEY")  # set but empty stops here, naming the variable
SECRET_KEY = _SECRET.value
if not DEBUG:  # production mode: a weak key refuses to start
    strong_secret(_SECRET.source, SECRET_KEY)
# The file the key was read from, if any: `followup check --deploy` warns when others can read it
# (followup.web.checks, followup.W001).
SECRET_KEY_FILE = str(_SECRET.path) if _SECRET.path else ""
# The key of the hash that stands for a child's record key (followup.records): its own secret,
# or, unset, one derived from the secret key (docs/configuration.md).
if "FOLLOWUP_RECORDS_KEY" in os.environ or "FOLLOWUP_RECORDS_KEY_FILE" in os.environ:
    _RECORDS = setting_secret("FOLLOWUP_RECORDS_KEY")
    if not DEBUG:
        strong_secret(_RECORDS.source, _RECORDS.value)
    RECORDS_KEY = _RECORDS.value.encode()
else:
    RECORDS_KEY = hmac.new(SECRET_KEY.encode(), b"followup.records", hashlib.sha256).digest()
# Months a records reading is kept after its inspection is published; `followup tick` then
# deletes it (followup.records.actions_retention).
RECORDS_RETENTION_MONTHS = setting_int("FOLLOWUP_RECORDS_RETENTION_MONTHS")
ALLOWED_HOSTS = setting_list("FOLLOWUP_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = setting_list("FOLLOWUP_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.mfa's list of passkeys loads it
    # Sign-in, password reset, email addresses, second factors and sessions: django-allauth
    # (docs/security.md says why), with Followup's own pages in its templates' place.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "followup.web",
    "followup.front",
    "followup.accounts",
    "followup.audit",
    "followup.partnerships",
    "followup.frameworks",
    "followup.inspections",
    "followup.plans",
    "followup.reviews",
    "followup.indicators",
    "followup.evidence",
    "followup.records",
    "followup.reports",
    "followup.jobs",
    "followup.mail",
    "followup.demo",
    "followup.api",
    # The API (docs/api.md): Django REST framework, its OpenAPI document and reference pages,
    # whose Swagger UI files come from the sidecar package, never from another site.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that it is the last to see every response: an answer to HEAD is sent without
    # its body, which neither Django's WSGI handler nor waitress leaves out (web/headrequests.py).
    "followup.web.headrequests.HeadWithoutBodyMiddleware",
    # Neither reads the body: they answer first so that every refusal carries their headers.
    # First, so that it times the whole answer and logs its final status.
    "followup.web.accesslog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "followup.web.middleware.SecurityHeadersMiddleware",
    "followup.web.requestsize.RequestSizeMiddleware",
    # A view whose database stayed locked (SQLite under a long job): "busy", 503, not an error.
    "followup.web.middleware.BusyDatabaseMiddleware",
    # /healthz, before anything that could check its host or touch a session (the HTTPS
    # redirect above exempts it: SECURE_REDIRECT_EXEMPT).
    "followup.jobs.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A person's memberships, read once a request however often a page asks about them.
    "followup.partnerships.middleware.MembershipsPerRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's record of each session's activity, written once a minute, not on every request.
    "followup.accounts.middleware.UserSessionsMiddleware",
    "followup.web.requestsize.FormSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so that each can say why it signed someone out or sent them elsewhere.
    "followup.accounts.middleware.SessionTimeoutMiddleware",
    "followup.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every table scrolls sideways inside its own region, not the page (web/tablescroll.py).
    "followup.web.tablescroll.ScrollingTablesMiddleware",
    # Each API read's database work, stopped past FOLLOWUP_API_READ_SECONDS (api/timelimit.py).
    "followup.api.timelimit.ReadTimeLimitMiddleware",
]

ROOT_URLCONF = "followup.urls"
WSGI_APPLICATION = "followup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": [
                "followup.web.templatetags.govuk",
                "followup.web.templatetags.wayfinding",
            ],
        },
    }
]

_DATABASE_URL = setting_text("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_DATABASE_URL, Path.cwd())
    if _DATABASE_URL
    else sqlite_database(DATA_DIR / "followup.sqlite3")
}
# Each SQLite transaction takes the write lock when it begins, and waits up to 20 s for it: two
# writers then take turns, where deferred transactions could deadlock and one fail with
# "database is locked" (two people publishing the same report at once, for example).
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": WAL}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (followup.jobs, docs/deploy.md#background-work): long jobs are Django tasks
# (django-tasks, the backport of Django 6's django.tasks), queued in the database and run by
# `followup worker` by default. Another backend (a Redis queue, say) is one line here.
TASKS_BACKEND_NAME = setting_choice("FOLLOWUP_TASKS_BACKEND")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND_NAME]
    }
}
BACKGROUND_IMPORT_ROWS = setting_int("FOLLOWUP_BACKGROUND_IMPORT_ROWS")
BACKGROUND_EXPORT_ROWS = setting_int("FOLLOWUP_BACKGROUND_EXPORT_ROWS")
EXPORT_DAYS = setting_int("FOLLOWUP_EXPORT_DAYS")
WORKER_HEARTBEAT_SECONDS = setting_int("FOLLOWUP_WORKER_HEARTBEAT_SECONDS")
WORKER_STALE_SECONDS = setting_int("FOLLOWUP_WORKER_STALE_SECONDS")
FINISHED_TASK_DAYS = setting_int("FOLLOWUP_FINISHED_TASK_DAYS")

# Uploads (docs/configuration.md, docs/security.md): the one setting is the largest file; the
# largest request is that and a little room for the form's other fields. `followup serve` gives
# waitress MAX_REQUEST_BYTES, and web.requestsize.RequestSizeMiddleware refuses a larger body
# before it is read under any other server. Every other request (a signed-out person's, or one to
# a page that takes no file) is held to MAX_FORM_BYTES, Django's default for form data.
MAX_UPLOAD_MB = setting_int("FOLLOWUP_MAX_UPLOAD_MB")
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024
MAX_FORM_BYTES = 2_621_440  # 2.5 MB
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_FORM_BYTES
# A survey's column-roles form carries one field per column: lib.uploads.MAX_TABLE_COLUMNS
# (1,000) of them, and room for the form's own (its token, its key, its button).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000 + 100
# Days a staged upload (a survey or data file awaiting its import) is kept before it is purged.
STAGED_UPLOAD_DAYS = setting_int("FOLLOWUP_STAGED_UPLOAD_DAYS")
# What one source and one REFI-QDA import may hold: codings beyond these are refused, whole file.
MAX_CODINGS_PER_SOURCE = setting_int("FOLLOWUP_MAX_CODINGS_PER_SOURCE")
MAX_CODINGS_PER_IMPORT = setting_int("FOLLOWUP_MAX_CODINGS_PER_IMPORT")
# Days an invitation to join a partnership may be accepted (followup.accounts.invitations).
INVITATION_DAYS = setting_int("FOLLOWUP_INVITATION_DAYS")
# Codes in one partnership's codebook: an import or a new code beyond this is refused whole.
MAX_CODES = setting_int("FOLLOWUP_MAX_CODES")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# A password long enough, and hard to guess as the NCSC advises (not which kinds of character it
# holds): zxcvbn knows common passwords, words, names, dates, keyboard patterns and repeats, and
# the person's username and email address, so Django's similarity, common-password and numeric
# validators would only repeat its refusals.
AUTH_PASSWORD_VALIDATORS = [
    # A password close to the username, names or email address (zxcvbn lets "viewer-example" pass).
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": setting_int("FOLLOWUP_PASSWORD_MIN_LENGTH")},
    },
    {
        "NAME": "followup.accounts.passwords.GuessabilityValidator",
        "OPTIONS": {"min_score": setting_int("FOLLOWUP_PASSWORD_MIN_SCORE")},
    },
]
# A password reset link works once (Django's tokens change with the password and the last
# sign-in) and for this long.
PASSWORD_RESET_TIMEOUT = setting_int("FOLLOWUP_PASSWORD_RESET_MINUTES") * 60
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "account_login"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

# django-allauth (https://docs.allauth.org): sign in by username or email; nobody signs up, people
# are invited (followup.accounts.adapter); failed sign-ins are throttled by followup.accounts.throttle
# in the database, so allauth's own cache-based limit on them is off.
ACCOUNT_ADAPTER = "followup.accounts.adapter.AccountAdapter"
# allauth's forms with GOV.UK labels and hints (followup.accounts.forms).
ACCOUNT_FORMS = {
    "add_email": "followup.accounts.forms.AddEmailForm",
    "change_password": "followup.accounts.forms.CurrentPasswordForm",
    "login": "followup.accounts.forms.LoginForm",
    "reset_password": "followup.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "followup.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "followup.accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Followup: "
# Confirming it is you: by password or second factor, never by a code sent by email.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# followup.accounts.throttle counts sign-in attempts in the database, across processes, and its
# messages say how long to wait; allauth's own limits on the sign-in page and on failed sign-ins
# are off (the adapter checks passwords without them). Wrong second-factor codes are limited by
# followup.accounts.mfa, per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "login": None,
    "mfa_code": "5/5m/key",  # wrong second-factor codes, per account (followup.accounts.mfa)
}
# Second factors required of inspectors, administrators and superusers (partnerships.access).
REQUIRE_MFA_FOR_PRIVILEGED = setting_bool("FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Followup"
MFA_PASSKEY_LOGIN_ENABLED = False
# Followup's own forms for the code asked for at sign-in and on reauthenticating: they limit wrong
# codes per account (the "mfa_code" rate above), which allauth's own "login_failed" limit, off
# above, would otherwise have done (followup.accounts.mfa).
MFA_ADAPTER = "followup.accounts.mfa.MFAAdapter"
# allauth refuses a second factor to an account with an unverified address, lest someone sign up
# with another's address and lock its owner out. Nobody signs up here: people are given accounts
# or invited to the address, and inspectors must be able to enrol before anything else.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_FORMS = {
    "authenticate": "followup.accounts.mfa.AuthenticateForm",
    "reauthenticate": "followup.accounts.mfa.ReauthenticateForm",
}
# Passkeys need a secure origin; http://127.0.0.1 counts as one in browsers, and allauth allows it
# only when told to: in local mode, where HTTPS is off.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not setting_bool("FOLLOWUP_HTTPS")
USERSESSIONS_TRACK_ACTIVITY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = setting_text("FOLLOWUP_TIME_ZONE")
USE_I18N = True
USE_TZ = True
# Dates shown as people write them ("31 July 2020"): web/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["followup.web.formats"]

# Stored files (docs/deploy.md, "Files and object storage"): staged uploads and published
# reports, in a folder under FOLLOWUP_DATA_DIR or an S3-compatible bucket; every stored file is in
# "default", which `followup backup` walks. Static files are whitenoise's, as before.
STORAGES = {
    "default": setting_storage(DATA_DIR),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# HTTPS: on by default. Turn off only for a server reached on this machine (the demo).
HTTPS = setting_bool("FOLLOWUP_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# A form refused for its missing or stale CSRF token gets a page that says what to do.
CSRF_FAILURE_VIEW = "followup.web.errors.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS and setting_bool("FOLLOWUP_SSL_REDIRECT")
# A load balancer's health check over plain HTTP (followup.jobs.health answers it first anyway).
SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?/?$"]
# Counts from 1 to this number are never published (docs/configuration.md, disclosure control).
DISCLOSURE_THRESHOLD = setting_int("FOLLOWUP_DISCLOSURE_THRESHOLD")

SECURE_HSTS_SECONDS = setting_int("FOLLOWUP_HSTS_SECONDS", default=None if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = setting_bool("FOLLOWUP_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = setting_bool("FOLLOWUP_HSTS_PRELOAD")
# Browsers' preload list binds every name under the registrable domain, which a service on a
# council's subdomain cannot decide for the council: preload stays a choice (off by default), so
# Django's deploy check that asks for it (security.W021) is left out while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind a reverse proxy (docs/deploy.md): `followup serve` takes the scheme, host and client
# address from the trusted proxy's headers; another WSGI server is told by FOLLOWUP_BEHIND_PROXY.
TRUSTED_PROXY = setting_text("FOLLOWUP_TRUSTED_PROXY")
TRUSTED_PROXY_HEADERS = setting_text("FOLLOWUP_TRUSTED_PROXY_HEADERS").split()
if setting_bool("FOLLOWUP_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Time-outs (followup.accounts.sessions): signed out after this long without a request, and this
# long after signing in however active. The cookie lasts no longer than the absolute limit.
SESSION_IDLE_SECONDS = setting_int("FOLLOWUP_SESSION_IDLE_MINUTES") * 60
SESSION_ABSOLUTE_SECONDS = setting_int("FOLLOWUP_SESSION_ABSOLUTE_HOURS") * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in throttling (followup.accounts.throttle): failed sign-ins per account and per address.
LOGIN_FAILURE_LIMIT = setting_int("FOLLOWUP_LOGIN_FAILURE_LIMIT")
LOGIN_FAILURE_WINDOW = setting_int("FOLLOWUP_LOGIN_FAILURE_WINDOW")
LOGIN_ADDRESS_LIMIT = setting_int("FOLLOWUP_LOGIN_ADDRESS_LIMIT")
LOGIN_DELAY_CAP = setting_int("FOLLOWUP_LOGIN_DELAY_CAP")
KNOWN_DEVICE_DAYS = setting_int("FOLLOWUP_KNOWN_DEVICE_DAYS")

LOG_LEVEL = setting_choice("FOLLOWUP_LOG_LEVEL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refusal (403, 404, 400: a bad host, a bad request) is one line saying who was refused
    # what, without Django's traceback; a server error (500) keeps its traceback. On the handler
    # too, so that it sees what django.security's own loggers write.
    "filters": {"refusals": {"()": "followup.web.logfilters.OneLineRefusals"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["refusals"]},
        # One line per request (followup.web.accesslog): method, path, status, time, user id.
        "followup.access": {"level": LOG_LEVEL},
        # WeasyPrint and fontTools write lines for every page, font and stylesheet rule they
        # render: only their errors are kept.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# The cache (docs/deploy.md): shared by every `followup serve` process, since allauth keeps the
# one-use TOTP codes and the count of wrong second-factor codes in it (accounts/mfa.py). A table
# in the database by default (a migration makes it: `followup setup`, `followup migrate`); Redis when FOLLOWUP_CACHE_URL says.
_CACHE_URL = setting_text("FOLLOWUP_CACHE_URL")
CACHE_TABLE = "followup_cache"
if not _CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
elif _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
        }
    }
else:
    raise ImproperlyConfigured(
        "FOLLOWUP_CACHE_URL must be empty (a table in the database) or a Redis URL such as "
        "redis://127.0.0.1:6379/0, rediss:// or unix://; got "
        f"{_CACHE_URL.split(':', 1)[0]!r}."
    )
# PostgreSQL: each serving thread keeps its connection for this long, checked before reuse, so
# that `followup serve` holds at most processes x threads connections (docs/deploy.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = setting_int("FOLLOWUP_DB_CONN_MAX_AGE")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The API at /api/v1/ (followup.api, docs/api.md): JSON only, personal access tokens only (no
# session, so no CSRF), every error as application/problem+json, every token's requests limited.
API_REQUESTS_PER_MINUTE = setting_int("FOLLOWUP_API_REQUESTS_PER_MINUTE")
API_READ_SECONDS = setting_int("FOLLOWUP_API_READ_SECONDS")
API_UNAUTHENTICATED_REQUESTS_PER_MINUTE = setting_int(
    "FOLLOWUP_API_UNAUTHENTICATED_REQUESTS_PER_MINUTE"
)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["followup.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "followup.api.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["followup.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # UTF-8 JSON only, read strictly as the data values are (a key given twice is refused).
    "DEFAULT_PARSER_CLASSES": ["followup.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "followup.api.errors.JSONOnly",
    "DEFAULT_PAGINATION_CLASS": "followup.api.paging.Paging",
    # No OPTIONS answer: DRF's described any address (the view's name and description) with 200,
    # even for a partnership or object the token may not see, and the document gives no OPTIONS.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "followup.api.schema.ProblemSchema",
    "EXCEPTION_HANDLER": "followup.api.errors.problem_response",
    "URL_FORMAT_OVERRIDE": None,
    "FORMAT_SUFFIX_KWARG": None,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Followup API",
    "DESCRIPTION": "Read a partnership's inspections, improvement plan, reviews, indicators, "
    "evidence and reports with a personal access token (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The same document whichever database generates it (followup.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "followup.api.schema.same_on_every_database",
    ],
    # Choices of the same field name in several models, named in the document by what they are.
    "ENUM_NAME_OVERRIDES": {
        # An inspection's and a progress review's: the same two, draft and published.
        "DraftOrPublished": "followup.inspections.models.Inspection.Status",
        "ActionStatus": "followup.plans.models.ActionStatus",
        # A data element's kind of period and an indicator's frequency: the same kinds.
        "PeriodKind": "followup.indicators.periods.KINDS",
    },
}

# Email, from one URL. On a server reached on this machine (FOLLOWUP_HTTPS off, as `make demo`
# runs it) messages are written to the console, so that reset and invitation links can be read.
_EMAIL_URL = setting_text("FOLLOWUP_EMAIL_URL", default=None if HTTPS else "console://")
if not _EMAIL_URL:
    raise ImproperlyConfigured(
        "FOLLOWUP_EMAIL_URL must be set when FOLLOWUP_HTTPS is on: smtp://user:password@host:port, "
        "smtp+tls://, smtps:// or console:// (see docs/configuration.md)."
    )
_EMAIL = email_from_url("FOLLOWUP_EMAIL_URL", _EMAIL_URL)
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
DEFAULT_FROM_EMAIL = setting_text("FOLLOWUP_FROM_EMAIL")
# The address in the links of emails sent without a web request to take it from (the update
# cycle's, sent by `followup tick`): empty in production until set (followup.E105).
BASE_URL = base_url(
    "FOLLOWUP_BASE_URL",
    setting_text("FOLLOWUP_BASE_URL", default="" if HTTPS else "http://127.0.0.1:8000"),
)
