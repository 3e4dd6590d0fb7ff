"""Strict helpers that read settings from the environment.

Every setting Followup reads is in the registry, ``followup.settings_registry``, which reads it
through these helpers and generates the table in ``docs/configuration.md``. A value that
cannot be understood stops the process with a message naming the variable and what was
expected, rather than falling back silently to a default.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable's value; without a default, a missing variable is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set (see docs/configuration.md).")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, yes/no, on/off, 1/0; got {value!r}."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


@dataclass(frozen=True)
class Secret:
    """A secret, and where it came from: the variable NAME, or the file NAME_FILE names."""

    value: str
    variable: str
    path: Path | None = None

    @property
    def source(self) -> str:
        """Where the secret came from, as a message names it."""
        if self.path is None:
            return self.variable
        return f"The key in {self.variable} ({self.path})"


def read_secret(name: str) -> Secret:
    """Read a secret from NAME, or from the file named by NAME_FILE. A variable that is set but
    empty is a mistake (a template left unfilled, say), never a reason to carry on without it."""
    direct = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if direct is not None and not direct.strip():
        raise ImproperlyConfigured(
            f"{name} is set but empty: set it to the secret key, or unset it "
            "(see docs/configuration.md)."
        )
    if file_name is not None and not file_name.strip():
        raise ImproperlyConfigured(
            f"{name}_FILE is set but empty: set it to the path of the file that holds the secret "
            "key, or unset it (see docs/configuration.md)."
        )
    if direct and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if direct:
        return Secret(direct, name)
    if file_name:
        path = Path(file_name)
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}.") from None
        if not text:
            raise ImproperlyConfigured(f"{name}_FILE: {path} is empty.")
        return Secret(text, f"{name}_FILE", path)
    raise ImproperlyConfigured(f"{name} or {name}_FILE must be set (see docs/configuration.md).")


def secret_from_env(name: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    return read_secret(name).value


# A key's variety, estimated as length x log2(different characters): about 250 bits for Django's
# keys and for 64 hexadecimal digits, 350 for ``secrets.token_urlsafe(50)``. A key with less was
# typed, or made from a pattern; 192 bits still admits 50 hexadecimal digits.
SECRET_KEY_MIN_BITS = 192
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def shortest_repeat(text: str) -> int:
    """The length of the shortest string whose repeats make ``text`` (the last repeat may be cut
    short): 8 for ``"password" * 8``, ``len(text)`` for a text that repeats nothing. Knuth,
    Morris and Pratt's failure function, in one pass."""
    if not text:
        return 0
    border = [0] * len(text)
    matched = 0
    for i in range(1, len(text)):
        while matched and text[i] != text[matched]:
            matched = border[matched - 1]
        if text[i] == text[matched]:
            matched += 1
        border[i] = matched
    return len(text) - border[-1]


def weakness(value: str) -> str | None:
    """Why a secret key is weak, or None. Django's own measure (its deployment check
    security.W009: 50 characters, 5 different ones, no ``django-insecure-`` prefix) passes
    ``"password" * 8``; this also refuses a shorter pattern repeated, and too few different
    characters for a random key (too little variety: length x log2(different characters) under
    ``SECRET_KEY_MIN_BITS``)."""
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
    )

    if value.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r}, Django's placeholder"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(value)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    repeat = shortest_repeat(value)
    if repeat == 1:
        return "it is one character repeated"
    if repeat <= len(value) // 2:
        return f"it is a pattern of {repeat} characters repeated"
    different = len(set(value))
    bits = len(value) * math.log2(different)
    if bits < SECRET_KEY_MIN_BITS:
        return (
            f"its {len(value)} characters are drawn from only {different} different ones, about "
            f"{bits:.0f} bits where a random key has {SECRET_KEY_MIN_BITS} or more"
        )
    return None


def strong_secret(source: str, value: str) -> str:
    """Refuse a secret key that is short, a pattern repeated, made of too few different
    characters, or Django's insecure placeholder. ``source`` names where it came from."""
    from django.core.checks.security.base import SECRET_KEY_MIN_LENGTH

    why = weakness(value)
    if why is not None:
        raise ImproperlyConfigured(
            f"{source} is too weak: {why}. A secret key must be at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters, varied enough for "
            f"{SECRET_KEY_MIN_BITS} bits, not a shorter pattern repeated. "
            f"Make one with: {MAKE_A_KEY}."
        )
    return value


# Write-ahead logging: readers never wait for the writer, so the pages stay readable while the
# worker holds the write lock for a long import (docs/deploy.md, "Background work").
WAL = "PRAGMA journal_mode=WAL;"


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite, with each transaction taking the write lock when it begins (IMMEDIATE): SQLite has
    no row locks, so two saves of one row wait for each other instead of both reading the old
    row, and the second sees the first's change (and no save fails with "database is locked")."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": WAL},
    }


