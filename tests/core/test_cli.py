"""The followup command, run as a user would run it: a separate process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.migrated import DATABASE, copy_database

COMMANDS = [
    "demo",
    "serve",
    "migrate",
    "createuser",
    "load-framework",
    "load-template",
    "check",
    "manage",
]


def run(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: int = 120,
):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "followup.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        input=stdin,
        cwd=cwd,
        timeout=timeout,
    )


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "usage: followup " + command in result.stdout
    assert len(result.stdout.splitlines()) >= 3


@pytest.fixture
def local(tmp_path):
    """A fresh local-mode data folder."""
    return {"FOLLOWUP_DATA_DIR": str(tmp_path / "var")}


@pytest.fixture(scope="module")
def migrated_once(migrated_sqlite):
    """A local-mode data folder migrated once for the test run (migrating takes seconds), from a
    folder that did not exist before (tests/migrated.py)."""
    return migrated_sqlite


@pytest.fixture
def migrated(tmp_path, local, migrated_once):
    """A copy of the migrated data folder of its own for the test."""
    shutil.copytree(migrated_once, local["FOLLOWUP_DATA_DIR"])
    return local


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory, migrated_once):
    """``followup demo`` run once for the module in a folder of its own: the folder and the
    result. Its database is a copy of the migrated one, so the demo's migrate has nothing to do:
    migrating a new database is ``migrated_once``'s (the same function, run by ``followup
    migrate``), and took most of this fixture's time again."""
    folder = tmp_path_factory.mktemp("demo")
    local = {"FOLLOWUP_DATA_DIR": str(folder / "var")}
    copy_database(migrated_once, folder / "var" / DATABASE)
    result = run(
        "demo", env={**local, "FOLLOWUP_DEMO_PASSWORD": "a-long-demo-password"}, cwd=folder
    )
    return folder, local, result


def test_local_mode_keeps_a_generated_secret_key_private_in_the_data_folder(migrated_once):
    # migrated_once is ``followup migrate`` run in local mode with no data folder yet.
    key = migrated_once / "secret_key"
    assert len(key.read_text()) >= 50
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert (migrated_once / "followup.sqlite3").exists()


def test_load_framework_reports_line_numbered_errors_on_stderr_and_exits_non_zero(
    tmp_path, migrated
):
    local = migrated
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent("""\
        kind: framework
        urn: urn:test:x
        version: 1
        name: X
        scale: urn:followup:scale:six-point
        nodes:
          - urn: urn:test:x:1
        """)
    )
    result = run("load-framework", str(bad), env=local, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad.yaml, line 7: A quality indicator: 'name' is required.",
        "Nothing was loaded (1 problem).",
    ]


def test_load_framework_loads_a_good_file_and_says_what_it_loaded(tmp_path, migrated):
    from followup.frameworks.library import LIBRARY_DIR

    local = migrated
    result = run(
        "load-framework", str(LIBRARY_DIR / "ci-children-2012.yaml"), env=local, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "loaded: scale urn:followup:scale:six-point version 1: Six-point evaluation scale",
        "loaded: framework urn:followup:framework:ci-children-2012 version 1: How well are we improving "
        "the lives of children and young people? A guide to evaluating services using quality "
        "indicators (9 assessable quality indicators)",
    ]


def test_load_template_reports_line_numbered_errors_then_loads_the_bundled_template(
    tmp_path, migrated
):
    from followup.records.template_files import TEMPLATES_DIR

    local = migrated
    good = TEMPLATES_DIR / "followup-default-records.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("answer: six_point", "answer: 1-6", 1))
    result = run("load-template", str(bad), env=local, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad.yaml, line 26: The question 'assessment-current': unknown answer type '1-6' "
        "(expected one of: six_point, yes_no_na, free_text).",
        "Nothing was loaded (1 problem).",
    ]
    result = run("load-template", str(good), env=local, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "loaded: template followup-default version 1: Followup default records template "
        "(22 questions in 8 sections)"
    )


