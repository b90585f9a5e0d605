"""The diary file: the one module that owns the SQLite connection.

One file per person, owner-only (folder 0700, file 0600), checked by place.py before SQLite
touches it. Every command is one transaction; WAL and a busy timeout let two processes add
entries at once. Reading takes a copy into memory and lets go of the file once SQLite's
integrity check of it is done, so reading never changes it (no migration, no `-wal` or `-shm` left
behind). A file that is not ours, is damaged, or comes from a newer version is refused with one
line and left untouched; SQLite's own errors become one line that says what happened (busy,
read-only, disk full, damaged), never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from dupi_triage import PROG
from dupi_triage.diary import place
from dupi_triage.diary.entries import CheckIn, Dose, Entry, sort_key
from dupi_triage.diary.problems import Damaged, sqlite_problem
from dupi_triage.diary.rows import QUERIES, BadRow, entries_from_rows, entry_from_row
from dupi_triage.diary.schema import SCHEMA_VERSION, expected_layout, layout, migrate
from dupi_triage.errors import InputError, quoted, quoted_path
from dupi_triage.signals import termination_unwinds

ENV_VAR = "DUPI_TRIAGE_DIARY"
FIELD = place.FIELD
BUSY_TIMEOUT_SECONDS = 10.0
SQLITE_HEADER = b"SQLite format 3\x00"
__all__ = [
    "SCHEMA_VERSION",
    "Damaged",
    "Diary",
    "default_path",
    "new_id",
    "now_stamp",
    "open_diary",
]


def default_path() -> Path:
    """--diary, else DUPI_TRIAGE_DIARY, else diary.sqlite in the user's data folder."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(PROG, appauthor=False)) / "diary.sqlite"


