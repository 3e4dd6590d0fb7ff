"""The backup archive: a ZIP file with a manifest, and the checks that a restore makes on it.

Layout::

    manifest.json                          what the archive holds (``Manifest``): the format,
                                           Followup's version, the database, its migrations and
                                           the highest id each table has given, each table's
                                           rows, each member's size and SHA-256
    database/001-contenttypes.contenttype.jsonl   one member a table, JSON Lines, one row a line
    ...
    files/<name in the storage>            one member a stored file, its bytes as they are

ZIP (Python's ``zipfile``), not tar: its directory at the end lists every member with its sizes,
so a restore checks the member list, the names and the sizes against the manifest before it
reads any data; members are written as a stream whose size is not known in advance (a table
read in batches); each member carries a CRC as well as the manifest's SHA-256; and the format
has no links or device files for Python to create (a member that says it is one is refused).

A restore trusts nothing in the archive until it has checked it: every name is a plain
relative path, every member is listed in the manifest and every listed member is present, no
member is a link, a folder, encrypted or compressed other than by deflate, no member declares
more bytes than deflate can make of its compressed bytes (a "zip bomb"), and every member's
bytes give the size and SHA-256 the manifest lists.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

FORMAT = "followup-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MB = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * MB
# One row of a table, as one line of JSON: a stored document in a database column is its
# bytes in base64, a third larger.
MAX_ROW_BYTES = 512 * MB
# Deflate makes at most 1,032 bytes of each compressed byte, and a few bytes from nothing.
DEFLATE_MOST = 1032
DEFLATE_SLACK = 1024
CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_NAME = 1024

Progress = Callable[[int], None]


class ArchiveError(ValueError):
    """The archive cannot be restored: what is wrong, in plain words, naming the member."""


@dataclass(frozen=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True)
class Table:
    model: str  # app_label.model_name
    table: str  # the database table's name, for people reading the manifest
    rows: int
    member: str


@dataclass
class Manifest:
    followup_version: str
    created: str
    vendor: str
    migrations: list[str]
    tables: list[Table] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # {db_table: the highest id it had ever given} (backup.sequences)
    highest_ids: dict[str, int] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def as_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": self.format_version,
                "followup_version": self.followup_version,
                "created": self.created,
                "database": {
                    "vendor": self.vendor,
                    "migrations": self.migrations,
                    "highest_ids": self.highest_ids,
                },
                "tables": [
                    {"model": t.model, "table": t.table, "rows": t.rows, "member": t.member}
                    for t in self.tables
                ],
                "files": self.files,
                "members": {
                    name: {"sha256": m.sha256, "size": m.size}
                    for name, m in sorted(self.members.items())
                },
            },
            indent=1,
            ensure_ascii=False,
        ).encode("utf-8")

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def file_bytes(self) -> int:
        return sum(self.members[file_member(name)].size for name in self.files)

    @property
    def total_bytes(self) -> int:
        return sum(member.size for member in self.members.values())


def database_member(number: int, model: str) -> str:
    return f"database/{number:03d}-{model}.jsonl"


def file_member(name: str) -> str:
    return f"files/{name}"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a member's name (or a stored file's), or None: only plain relative
    paths, with no empty, ``.`` or ``..`` part, no backslash and no control character."""
    if not name:
        return "an empty name"
    if len(name) > _MAX_NAME:
        return f"a name longer than {_MAX_NAME} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a name with a control character"
    if "\\" in name:
        return "a name with a backslash"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "a path with an empty, '.' or '..' part"
    return None


def _shown(name: str) -> str:
    return repr(name[:200])


def _check_entry(info: zipfile.ZipInfo) -> None:
    """Refuse a member that is not a plain file, stored plainly."""
    name = info.filename
    problem = name_problem(name)
    if problem:
        raise ArchiveError(f"the member {_shown(name)} has {problem}; a backup never has one")
    mode = info.external_attr >> 16
    if info.is_dir() or (mode and stat.S_ISDIR(mode)):
        raise ArchiveError(f"the member {_shown(name)} is a folder; a backup holds only files")
    if mode and stat.S_ISLNK(mode):
        raise ArchiveError(f"the member {_shown(name)} is a link; a backup holds only files")
    if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise ArchiveError(
            f"the member {_shown(name)} is a special file; a backup holds only files"
        )
    if info.flag_bits & 0x1:
        raise ArchiveError(f"the member {_shown(name)} is encrypted; a backup never is")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            f"the member {_shown(name)} is compressed by method {info.compress_type}; a backup "
            "uses deflate only"
        )
    most = (
        info.compress_size
        if info.compress_type == zipfile.ZIP_STORED
        else info.compress_size * DEFLATE_MOST + DEFLATE_SLACK
    )
    if info.file_size > most:
        raise ArchiveError(
            f"the member {_shown(name)} declares {info.file_size:,} bytes, more than its "
            f"{info.compress_size:,} bytes in the archive can hold"
        )


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        _check_entry(info)
        if info.filename in entries:
            raise ArchiveError(f"the member {_shown(info.filename)} is in the archive twice")
        entries[info.filename] = info
    return entries