def test_createuser_adds_a_member_with_a_role_and_refuses_weak_passwords(demo_once):
    tmp_path, local, _ = demo_once
    weak = run(
        "createuser",
        "newbie",
        "--partnership",
        "glenmorran",
        "--role",
        "editor",
        "--password-stdin",
        env=local,
        stdin="123\n",
        cwd=tmp_path,
    )
    assert weak.returncode == 1
    assert "too short" in weak.stderr
    made = run(
        "createuser",
        "newbie",
        "--partnership",
        "glenmorran",
        "--role",
        "editor",
        "--password-stdin",
        env=local,
        stdin="a sound passphrase here\n",
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert (
        made.stdout.strip()
        == "Created newbie as Editor of Glenmorran children's services partnership."
    )
    unknown = run(
        "createuser",
        "other",
        "--partnership",
        "nowhere",
        "--role",
        "viewer",
        "--password-stdin",
        env=local,
        stdin="a sound passphrase here\n",
        cwd=tmp_path,
    )
    assert unknown.returncode == 1
    assert "no partnership has the slug 'nowhere'" in unknown.stderr


def test_demo_prints_the_sign_ins_and_the_password_from_the_environment(demo_once):
    _, _, result = demo_once
    assert result.returncode == 0, result.stderr
    assert "Password for all of them: a-long-demo-password" in result.stdout
    for username in ("lead", "editor", "contributor", "viewer", "inspector", "outsider"):
        assert f"  {username} " in result.stdout


def _audit_rows(local: dict[str, str]) -> list[tuple[str, str]]:
    import sqlite3

    database = Path(local["FOLLOWUP_DATA_DIR"]) / "followup.sqlite3"
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT verb, object_repr FROM audit_auditentry ORDER BY id"
        ).fetchall()


def _without_the_audit_log(local: dict[str, str]) -> None:
    """The migrated database as it stood before the audit app's migrations: its tables and
    their record of having been applied taken out (no other app's migration depends on them)."""
    import sqlite3

    database = Path(local["FOLLOWUP_DATA_DIR"]) / DATABASE
    with sqlite3.connect(database) as connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'audit_*'"
        ).fetchall()
        assert tables == [("audit_auditentry",)]
        connection.execute("DROP TABLE audit_auditentry")
        connection.execute("DELETE FROM django_migrations WHERE app = 'audit'")
    connection.close()


