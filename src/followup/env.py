"""Strict helpers that read settings from the environment.

Every setting Followup reads is documented in ``docs/configuration.md``. A value that
cannot be understood stops the process with a message naming the variable and what was
expected, rather than falling back silently to a default.
"""

from __future__ import annotations

import os
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


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
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


def secret_from_env(name: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    direct = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if direct and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if direct:
        return direct
    if file_name:
        path = Path(file_name)
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}.") from None
        if not text:
            raise ImproperlyConfigured(f"{name}_FILE: {path} is empty.")
        return text
    raise ImproperlyConfigured(f"{name} or {name}_FILE must be set (see docs/configuration.md).")


def strong_secret(name: str, value: str) -> str:
    """Refuse a secret key that is short, repetitive or Django's insecure placeholder, by
    Django's own measure (its deployment check security.W009)."""
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
        SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    )

    if (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"{name} is too weak: it must be at least {SECRET_KEY_MIN_LENGTH} characters with at "
            f"least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and not start with "
            f'{SECRET_KEY_INSECURE_PREFIX!r}. Make one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))".'
        )
    return value


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite, with each transaction taking the write lock when it begins (IMMEDIATE): SQLite has
    no row locks, so two saves of one row wait for each other instead of both reading the old
    row, and the second sees the first's change (and no save fails with "database is locked")."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
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
