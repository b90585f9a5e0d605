"""The diary file: migrations from a real version-1 file, and every fault in issue 11's list."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dupi_triage.diary.store import SCHEMA_VERSION, open_diary
from tests.conftest import PROJECT_ROOT, RunCli

TOMORROW = "<tomorrow>"  # replaced by the date as the test runs

VERSION_1 = PROJECT_ROOT / "tests" / "data" / "diary_v1.sqlite"


@pytest.fixture
def diary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(path))
    return path


def entries_json(run_cli: RunCli) -> list[dict[str, object]]:
    result = run_cli("diary", "show", "--format", "json")
    assert result.code == 0, result.err
    entries: list[dict[str, object]] = json.loads(result.out)["entries"]
    return entries


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


# --- migrations -----------------------------------------------------------------------------------


def test_a_version_1_diary_is_migrated_on_the_first_write_and_keeps_every_entry(
    diary: Path, run_cli: RunCli
) -> None:
    shutil.copy(VERSION_1, diary)
    assert user_version(diary) == 1
    assert run_cli("diary", "pause", "--from", "2025-06-01", "--agreed-with-prescriber").code == 0
    assert user_version(diary) == SCHEMA_VERSION
    entries = entries_json(run_cli)
    assert [e["kind"] for e in entries] == ["dose", "dose", "checkin", "pause", "pause"]
    old_pause, new_pause = (e for e in entries if e["kind"] == "pause")
    assert old_pause["agreed_with_prescriber"] is False
    assert old_pause["end"] == "2025-04-28"
    assert new_pause["agreed_with_prescriber"] is True
    checkin = next(e for e in entries if e["kind"] == "checkin")
    assert checkin["answers"] == {
        "itch": 6,
        "location": ["face_neck"],
        "look": ["redness_no_scaling"],
    }
    assert checkin["note"] == "red cheeks"


def test_reading_a_version_1_diary_leaves_the_file_as_it_was(diary: Path, run_cli: RunCli) -> None:
    shutil.copy(VERSION_1, diary)
    before = diary.read_bytes()
    assert len(entries_json(run_cli)) == 4
    assert diary.read_bytes() == before


def test_a_diary_from_a_newer_version_is_refused_in_one_line_and_untouched(
    diary: Path, run_cli: RunCli
) -> None:
    shutil.copy(VERSION_1, diary)
    with sqlite3.connect(diary) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = diary.read_bytes()
    for args in (("diary", "dose"), ("diary", "show"), ("assess", "--from-diary", "--no-input")):
        result = run_cli(*args)
        assert result.code == 2
        assert result.err.count("\n") == 1
        assert "newer dupi-triage" in result.err
        assert str(diary) in result.err
    assert diary.read_bytes() == before


# --- bad input: one line, exit 2, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("diary", "skin", "--look", "sunburn"), "--look"),
        (("diary", "skin", "--location", "elbow"), "--location"),
        (("diary", "skin", "--impact", "huge"), "--impact"),
        (("diary", "skin", "--itch", "11"), "--itch"),
        (("diary", "skin", "--itch", "-1"), "--itch"),
        (("diary", "skin", "--itch", "5", "--date", "2026-02-30"), "--date"),
        (("diary", "skin", "--itch", "5", "--date", "1999-12-31"), "--date"),
        (("diary", "dose", "--date", TOMORROW), "--date"),
        (("diary", "dose", "--date", "13/01/2026"), "--date"),
        (("diary", "dose", "--site", "buttock"), "--site"),
        (("diary", "pause", "--from", "2026-03-10", "--to", "2026-03-01"), "--to"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    diary: Path, run_cli: RunCli, args: tuple[str, ...], field: str
) -> None:
    # "Tomorrow" is worked out as the test runs, not when it is collected (a run across midnight).
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = run_cli(*(tomorrow if arg == TOMORROW else arg for arg in args))
    assert result.code == 2
    assert result.err.startswith(f"dupi-triage: error: {field}: ")
    assert result.err.count("\n") == 1
    assert not diary.exists()


def test_a_bad_value_leaves_an_existing_diary_unchanged(diary: Path, run_cli: RunCli) -> None:
    assert run_cli("diary", "skin", "--itch", "3").code == 0
    before = entries_json(run_cli)
    assert run_cli("diary", "skin", "--itch", "3", "--look", "nope").code == 2
    assert entries_json(run_cli) == before


# --- files that are not a diary -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"my shopping list\n", b"SQLite format 3\x00" + b"\x07" * 4000],
    ids=["text file", "damaged database"],
)
def test_a_file_that_is_not_a_diary_is_named_and_never_overwritten(
    diary: Path, run_cli: RunCli, content: bytes
) -> None:
    diary.write_bytes(content)
    for args in (("diary", "dose"), ("diary", "show"), ("assess", "--from-diary", "--no-input")):
        result = run_cli(*args)
        assert result.code == 2, result.err
        assert str(diary) in result.err
        assert result.err.count("\n") == 1
        assert diary.read_bytes() == content


def test_another_sqlite_database_is_not_taken_over(diary: Path, run_cli: RunCli) -> None:
    with sqlite3.connect(diary) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    before = diary.read_bytes()
    result = run_cli("diary", "dose")
    assert result.code == 2
    assert "not a dupi-triage diary" in result.err
    assert diary.read_bytes() == before


# --- two writers, a killed writer, a read-only diary ----------------------------------------------

WRITER = """
import sys
from dupi_triage.cli import main
for n in range(int(sys.argv[1])):
    assert main(["diary", "skin", "--itch", str(n % 11), "--note", sys.argv[2]]) == 0