def test_manage_is_on_the_record_before_it_runs_and_never_erases_the_record(tmp_path, migrated):
    # A database with no audit log yet (a new one, before its first migrate) has nothing to
    # record into until the command makes the log: it is recorded after. Here the migrated
    # database without the audit app's tables, which `manage migrate` makes as in a new one:
    # migrating every app again cost seconds and tested nothing more of `manage`.
    local = migrated
    _without_the_audit_log(local)
    made = run("manage", "migrate", "--verbosity", "0", env=local, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stderr.startswith("note: the database has no audit log yet")
    assert _audit_rows(local) == [
        ("command.manage", "followup manage migrate --verbosity 0"),
    ]
    code = "from followup.audit.models import AuditEntry; import os; os._exit(0)"
    assert run("manage", "shell", "-c", code, env=local, cwd=tmp_path).returncode == 0
    assert _audit_rows(local)[-1] == ("command.manage", f"followup manage shell -c {code}")
    flush = run("manage", "flush", "--noinput", env=local, cwd=tmp_path)
    assert flush.returncode == 1
    assert flush.stderr.startswith(
        "manage flush: refused: it would delete every row of every table, the audit log included."
    )
    assert len(_audit_rows(local)) == 2


def documented_production_settings() -> dict[str, str]:
    text = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    block = text.split("## Production settings", 1)[1].split("```env", 1)[1].split("```", 1)[0]
    return dict(line.split("=", 1) for line in block.strip().splitlines())


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    production = documented_production_settings()
    # Preload is a choice for the domain's owner (docs/configuration.md): not needed to pass.
    assert "FOLLOWUP_HSTS_PRELOAD" not in production
    # The operator's own paths, here made in a temporary folder.
    key = tmp_path / "secret"
    key.write_text("a-production-secret-key-that-is-long-and-random-0123456789abcdefXYZ")
    key.chmod(0o600)  # readable by Followup's user only, as the documentation says
    production["FOLLOWUP_SECRET_KEY_FILE"] = str(key)
    production["FOLLOWUP_DATA_DIR"] = str(tmp_path / "var")
    result = run("check", "--deploy", env=production, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found. (deployment checks included)" in result.stdout
    # The same file readable by everyone (mode 644) fails the deployment checks.
    key.chmod(0o644)
    shared = run("check", "--deploy", env=production, cwd=tmp_path)
    assert shared.returncode == 1
    assert f"(followup.W001) FOLLOWUP_SECRET_KEY_FILE ({key}) is open to users" in shared.stderr
    assert f"chmod 600 {key}" in shared.stderr


@pytest.mark.parametrize("variable", ["FOLLOWUP_SECRET_KEY", "FOLLOWUP_SECRET_KEY_FILE"])
def test_a_secret_key_variable_set_but_empty_stops_followup_instead_of_local_mode(
    tmp_path, variable
):
    env = {variable: "", "FOLLOWUP_DATA_DIR": str(tmp_path / "var")}
    for command in (["serve", "--port", "0"], ["check", "--deploy"]):
        try:
            result = run(*command, env=env, cwd=tmp_path, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"followup {command[0]} started instead of stopping")
        assert result.returncode == 1, command
        assert result.stderr.startswith(
            f"Configuration problem: {variable} is set but empty: set it to the"
        ), command
        assert "local mode" not in result.stderr and "Followup is at" not in result.stdout
    assert not (tmp_path / "var" / "secret_key").exists()  # no key was made for local mode


def test_check_deploy_fails_loudly_when_https_is_turned_off(tmp_path):
    insecure = {
        "FOLLOWUP_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefXYZ",
        "FOLLOWUP_HTTPS": "false",
        "FOLLOWUP_DATA_DIR": str(tmp_path / "var"),
    }
    result = run("check", "--deploy", env=insecure, cwd=tmp_path)
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr or "security.W012" in result.stderr


def test_a_short_secret_key_refuses_to_start_in_production_mode(tmp_path):
    production = {**documented_production_settings(), "FOLLOWUP_DATA_DIR": str(tmp_path / "var")}
    (tmp_path / "secret").write_text("too-short-a-secret")
    production["FOLLOWUP_SECRET_KEY_FILE"] = str(tmp_path / "secret")
    # The key is checked as the settings load, so every command refuses alike, naming the file.
    result = run("check", "--deploy", env=production, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Configuration problem: The key in FOLLOWUP_SECRET_KEY_FILE ({tmp_path / 'secret'}) "
        "is too weak: it has 18 characters, fewer than 50."
    )
    given = run(
        "check",
        env={"FOLLOWUP_SECRET_KEY": "password" * 8, "FOLLOWUP_DATA_DIR": "var"},
        cwd=tmp_path,
    )
    assert given.stderr.startswith(
        "Configuration problem: FOLLOWUP_SECRET_KEY is too weak: it is a pattern of 8 characters "
        "repeated."
    )
    # A developer's machine (FOLLOWUP_DEBUG on) may start with any key; check --deploy fails.
    debug = {**production, "FOLLOWUP_DEBUG": "true"}
    deploy = run("check", "--deploy", env=debug, cwd=tmp_path)
    assert deploy.returncode != 0 and "security.W009" in deploy.stderr


def test_a_bad_setting_stops_the_command_with_the_variable_named(tmp_path, local):
    result = run("check", env={**local, "FOLLOWUP_DEBUG": "perhaps"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration problem: FOLLOWUP_DEBUG must be one of true/false, yes/no, on/off, 1/0; got 'perhaps'."
    )
