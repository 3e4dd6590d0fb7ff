from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from followup.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    secret_from_env,
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


def test_a_weak_or_short_secret_key_is_refused():
    strong = "k3Y-" + "abcdefghij" * 5
    assert strong_secret("KEY", strong) == strong
    for weak in ("short", "a" * 80, "ab" * 40, "django-insecure-" + "abcdefghij" * 5, strong[:49]):
        with pytest.raises(ImproperlyConfigured, match="KEY is too weak: it must be at least 50"):
            strong_secret("KEY", weak)
