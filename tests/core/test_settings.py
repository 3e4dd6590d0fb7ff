from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from followup.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    read_secret,
    secret_from_env,
    shortest_repeat,
    strong_secret,
)


def test_booleans_accept_the_usual_words_and_refuse_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of true/false"):
        env_bool("FLAG", False)


def test_numbers_must_be_whole_and_in_range(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert env_int("N", 1, minimum=1) == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number; got 'twelve'"):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="N must be at least 1; got 0"):
        env_int("N", 1, minimum=1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_a_secret_comes_from_the_variable_or_its_file_but_not_both(monkeypatch, tmp_path):
    monkeypatch.delenv("KEY", raising=False)
    monkeypatch.delenv("KEY_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KEY or KEY_FILE must be set"):
        secret_from_env("KEY")
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")
    monkeypatch.setenv("KEY_FILE", str(key_file))
    assert secret_from_env("KEY") == "from-file"
    monkeypatch.setenv("KEY", "direct")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        secret_from_env("KEY")


def test_database_urls_for_sqlite_and_postgresql():
    base = Path("/srv/followup")
    assert (
        database_from_url("sqlite:///var/db.sqlite3", base)["NAME"]
        == "/srv/followup/var/db.sqlite3"
    )
    assert database_from_url("sqlite:////tmp/db.sqlite3", base)["NAME"] == "/tmp/db.sqlite3"
    pg = database_from_url(
        "postgresql://app:s%40cret@db.internal:5433/followup?sslmode=require", base
    )
    assert (
        pg["ENGINE"],
        pg["NAME"],
        pg["USER"],
        pg["PASSWORD"],
        pg["HOST"],
        pg["PORT"],
        pg["OPTIONS"],
    ) == (
        "django.db.backends.postgresql",
        "followup",
        "app",
        "s@cret",
        "db.internal",
        "5433",
        {"sslmode": "require"},
    )
    with pytest.raises(ImproperlyConfigured, match="must start with sqlite:// or postgresql://"):
        database_from_url("mysql://x/y", base)
    with pytest.raises(ImproperlyConfigured, match="needs a database name"):
        database_from_url("postgresql://host/", base)


def test_a_weak_or_short_secret_key_is_refused_and_the_message_says_why_and_how_to_make_one():
    strong = "k3Y-Zq8pW2vN7xR1tB5mC9hF4jL6sD0gA-yU" + "eIoKaQwXbVnMcTrE"
    assert strong_secret("KEY", strong) == strong
    weak = {
        "a-Key": "it has 5 characters, fewer than 50",
        strong[:49]: "it has 49 characters, fewer than 50",
        "django-insecure-" + strong: "it starts with 'django-insecure-', Django's placeholder",
        "a" * 80: "it is one character repeated",
        # Django's own check (50 characters, 5 different ones) lets these three through.
        "password" * 8: "it is a pattern of 8 characters repeated",
        "0123456789" * 6: "it is a pattern of 10 characters repeated",
        "abcde" * 12: "it is a pattern of 5 characters repeated",
        # 26 different characters, but a pattern repeated (and cut short at the end).
        "abcdefghijklmnopqrstuvwxyz" * 2 + "abc": "it is a pattern of 26 characters repeated",
        # No pattern repeated, but 54 characters from 10 different ones: about 179 bits.
        "0123456789" + "9876543210" + "0246813579" + "1357924680" + "5061728394" + "0918": (
            "its 54 characters are drawn from only 10 different ones, about 179 bits where a "
            "random key has 192 or more"
        ),
    }
    for key, why in weak.items():
        with pytest.raises(ImproperlyConfigured) as refused:
            strong_secret("KEY", key)
        message = str(refused.value)
        assert message.startswith(f"KEY is too weak: {why}. A secret key must be at least 50"), key
        assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in message
        assert key not in message  # the message never shows the key


def test_the_keys_django_python_and_openssl_make_are_strong():
    from django.core.management.utils import get_random_secret_key

    for _ in range(200):
        # Django's, Python's, and openssl rand -hex 32's (64 hexadecimal digits, often fewer
        # than 16 different ones).
        for key in (get_random_secret_key(), secrets.token_urlsafe(50), secrets.token_hex(32)):
            assert strong_secret("KEY", key) == key


def test_the_shortest_repeat_of_a_text():
    assert [shortest_repeat(t) for t in ("", "a", "abab", "ababa", "abcab", "abcd")] == [
        0,
        1,
        2,
        2,
        3,
        4,
    ]


def test_a_secret_key_variable_set_but_empty_stops_with_the_variable_named(monkeypatch, tmp_path):
    monkeypatch.delenv("KEY_FILE", raising=False)
    for empty in ("", "   "):
        monkeypatch.setenv("KEY", empty)
        with pytest.raises(ImproperlyConfigured, match=r"^KEY is set but empty: set it to the"):
            read_secret("KEY")
    monkeypatch.delenv("KEY")
    monkeypatch.setenv("KEY_FILE", "")
    with pytest.raises(ImproperlyConfigured, match=r"^KEY_FILE is set but empty: set it to the"):
        read_secret("KEY")


def test_a_weak_key_from_a_file_is_reported_as_the_files(monkeypatch, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("password" * 8 + "\n")
    monkeypatch.delenv("FOLLOWUP_SECRET_KEY", raising=False)
    monkeypatch.setenv("FOLLOWUP_SECRET_KEY_FILE", str(key_file))
    secret = read_secret("FOLLOWUP_SECRET_KEY")
    assert (secret.value, secret.variable, secret.path) == (
        "password" * 8,
        "FOLLOWUP_SECRET_KEY_FILE",
        key_file,
    )
    with pytest.raises(ImproperlyConfigured) as refused:
        strong_secret(secret.source, secret.value)
    assert str(refused.value).startswith(
        f"The key in FOLLOWUP_SECRET_KEY_FILE ({key_file}) is too weak: it is a pattern of 8 "
        "characters repeated."
    )


@pytest.mark.parametrize(
    ("mode", "warned"),
    [(0o600, False), (0o400, False), (0o640, True), (0o644, True), (0o604, True)],
)
def test_check_deploy_warns_of_a_key_file_others_can_read(tmp_path, settings, mode, warned):
    from followup.web.checks import secret_key_file_is_private

    key_file = tmp_path / "key"
    key_file.write_text("a key")
    key_file.chmod(mode)
    settings.SECRET_KEY_FILE = str(key_file)
    found = secret_key_file_is_private()
    assert [m.id for m in found] == (["followup.W001"] if warned else [])
    if warned:
        assert found[0].msg.startswith(
            f"FOLLOWUP_SECRET_KEY_FILE ({key_file}) is open to users other than its owner "
            f"(mode 0{mode:o})"
        )
        assert f"chmod 600 {key_file}" in str(found[0].hint)
    settings.SECRET_KEY_FILE = ""  # the key given in FOLLOWUP_SECRET_KEY: no file to check
    assert secret_key_file_is_private() == []


def test_the_key_file_check_runs_with_the_deployment_checks_only():
    from django.core.checks import registry

    assert "secret_key_file_is_private" in {c.__name__ for c in registry.registry.get_checks(True)}
    assert "secret_key_file_is_private" not in {
        c.__name__ for c in registry.registry.get_checks(False)
    }


def test_production_hashes_passwords_with_argon2_and_only_the_tests_use_a_fast_hasher():
    """tests/settings.py swaps in MD5 so that the suite's sign-ins cost nothing; the settings a
    deployment runs with keep Argon2 first, so every new password is hashed with it."""
    from django.conf import settings

    import followup.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in production.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
