"""Backup and restore: the whole database and every stored file in one archive.

``followup backup`` and ``followup restore`` (``followup.cli_backup``) call :func:`make.write_backup`
and :func:`restore.restore_backup`; ``docs/deploy.md`` ("Backup and restore") says what the
archive holds and how to use it. The database part is Django's JSON Lines serialization of every
model Django knows, so a backup made on SQLite restores into PostgreSQL and back.
"""
