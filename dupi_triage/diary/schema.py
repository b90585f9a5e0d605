"""The diary's schema: its migrations, applied in order, and the check that a file is ours.

The schema is versioned with `PRAGMA user_version` and grows only by appending to MIGRATIONS: a
step, once released, is never edited. A file is taken as a diary of some version only when its
tables, indexes and constraints are exactly what the migrations up to that version create, so
another program's SQLite file (whatever its user_version) is refused before anything is written.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence

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

_LAYOUT_QUERY = (
    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
)
Layout = tuple[tuple[str, str, str, str], ...]


def layout(connection: sqlite3.Connection) -> Layout:
    """Every table, index, view and trigger of the file, with the SQL that made it (spaces aside:
    the layout of a released step's text was reformatted once)."""
    return tuple(
        (str(kind), str(name), str(table), "".join(str(sql).split()))
        for kind, name, table, sql in connection.execute(_LAYOUT_QUERY)
    )


@functools.cache
def expected_layout(version: int) -> Layout:
    """What migrations 1 to `version` create, as this SQLite records it."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(memory, 0, upto=version)
        return layout(memory)
    finally:
        memory.close()


def migrate(connection: sqlite3.Connection, version: int, upto: int = SCHEMA_VERSION) -> None:
    """Apply the missing steps, each in one transaction with its version bump."""
    for number, step in enumerate(MIGRATIONS[version:upto], start=version + 1):
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