def database_from_url(url: str, base_dir: Path) -> dict[str, object]:
    """Turn ``sqlite:///relative/or/absolute.sqlite3`` or ``postgresql://…`` into Django's form.

    ``sqlite:///var/db.sqlite3`` is relative to ``base_dir``; ``sqlite:////abs/path`` is
    absolute. PostgreSQL URLs take user, password, host, port, database name and, as query
    parameters, ``sslmode`` and other libpq options.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw = unquote(parsed.path)
        if not raw.strip("/"):
            raise ImproperlyConfigured("DATABASE_URL: a sqlite URL needs a file path.")
        # Three slashes: relative to the project; four: an absolute path.
        path = Path(raw[1:]) if raw.startswith("//") else base_dir / raw.lstrip("/")
        return sqlite_database(path)
    if parsed.scheme in {"postgres", "postgresql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL: a PostgreSQL URL needs a database name.")
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgresql://; got {parsed.scheme or url!r}."
    )


EMAIL_SCHEMES = ("smtp", "smtp+tls", "smtps", "console")


def base_url(name: str, url: str) -> str:
    """The address people reach the site at, ``https://host[:port]`` (or ``http://``), without a
    trailing slash; empty stays empty. Anything else (another scheme, no host, a user name, a
    path, a query) stops the process naming the variable ``name``."""
    if not url:
        return ""
    parsed = urlparse(url.strip())
    try:
        port = parsed.port
    except ValueError:
        port = 0
    if (
        parsed.scheme not in {"http", "https"}
        or not parsed.hostname
        or port == 0
        or parsed.username is not None
        or parsed.path not in ("", "/")
        or parsed.params
        or parsed.query
        or parsed.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be the address people reach Followup at, https://host or "
            f"https://host:port with nothing after it, such as https://followup.example.org; "
            f"got {url!r}."
        )
    return f"{parsed.scheme}://{parsed.netloc}"


# Stored files (docs/deploy.md, "Files and object storage"): readable and writable by Followup's
# own user only, in a folder only it may enter.
FILE_PERMISSIONS = 0o600
DIRECTORY_PERMISSIONS = 0o700


def folder_storage(location: Path) -> dict[str, object]:
    """``STORAGES["default"]`` for a folder on this machine. Files are never overwritten and
    never served from a URL of their own: Followup's views read them."""
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(location),
            "file_permissions_mode": FILE_PERMISSIONS,
            "directory_permissions_mode": DIRECTORY_PERMISSIONS,
            "allow_overwrite": False,
        },
    }


def object_storage(
    *,
    bucket: str,
    region: str,
    endpoint_url: str,
    prefix: str,
    access_key: str,
    secret_key: str,
) -> dict[str, object]:
    """``STORAGES["default"]`` for an S3-compatible bucket (django-storages). Objects are
    private: no ACL is set on them (the bucket's, which must not be public, applies), links to
    them are signed and expire, and a name that is taken is never overwritten."""
    missing = [
        name
        for name, value in (("FOLLOWUP_S3_BUCKET", bucket), ("FOLLOWUP_S3_REGION", region))
        if not value.strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            f"FOLLOWUP_STORAGE is s3, so {' and '.join(missing)} must be set "
            "(see docs/configuration.md)."
        )
    if endpoint_url:
        parsed = urlparse(endpoint_url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ImproperlyConfigured(
                "FOLLOWUP_S3_ENDPOINT_URL must be an http:// or https:// URL with a host, such "
                f"as https://s3.example.org; got {endpoint_url!r}."
            )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket.strip(),
            "region_name": region.strip(),
            "endpoint_url": endpoint_url or None,
            "location": prefix.strip("/"),
            "access_key": access_key,
            "secret_key": secret_key,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


@dataclass(frozen=True)
class Email:
    """Django's email settings, as an email URL gives them."""

    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def email_from_url(name: str, url: str) -> Email:
    """Turn an email URL into Django's email settings, or stop naming the variable ``name``.

    ``smtp://user:password@host:port`` (plain, or STARTTLS with ``?tls=true``),
    ``smtp+tls://…`` (STARTTLS), ``smtps://…`` (TLS from the start) or ``console://`` (each
    message written to standard output). The user name and password are percent-decoded, so a
    password may hold ``@`` or ``:`` written as ``%40`` and ``%3A``.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must start with {', '.join(s + '://' for s in EMAIL_SCHEMES)}; "
            f"got {parsed.scheme + '://' if parsed.scheme else repr(url)}."
        )
    if scheme == "console":
        if parsed.netloc or parsed.path or parsed.query:
            raise ImproperlyConfigured(f"{name}: console:// takes nothing after it.")
        return Email("django.core.mail.backends.console.EmailBackend")
    if parsed.path not in ("", "/") or parsed.params or parsed.fragment:
        raise ImproperlyConfigured(
            f"{name}: an SMTP URL is smtp://user:password@host:port, with no path."
        )
    try:
        port = parsed.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parsed.netloc.endswith(":")):
        raise ImproperlyConfigured(f"{name}: the port must be a number from 1 to 65535.")
    if not parsed.hostname:
        raise ImproperlyConfigured(f"{name}: an SMTP URL needs a host name.")
    tls = scheme == "smtp+tls"
    for key, values in parse_qs(parsed.query, keep_blank_values=True).items():
        if key != "tls" or len(values) != 1 or values[0].lower() not in _TRUE | _FALSE:
            raise ImproperlyConfigured(
                f"{name}: the only option an SMTP URL takes is ?tls=true or ?tls=false; "
                f"got {parsed.query!r}."
            )
        tls = tls or values[0].lower() in _TRUE
    if scheme == "smtps" and tls:
        raise ImproperlyConfigured(f"{name}: smtps:// is TLS already; ?tls=true adds STARTTLS.")
    default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[scheme]
    return Email(
        "django.core.mail.backends.smtp.EmailBackend",
        host=parsed.hostname,
        port=port or (587 if tls and scheme == "smtp" else default_port),
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        use_tls=tls,
        use_ssl=scheme == "smtps",
    )