def resolve(path_text: str | None) -> Path:
    """The diary's path, made absolute: a relative one needs a working folder that exists."""
    if path_text is not None and not path_text.strip():
        raise InputError(
            FIELD, "is empty; give the diary's file name, or leave --diary out for the usual one"
        )
    path = Path(path_text).expanduser() if path_text else default_path()
    if path.is_absolute():
        return path
    try:
        return Path(os.getcwd()) / path
    except FileNotFoundError:
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is relative, but the current folder no longer exists; "
            "give the diary's full path",
        ) from None


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
    """An open diary. Use `open_diary`; close it (or use `with`) when done."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        *,
        writable: bool,
        mending: bool = False,
        check: FileCheck | None = None,
    ) -> None:
        self.path = path
        self.connection = connection
        self.writable = writable
        self.mending = mending  # `diary delete` may write to a diary with a damaged entry
        self._every: list[Entry] | None = None  # every entry, as read when the write began
        self._check = check  # the file's integrity check, still running: see FileCheck
        self.unwinding = contextlib.ExitStack()  # what close() undoes (open_diary's signals)

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.connection.close()
            if self._check is not None:
                self._check.wait()
        finally:
            self.unwinding.close()

    def _checked(self) -> None:
        """Nothing read from the diary goes out before its integrity check has passed."""
        if self._check is not None:
            self._check.result()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One command, one transaction: all of it is written, or none."""
        if not self.writable:
            raise InputError(FIELD, f"{quoted_path(self.path)} was opened for reading only")
        db = self.connection
        with self.sqlite_errors():
            db.execute("BEGIN IMMEDIATE")
            try:
                if not self.mending:
                    # Read under the write lock: a diary with a damaged entry is never written.
                    self._every = self.entries()
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                self._every = None

    @contextlib.contextmanager
    def sqlite_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as error:
            raise sqlite_problem(self.path, error) from None
        except UnicodeDecodeError:
            raise Damaged(self.path, "text that is not UTF-8") from None

    # -- reading -----------------------------------------------------------------------------------

    def entries(self, since: dt.date | None = None) -> list[Entry]:
        """Every entry (on or after `since`), newest last; a row that is not sound is refused."""
        if since is None and self._every is not None:
            return list(self._every)
        found: list[Entry] = []
        today = dt.date.today()
        bound = since.isoformat() if since else ""
        with self.sqlite_errors():
            for kind, query in QUERIES.items():
                rows = self.connection.execute(query, (bound,)).fetchall()
                try:
                    found += entries_from_rows(kind, rows, today)
                except BadRow as bad:
                    self._checked()  # a damaged file is called that first, as it always was
                    raise Damaged(self.path, str(bad)) from None
        self._checked()
        found.sort(key=sort_key)
        return found

    def _rows(self, since: dt.date | None) -> Iterator[tuple[str, tuple[object, ...]]]:
        bound = since.isoformat() if since else ""
        for kind, query in QUERIES.items():
            for row in self.connection.execute(query, (bound,)):
                yield kind, tuple(row)

    def problems(self) -> list[str]:
        """What is wrong with the file and its rows, from SQLite's checks and ours; [] if sound."""
        db = self.connection
        problems: list[str] = []
        try:
            problems += [row[0] for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [
                f"{row[0]} row {row[1]}: broken reference"
                for row in db.execute("PRAGMA foreign_key_check")
            ]
            today = dt.date.today()
            for kind, row in self._rows(None):
                try:
                    entry_from_row(kind, row, today)
                except BadRow as bad:
                    problems.append(str(bad))
        except sqlite3.DatabaseError as error:
            problems.append(f"SQLite cannot read it: {error}")
        except UnicodeDecodeError:
            problems.append("it holds text that is not UTF-8")
        return problems

    def find(self, id_text: str) -> Entry:
        """An entry by its id or a unique start of it (as `diary show` prints)."""
        kind, entry_id = self.find_id(id_text)
        return next(e for e in self.entries() if e.id == entry_id and e.kind == kind)

    def find_id(self, id_text: str) -> tuple[str, str]:
        """(kind, id) of the one entry whose id starts so, sound or damaged: `delete` removes a
        damaged entry, which is how a diary refused for one bad entry is mended."""
        self._checked()
        prefix = id_text.strip().lower()
        if len(prefix) < 4 or not all(c in "0123456789abcdef-" for c in prefix):
            raise InputError(
                "ID", f"{quoted(id_text)} is not an entry id", "an id from 'diary show'"
            )
        with self.sqlite_errors():
            matches = [
                (kind, str(row[0]))
                for kind in QUERIES
                for row in self.connection.execute(
                    f"SELECT id FROM {kind} WHERE substr(id, 1, ?) = ?", (len(prefix), prefix)
                )
            ]
        if not matches:
            raise InputError("ID", f"no entry {quoted(id_text)} in {quoted_path(self.path)}")
        if len(matches) > 1:
            raise InputError(
                "ID", f"{quoted(id_text)} matches {len(matches)} entries; give more of it"
            )
        return matches[0]

    def remove_id(self, db: sqlite3.Connection, kind: str, entry_id: str) -> None:
        db.execute(f"DELETE FROM {kind} WHERE id = ?", (entry_id,))

    def counts(self) -> dict[str, int]:
        self._checked()
        with self.sqlite_errors():
            return {
                table: int(self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in QUERIES
            }

    # -- writing (inside `transaction`) ------------------------------------------------------------

    def add(self, db: sqlite3.Connection, entry: Entry) -> bool:
        """Insert `entry`; False if an entry with its id is already there."""
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
        self.remove_id(db, entry.kind, entry.id)


def _answers_json(entry: CheckIn) -> str:
    import json

    plain = {k: list(v) if isinstance(v, tuple) else v for k, v in entry.answers.items()}
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


# --- opening --------------------------------------------------------------------------------------


def open_diary(path: Path, *, write: bool, checking: bool = False) -> Diary:
    """Open (for writing: create) the diary at `path`, migrated to the current schema.

    Reading works on a migrated copy in memory, so `show` and `assess --from-diary` read a
    read-only file, or one from an older version, without changing it. `checking` (for `diary
    check`) opens a damaged diary too, for `problems` to list what is wrong.
    """
    exists = place.check_file(path, write=write)
    if not exists and not write:
        from dupi_triage.invocation import invoked

        command = invoked()  # as this run was started: it runs as printed
        raise InputError(
            FIELD,
            f"no diary at {quoted_path(path)} yet; start one with '{command} diary dose' or "
            f"'{command} diary skin'",
        )
    if not exists:
        place.create_file(path)
    _check_header(path)
    check = None
    # SIGTERM or SIGHUP while the file is open unwinds as Ctrl-C does (signals.py), so that
    # closing it runs: a read-only diary keeps nothing SQLite made beside it.
    unwinding = contextlib.ExitStack()
    unwinding.enter_context(termination_unwinds())
    try:
        if write:
            connection = _open_file(path, checking=checking)
        else:
            connection, check = _read_copy(path, checking=checking)
    except sqlite3.DatabaseError as error:
        unwinding.close()
        raise sqlite_problem(path, error) from None
    except UnicodeDecodeError:
        unwinding.close()
        raise Damaged(path, "text that is not UTF-8") from None
    except BaseException:
        unwinding.close()
        raise
    diary = Diary(path, connection, writable=write, mending=checking, check=check)
    diary.unwinding = unwinding
    return diary


def _open_file(path: Path, *, checking: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        version = _schema_version(path, connection)
        if not checking:
            _refuse_damage(path, connection)
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        # In WAL mode a crash of this program (even kill -9) never loses a commit; only a
        # power cut could lose the last entry, never the file's integrity.
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection, version)
    except BaseException:
        connection.close()
        raise
    return connection


def _read_copy(path: Path, *, checking: bool) -> tuple[sqlite3.Connection, FileCheck | None]:
    """The diary, migrated, in memory, and its integrity check, running (unless `checking`: `diary
    check` runs SQLite's full check itself). The file is closed once the check is done."""
    # Read-only by its mode, or where this process cannot write: a read-only disk, an immutable
    # file, a folder it cannot add SQLite's -wal and -shm files to. Read as it stands, then.
    read_only = (
        not os.stat(path).st_mode & stat.S_IWUSR
        or not os.access(path, os.W_OK)
        or not os.access(path.parent, os.W_OK | os.X_OK)
    )
    before = {c for c in place.companions(path) if os.path.lexists(c)}

    def let_go() -> None:
        source.close()
        if read_only:
            _remove_new_companions(path, before)

    source = _connect_for_reading(path, read_only=read_only)
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        version = _schema_version(path, source)
        source.backup(memory)  # the same pages: the file's check is the copy's
    except BaseException:
        memory.close()
        let_go()
        raise
    if checking:  # `diary check` runs SQLite's full check itself, and lists what is wrong
        let_go()
        try:
            migrate(memory, version)
        except sqlite3.DatabaseError:
            pass
        except BaseException:
            memory.close()
            raise
        return memory, None
    check = FileCheck(path, source, let_go)
    try:
        migrate(memory, version)
    except BaseException:
        memory.close()
        check.result()  # a damaged file is called that first, as it always was
        raise
    return memory, check


class FileCheck:
    """SQLite's integrity check of the diary file (pages, NOT NULL, CHECK and types, and every
    index against its table), in a thread of its own while the entries are read from the copy
    in memory. SQLite lets go of Python's lock while it checks, so on two cores most of the
    check (some 6 ms of the 45 that `diary show` spends on ten years after start-up) is not
    waited for (benchmarks/bench.py). Nothing read is shown before the check has passed
    (`Diary._checked`)."""

    def __init__(self, path: Path, source: sqlite3.Connection, done: Callable[[], None]) -> None:
        import threading

        self.path = path
        self._found: list[str] = []
        self._error: BaseException | None = None
        self._over = threading.Event()  # set once the check is done and the file let go
        self._thread = threading.Thread(
            target=self._run, args=(source, done), name="diary integrity check", daemon=True
        )
        self._thread.start()

    def _run(self, source: sqlite3.Connection, done: Callable[[], None]) -> None:
        try:
            self._found = [row[0] for row in source.execute("PRAGMA integrity_check")]
        except BaseException as error:  # handed to the reader: result() raises it there
            self._error = error
        finally:
            try:
                done()
            finally:
                self._over.set()

    def wait(self) -> None:
        """Until the check is over and the file let go, even when Ctrl-C or SIGTERM comes
        meanwhile (it goes on afterwards): a read-only diary keeps no -shm that SQLite made,
        and Thread.join, once interrupted, would not wait again."""
        interrupted: BaseException | None = None
        while not self._over.is_set():
            try:
                self._over.wait()
            except BaseException as error:  # KeyboardInterrupt, Terminated
                interrupted = error
        if interrupted is not None:
            raise interrupted

    def result(self) -> None:
        """Return once the check has passed; else Damaged, or SQLite's error as one line."""
        self.wait()
        if isinstance(self._error, sqlite3.DatabaseError):
            raise sqlite_problem(self.path, self._error)
        if isinstance(self._error, UnicodeDecodeError):
            raise Damaged(self.path, "text that is not UTF-8")
        if self._error is not None:
            raise self._error
        found = [problem for problem in self._found if problem != "ok"]
        if found:
            raise Damaged(self.path, "\n".join(found))


def _connect_for_reading(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        # A read transaction waits out a writer's lock (busy), then holds the file steady.
        connection.execute("BEGIN")
        return connection
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}"
    if not os.path.lexists(place.companions(path)[0]):
        # Nothing waits in a write-ahead log: read the file as it stands, creating nothing.
        return sqlite3.connect(
            f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False
        )
    return sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
    )


def _remove_new_companions(path: Path, before: set[Path]) -> None:
    """SQLite gives the `-shm` it makes for a read-only diary the diary's read-only mode, which
    would block every later write once the diary is writable again: what reading made goes."""
    for companion in place.companions(path):
        if companion not in before and companion.is_file() and not companion.is_symlink():
            with contextlib.suppress(OSError):
                companion.unlink()


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise InputError(FIELD, f"cannot read {quoted_path(path)}: {error.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is not a dupi-triage diary (not an SQLite database); "
            "left untouched",
        )


def _schema_version(path: Path, connection: sqlite3.Connection) -> int:
    """The file's diary version, once its tables are exactly a diary's of that version."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise InputError(
            FIELD,
            f"{quoted_path(path)} was written by a newer {PROG} (diary version {version}; this "
            f"one reads up to {SCHEMA_VERSION}); left untouched: update {PROG} to use it",
        )
    if version < 0 or layout(connection) != expected_layout(version):
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is an SQLite database but not a dupi-triage diary; "
            "left untouched",
        )
    return version


def _refuse_damage(path: Path, connection: sqlite3.Connection) -> None:
    """SQLite's quick check (pages, NOT NULL, CHECK and types: about 10 ms for ten years)."""
    found = [row[0] for row in connection.execute("PRAGMA quick_check") if row[0] != "ok"]
    if found:
        raise Damaged(path, found[0])