def open_backup(path: str) -> tuple[zipfile.ZipFile, Manifest]:
    """The archive and its manifest, once its directory and manifest are checked against each
    other (names, members, declared sizes). No member's data is read but the manifest's."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError(f"there is no file {path}") from None
    except IsADirectoryError:
        raise ArchiveError(f"{path} is a folder, not a backup") from None
    except OSError as error:
        raise ArchiveError(f"{path} cannot be read: {error.strerror}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise ArchiveError(
            f"{path} is not a Followup backup, or it is damaged or cut short: it is not a "
            "readable ZIP archive (its directory, at the end, is missing or corrupt)"
        ) from None
    try:
        entries = _entries(archive)
        manifest = _read_manifest(archive, entries)
        _match(entries, manifest)
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def _read_manifest(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> Manifest:
    info = entries.get(MANIFEST)
    if info is None:
        raise ArchiveError(f"the archive has no {MANIFEST}: it is not a Followup backup")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ArchiveError(f"its {MANIFEST} declares {info.file_size:,} bytes, too many to be one")
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_MANIFEST_BYTES + 1)
        text = json.loads(data.decode("utf-8"))
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        raise ArchiveError(f"its {MANIFEST} is damaged and cannot be unpacked ({error})") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ArchiveError(f"its {MANIFEST} is not readable JSON ({error})") from None
    return parse_manifest(text)


def _need(condition: bool, what: str) -> None:
    if not condition:
        raise ArchiveError(f"its {MANIFEST} is not a Followup backup's: {what}")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    _need(isinstance(value, str), f"'{key}' must be text")
    return str(value)


def _count(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    _need(
        isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        f"'{key}' must be a whole number, 0 or more",
    )
    return int(value)  # type: ignore[arg-type]  # checked just above


def parse_manifest(data: Any) -> Manifest:
    """The manifest in ``data`` (parsed JSON), every field checked."""
    _need(isinstance(data, dict), "it must be a JSON object")
    _need(data.get("format") == FORMAT, f"'format' must be {FORMAT!r}")
    version = _count(data, "format_version")
    if version != FORMAT_VERSION:
        raise ArchiveError(
            f"the backup's format is version {version}, and this Followup reads version "
            f"{FORMAT_VERSION}: restore it with the Followup release that made it "
            f"({data.get('followup_version')!r})"
        )
    database = data.get("database")
    _need(isinstance(database, dict), "'database' must be an object")
    migrations = database.get("migrations")
    _need(
        isinstance(migrations, list) and all(isinstance(m, str) for m in migrations),
        "'database.migrations' must be a list of names",
    )
    highest = database.get("highest_ids", {})
    _need(
        isinstance(highest, dict)
        and all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in highest.values()
        ),
        "'database.highest_ids' must map tables to whole numbers",
    )
    tables_data = data.get("tables")
    _need(isinstance(tables_data, list), "'tables' must be a list")
    tables = []
    for item in tables_data:
        _need(isinstance(item, dict), "each of 'tables' must be an object")
        tables.append(
            Table(
                _text(item, "model"),
                _text(item, "table"),
                _count(item, "rows"),
                _text(item, "member"),
            )
        )
    files = data.get("files")
    _need(
        isinstance(files, list) and all(isinstance(name, str) for name in files),
        "'files' must be a list of names",
    )
    members_data = data.get("members")
    _need(isinstance(members_data, dict), "'members' must be an object")
    members = {}
    for name, item in members_data.items():
        _need(isinstance(item, dict), f"members[{name!r}] must be an object")
        digest = _text(item, "sha256")
        _need(bool(_SHA256.fullmatch(digest)), f"members[{name!r}].sha256 must be 64 hex digits")
        members[name] = Member(digest, _count(item, "size"))
    manifest = Manifest(
        followup_version=_text(data, "followup_version"),
        created=_text(data, "created"),
        vendor=_text(database, "vendor"),
        migrations=list(migrations),
        tables=tables,
        files=list(files),
        highest_ids=dict(highest),
        members=members,
        format_version=version,
    )
    _consistent(manifest)
    return manifest


def _consistent(manifest: Manifest) -> None:
    """Every table and file has a member listed, and every member listed is one of them."""
    expected = [t.member for t in manifest.tables] + [file_member(n) for n in manifest.files]
    _need(len(set(expected)) == len(expected), "a table or file is listed twice")
    models = [t.model for t in manifest.tables]
    _need(len(set(models)) == len(models), "a table is listed twice")
    for name in expected:
        problem = name_problem(name)
        if problem:
            raise ArchiveError(f"its {MANIFEST} lists {_shown(name)}, {problem}")
        _need(name in manifest.members, f"{_shown(name)} has no size and digest in 'members'")
    for table in manifest.tables:
        _need(
            table.member.startswith("database/"),
            f"the table {table.model}'s member must be under database/",
        )
    unlisted = sorted(set(manifest.members) - set(expected))
    _need(
        not unlisted,
        f"'members' lists {_shown(unlisted[0]) if unlisted else ''}, which is no table or file",
    )


def _match(entries: dict[str, zipfile.ZipInfo], manifest: Manifest) -> None:
    present = set(entries) - {MANIFEST}
    missing = sorted(set(manifest.members) - present)
    if missing:
        raise ArchiveError(
            f"the archive lacks {_shown(missing[0])}, which its manifest lists"
            + (f" (and {len(missing) - 1:,} more)" if len(missing) > 1 else "")
        )
    extra = sorted(present - set(manifest.members))
    if extra:
        raise ArchiveError(
            f"the archive holds {_shown(extra[0])}, which its manifest does not list"
            + (f" (and {len(extra) - 1:,} more)" if len(extra) > 1 else "")
        )
    for name, member in manifest.members.items():
        declared = entries[name].file_size
        if declared != member.size:
            raise ArchiveError(
                f"the member {_shown(name)} declares {declared:,} bytes, and the manifest "
                f"{member.size:,}"
            )


def member_chunks(
    archive: zipfile.ZipFile, name: str, member: Member, progress: Progress | None = None
) -> Iterator[bytes]:
    """The member's bytes, a chunk at a time; ``ArchiveError`` when they are cut short, corrupt,
    or do not give the manifest's size and SHA-256 (raised after the last chunk)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > member.size:
                    break
                digest.update(chunk)
                if progress is not None:
                    progress(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        why = "its checksum does not match" if "CRC" in str(error) else "it is cut short or corrupt"
        raise ArchiveError(f"the member {_shown(name)} is damaged: {why} ({error})") from None
    if size != member.size:
        raise ArchiveError(
            f"the member {_shown(name)} holds {size:,} bytes, and the manifest lists {member.size:,}"
        )
    if digest.hexdigest() != member.sha256:
        raise ArchiveError(
            f"the member {_shown(name)} does not match its SHA-256 digest in the manifest: it "
            "has been changed or damaged"
        )


def member_lines(
    archive: zipfile.ZipFile, name: str, member: Member, progress: Progress | None = None
) -> Iterator[str]:
    """The member's lines as text, each at most ``MAX_ROW_BYTES``; checked as ``member_chunks``."""
    pending = b""
    for chunk in member_chunks(archive, name, member, progress):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        if len(pending) > MAX_ROW_BYTES:
            raise ArchiveError(
                f"the member {_shown(name)} has a row longer than {MAX_ROW_BYTES // MB} MB"
            )
        for line in lines:
            yield _decoded(name, line)
    if pending:
        yield _decoded(name, pending)


def _decoded(name: str, line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise ArchiveError(f"the member {_shown(name)} is not UTF-8 text") from None


def verify(archive: zipfile.ZipFile, manifest: Manifest, progress: Progress) -> None:
    """Read every member once: its bytes give its size and digest, and a table's member holds
    as many rows as the manifest says, none of them too long. ``progress(bytes)`` is told as
    the reading goes."""
    for table in manifest.tables:
        rows = 0
        for line in member_lines(archive, table.member, manifest.members[table.member], progress):
            if line.strip():
                rows += 1
        if rows != table.rows:
            raise ArchiveError(
                f"the member {_shown(table.member)} holds {rows:,} rows of {table.model}, and the "
                f"manifest lists {table.rows:,}"
            )
    for stored in manifest.files:
        name = file_member(stored)
        for _chunk in member_chunks(archive, name, manifest.members[name], progress):
            pass
