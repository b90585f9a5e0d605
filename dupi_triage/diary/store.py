"""The diary file: the one module that owns the SQLite connection, the schema and its migrations.

One file per person, owner-only (folder 0700, file 0600). Every command is one transaction;
WAL and a busy timeout let two processes add entries at once. The schema is versioned with
`PRAGMA user_version` and grows only by appending to MIGRATIONS: a step, once released, is never
edited. A file that is not ours, is damaged, or comes from a newer version is refused with one
line and left untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from dupi_triage import PROG
from dupi_triage.diary.entries import CheckIn, Dose, Entry, Pause, sort_key
from dupi_triage.errors import InputError

ENV_VAR = "DUPI_TRIAGE_DIARY"
FIELD = "--diary"
BUSY_TIMEOUT_SECONDS = 10.0
SQLITE_HEADER = b"SQLite format 3\x00"

# date(x, '+0 days') normalises 2025-02-30 to 2025-03-02, so only real calendar days pass.
_DAY = (
    "CHECK ({0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date({0}, '+0 days') = {0})"
)
_ID = "TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36)"

# Append only. Each step runs in one transaction with its user_version bump.
MIGRATIONS: tuple[str, ...] = (
    # 1: doses, check-ins (answers keyed by question id) and pauses.
    f"""
    CREATE TABLE injection_site (id TEXT PRIMARY KEY NOT NULL) STRICT;
    INSERT INTO injection_site (id) VALUES ('abdomen'), ('thigh'), ('upper_arm');
    CREATE TABLE dose (
        id {_ID},
        day TEXT NOT NULL {_DAY.format("day")},
        site TEXT REFERENCES injection_site (id),
        note TEXT NOT NULL DEFAULT '',
        recorded TEXT NOT NULL
    ) STRICT;
    CREATE TABLE checkin (
        id {_ID},
        day TEXT NOT NULL {_DAY.format("day")},
        answers TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
        note TEXT NOT NULL DEFAULT '',
        recorded TEXT NOT NULL
    ) STRICT;
    CREATE TABLE pause (
        id {_ID},
        start TEXT NOT NULL {_DAY.format("start")},
        end_day TEXT CHECK (
            end_day IS NULL OR (date(end_day, '+0 days') = end_day AND end_day >= start)
        ),
        note TEXT NOT NULL DEFAULT '',
        recorded TEXT NOT NULL
    ) STRICT;
    CREATE INDEX dose_day ON dose (day);
    CREATE INDEX checkin_day ON checkin (day);
    """,
    # 2: a pause says whether it was agreed with the prescriber.
    """
    ALTER TABLE pause ADD COLUMN agreed_with_prescriber INTEGER NOT NULL DEFAULT 0
        CHECK (agreed_with_prescriber IN (0, 1));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_path() -> Path:
    """--diary, else DUPI_TRIAGE_DIARY, else diary.sqlite in the user's data folder."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(PROG, appauthor=False)) / "diary.sqlite"


def resolve(path_text: str | None) -> Path:
    return Path(path_text).expanduser() if path_text else default_path()


def new_id() -> str:
    """A random (version 4) UUID, as uuid.uuid4() makes, without importing uuid (~10 ms)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Diary:
    """An open diary file. Use `open_diary`; close it (or use `with`) when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection, *, writable: bool) -> None:
        self.path = path
        self.connection = connection
        self.writable = writable

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    # -- transactions ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One command, one transaction: all of it is written, or none."""
        self._require_writable()
        db = self.connection
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._write_error(error) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise self._write_error(error) from None
            raise

    def _require_writable(self) -> None:
        if not self.writable:
            raise InputError(FIELD, f"{self.path} was opened for reading only")

    def _write_error(self, error: sqlite3.OperationalError) -> InputError:
        if "locked" in str(error) or "busy" in str(error):
            return InputError(FIELD, f"{self.path} is busy in another program; try again")
        return InputError(FIELD, f"cannot write {self.path}: {error}")

    # -- reading -----------------------------------------------------------------------------------

    def entries(self, since: dt.date | None = None) -> list[Entry]:
        """Every entry (on or after `since`), newest last."""
        bound = since.isoformat() if since else "0000-00-00"
        db = self.connection
        found: list[Entry] = [
            Dose(row[0], dt.date.fromisoformat(row[1]), row[2], row[3], row[4])
            for row in db.execute(
                "SELECT id, day, site, note, recorded FROM dose WHERE day >= ?", (bound,)
            )
        ]
        found.extend(
            CheckIn(row[0], dt.date.fromisoformat(row[1]), _answers(row[2]), row[3], row[4])
            for row in db.execute(
                "SELECT id, day, answers, note, recorded FROM checkin WHERE day >= ?", (bound,)
            )
        )
        found.extend(
            Pause(
                row[0],
                dt.date.fromisoformat(row[1]),
                dt.date.fromisoformat(row[2]) if row[2] else None,
                bool(row[3]),
                row[4],
                row[5],
            )
            for row in db.execute(
                "SELECT id, start, end_day, agreed_with_prescriber, note, recorded FROM pause "
                "WHERE coalesce(end_day, '9999-12-31') >= ?",
                (bound,),
            )
        )
        found.sort(key=sort_key)
        return found

    def find(self, id_text: str) -> Entry:
        """An entry by its id or a unique start of it (as `diary show` prints)."""
        prefix = id_text.strip().lower()
        if len(prefix) < 4 or not all(c in "0123456789abcdef-" for c in prefix):
            raise InputError("ID", f"{id_text!r} is not an entry id", "an id from 'diary show'")
        matches = [e for e in self.entries() if e.id.startswith(prefix)]
        if not matches:
            raise InputError("ID", f"no entry {id_text!r} in {self.path}")
        if len(matches) > 1:
            raise InputError("ID", f"{id_text!r} matches {len(matches)} entries; give more of it")
        return matches[0]

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("dose", "checkin", "pause")
        }

    def check(self) -> list[str]:
        """Problems found by SQLite's own integrity and foreign-key checks; [] when sound."""
        db = self.connection
        problems = [row[0] for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"{row[0]} row {row[1]}: broken reference"
            for row in db.execute("PRAGMA foreign_key_check")
        ]
        return problems

    # -- writing -----------------------------------------------------------------------------------

    def add(self, db: sqlite3.Connection, entry: Entry) -> bool:
        """Insert `entry` inside a transaction; False if an entry with its id is already there."""
        if isinstance(entry, Dose):
            cursor = db.execute(
                "INSERT OR IGNORE INTO dose (id, day, site, note, recorded) VALUES (?, ?, ?, ?, ?)",
                (entry.id, entry.day.isoformat(), entry.site, entry.note, entry.recorded),
            )
        elif isinstance(entry, CheckIn):
            cursor = db.execute(
                "INSERT OR IGNORE INTO checkin (id, day, answers, note, recorded) "
                "VALUES (?, ?, ?, ?, ?)",
                (entry.id, entry.day.isoformat(), _answers_json(entry), entry.note, entry.recorded),
            )
        else:
            cursor = db.execute(
                "INSERT OR IGNORE INTO pause (id, start, end_day, agreed_with_prescriber, note, "
                "recorded) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.id,
                    entry.start.isoformat(),
                    entry.end.isoformat() if entry.end else None,
                    int(entry.agreed_with_prescriber),
                    entry.note,
                    entry.recorded,
                ),
            )
        return cursor.rowcount == 1

    def replace(self, db: sqlite3.Connection, entry: Entry) -> None:
        self.remove(db, entry)
        self.add(db, entry)

    def remove(self, db: sqlite3.Connection, entry: Entry) -> None:
        table = {"dose": "dose", "checkin": "checkin", "pause": "pause"}[entry.kind]
        db.execute(f"DELETE FROM {table} WHERE id = ?", (entry.id,))