"""


def test_two_processes_adding_entries_at_once_both_keep_every_entry(
    diary: Path, run_cli: RunCli
) -> None:
    env = {**os.environ, "DUPI_TRIAGE_DIARY": str(diary)}
    assert run_cli("diary", "dose").code == 0  # the file exists before the race
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, "25", name],
            env=env,
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    notes = [e["note"] for e in entries_json(run_cli) if e["kind"] == "checkin"]
    assert notes.count("first") == 25
    assert notes.count("second") == 25


KILLED_WRITER = """
import sys, time
from pathlib import Path
from dupi_triage.diary.entries import Dose
from dupi_triage.diary.store import open_diary, new_id, now_stamp
import datetime as dt
with open_diary(Path(sys.argv[1]), write=True) as diary:
    with diary.transaction() as db:
        for n in range(500):
            diary.add(db, Dose(new_id(), dt.date(2025, 1, 1), None, "x" * 2000, now_stamp()))
        print("written, not committed", flush=True)
        time.sleep(60)
"""


def test_kill_9_during_a_write_leaves_a_diary_that_opens_intact(
    diary: Path, run_cli: RunCli
) -> None:
    assert run_cli("diary", "dose", "--date", "2024-12-31", "--note", "kept").code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(diary)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "written, not committed"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    checked = run_cli("diary", "check")
    assert checked.code == 0
    assert "Integrity check: ok" in checked.out
    assert [e["note"] for e in entries_json(run_cli)] == ["kept"]
    assert run_cli("diary", "dose", "--note", "after").code == 0
    assert [e["note"] for e in entries_json(run_cli)] == ["kept", "after"]


def test_a_read_only_diary_still_shows_and_assesses_but_writes_say_why_not(
    diary: Path, run_cli: RunCli
) -> None:
    for offset in (0, 14, 28):
        day = (dt.date.today() - dt.timedelta(days=60 - offset)).isoformat()
        assert run_cli("diary", "dose", "--date", day).code == 0
    diary.chmod(0o400)
    before = diary.read_bytes()
    try:
        assert len(entries_json(run_cli)) == 3
        assessed = run_cli("assess", "--from-diary", "--no-input", "--format", "json")
        assert assessed.code == 0, assessed.err
        assert json.loads(assessed.out)["diary"]["usual_interval_days"] == 14
        for args in (("diary", "dose"), ("diary", "skin", "--itch", "2")):
            refused = run_cli(*args)
            assert refused.code == 2
            assert "read-only" in refused.err
            assert str(diary) in refused.err
        assert diary.read_bytes() == before
    finally:
        diary.chmod(0o600)


def test_a_missing_diary_is_one_line_for_readers(diary: Path, run_cli: RunCli) -> None:
    for args in (("diary", "show"), ("assess", "--from-diary", "--no-input")):
        result = run_cli(*args)
        assert result.code == 2
        assert "no diary at" in result.err
    assert not diary.exists()


def test_opening_for_writing_sets_wal_and_foreign_keys(diary: Path) -> None:
    with open_diary(diary, write=True) as store:
        db = store.connection
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO dose (id, day, site, recorded) VALUES (?, '2025-01-01', 'ear', '')",
                ("0" * 36,),
            )
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO dose (id, day, recorded) VALUES (?, '2025-02-30', '')", ("1" * 36,)
            )


def test_entry_ids_are_random_version_4_uuids() -> None:
    import uuid

    from dupi_triage.diary.store import new_id

    ids = {new_id() for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        assert uuid.UUID(text).version == 4
        assert str(uuid.UUID(text)) == text


def test_an_import_with_a_bad_entry_writes_none_of_it(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    assert run_cli("diary", "dose", "--date", "2025-01-01").code == 0
    export = json.loads(run_cli("diary", "export").out)
    good = {**export["entries"][0], "id": "6f1d9a2e-4b7c-4d8e-9f01-23456789abcd"}
    bad = {
        "id": "7a2e0b3f-5c8d-4e9f-8a12-3456789abcde",
        "kind": "checkin",
        "date": "2025-01-02",
        "answers": {"look": ["sunburn"]},
    }
    backup = tmp_path / "export.json"
    backup.write_text(json.dumps({**export, "entries": [good, bad]}))
    before = entries_json(run_cli)
    result = run_cli("diary", "import", str(backup))
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "sunburn" in result.err
    assert entries_json(run_cli) == before


def _one_by_one(kind: str, rows: list[tuple[object, ...]], today: dt.date) -> list[object]:
    from dupi_triage.diary.rows import BadRow, entry_from_row

    found: list[object] = []
    for row in rows:
        try:
            found.append(entry_from_row(kind, row, today))
        except BadRow as bad:
            found.append(str(bad))
    return found


def test_the_quick_read_of_many_rows_accepts_and_refuses_as_each_row_alone() -> None:
    """`diary show` reads ten years of rows in one loop: the same entries, the same refusals."""
    from dupi_triage.diary.rows import BadRow, entries_from_rows

    today = dt.date(2026, 6, 1)
    good_id = "0b6c7ad2-6d6f-4b43-9c52-2b1f35f1c0aa"
    ids: list[object] = [good_id, "0B6C7AD2-6D6F-4B43-9C52-2B1F35F1C0AA", "x", 7, None]
    days: list[object] = ["2026-05-31", "2026-06-02", "1999-12-31", "2000-01-01", "2026-13-01",
                          "2026-5-31", 20260531, None, "2026-06-01"]  # fmt: skip
    notes: list[object] = ["", " padded ", "two  spaces", "line\nbreak", "\x1b[31mred", "n" * 1001,
                           "é ok", 5, None]  # fmt: skip
    stamps: list[object] = ["2026-05-31T10:00:00+00:00", "s" * 41, "a  b", None]
    middles: dict[str, list[object]] = {
        "dose": [None, "thigh", "upper_arm", "knee", 3],
        "checkin": ['{"itch": 4}', '{"itch": 11}', "[]", "not json", None,
                    '{"location": ["face_neck"]}'],
    }  # fmt: skip
    for kind, kind_middles in middles.items():
        rows: list[tuple[object, ...]] = [
            (entry_id, day, middle, note, stamp)
            for entry_id in ids
            for day in days
            for middle in kind_middles
            for note in notes
            for stamp in stamps
        ]
        expected = _one_by_one(kind, rows, today)
        for row, wanted in zip(rows, expected, strict=True):
            try:
                got: object = entries_from_rows(kind, [row], today)[0]
            except BadRow as bad:
                got = str(bad)
            assert got == wanted, row
        accepted = [entry for entry in expected if not isinstance(entry, str)]
        assert accepted, kind
        sound = [
            row for row, entry in zip(rows, expected, strict=True) if not isinstance(entry, str)
        ]
        assert entries_from_rows(kind, sound, today) == accepted