@functools.lru_cache(maxsize=4096)
def _answers(text: str) -> Mapping[str, str | int | tuple[str, ...]]:
    """Check-in answers, read-only: years of check-ins repeat a few hundred combinations."""
    raw = json.loads(text)
    return MappingProxyType(
        {key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}
    )


def _answers_json(entry: CheckIn) -> str:
    plain = {k: list(v) if isinstance(v, tuple) else v for k, v in entry.answers.items()}
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


# --- opening --------------------------------------------------------------------------------------


def open_diary(path: Path, *, write: bool) -> Diary:
    """Open (for writing: create) the diary at `path`, migrated to the current schema.

    Reading never changes the file: a diary from an older version is read through a migrated
    in-memory copy, so `show` and `assess --from-diary` work on a read-only file too.
    """
    if write:
        _prepare(path)
    elif not path.is_file():
        from dupi_triage.invocation import invoked

        command = invoked()
        raise InputError(
            FIELD,
            f"no diary at {path} yet; start one with '{command} diary dose' or "
            f"'{command} diary skin'",
        )
    _check_header(path)
    try:
        if write:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        elif os.stat(path).st_mode & 0o200:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        else:
            connection = _connect_read_only(path)
        connection.execute("PRAGMA foreign_keys = ON")
        version = _schema_version(path, connection)
        if write:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            # In WAL mode a crash of this program (even kill -9) never loses a commit; only a
            # power cut could lose the last entry, never the file's integrity.
            connection.execute("PRAGMA synchronous = NORMAL")
            _migrate(connection, version)
        elif version < SCHEMA_VERSION:
            connection = _migrated_copy(connection, version)
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from None
    return Diary(path, connection, writable=write)


def _prepare(path: Path) -> None:
    """The folder (0700) and an empty file (0600), made before SQLite touches them."""
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise InputError(FIELD, f"cannot create folder {folder}: {error.strerror}") from None
    if path.exists():
        if not path.is_file():
            raise InputError(FIELD, f"{path} is not a regular file")
        if not os.stat(path).st_mode & 0o200:
            raise InputError(
                FIELD,
                f"{path} is read-only, so nothing can be added or changed "
                "('diary show' and 'assess --from-diary' still read it)",
            )
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # another process made it a moment ago
    except OSError as error:
        raise InputError(FIELD, f"cannot create {path}: {error.strerror}") from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise InputError(FIELD, f"cannot read {path}: {error.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise InputError(
            FIELD, f"{path} is not a dupi-triage diary (not an SQLite database); left untouched"
        )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}"
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError:
        # A WAL diary in a folder we cannot write: read the file as it stands.
        return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def _schema_version(path: Path, connection: sqlite3.Connection) -> int:
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise InputError(
            FIELD,
            f"{path} was written by a newer {PROG} (diary version {version}; this one reads up "
            f"to {SCHEMA_VERSION}); left untouched: update {PROG} to use it",
        )
    if version == 0:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise InputError(
                FIELD, f"{path} is an SQLite database but not a dupi-triage diary; left untouched"
            )
    return version


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply the missing steps, each in one transaction with its version bump."""
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if current >= number:
                connection.execute("COMMIT")
                continue
            for statement in _statements(step):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _statements(script: str) -> Sequence[str]:
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


def _migrated_copy(connection: sqlite3.Connection, version: int) -> sqlite3.Connection:
    memory = sqlite3.connect(":memory:", isolation_level=None)
    connection.backup(memory)
    connection.close()
    _migrate(memory, version)
    return memory


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> InputError:
    return InputError(FIELD, f"{path} cannot be read as a diary ({error}); left untouched")
