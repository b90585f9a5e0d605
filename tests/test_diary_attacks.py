"""The diary under attack (issue 20, items 5 to 17): hostile notes, other users' files and folders,
damaged and foreign files, oversized imports, closed pipes, read-only and full disks.

Tests run as root in CI, so another user is played by uid 65534: files are chowned to it, or a
child process drops to it before running the tool.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, RunCli, run_module
from tests.test_diary import diary

__all__ = ["diary"]  # the fixture: a diary file, in a folder yet to be made, for each test

OTHER_UID = 65534
HOSTILE_NOTE = (
    "cheeks \x1b]52;c;ZXZpbA==\x07 \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[2J\x1b[H"
    "\u202egnp.exe\u202c nul\x00 <script>alert(1)</script>\nnext|row **bold**"
)
CONTROLS = ("\x1b", "\x07", "\x00", "\u202e", "\u202c")
as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="plays another user: needs root"
)


def ok(result: object) -> None:
    assert getattr(result, "code", getattr(result, "returncode", None)) == 0, result


def one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, err)


def days_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def a_week_of_entries(run_cli: RunCli) -> None:
    ok(run_cli("diary", "dose", "--date", days_ago(7), "--note", HOSTILE_NOTE))
    for n in (6, 4, 2):
        ok(run_cli("diary", "skin", "--date", days_ago(n), "--itch", "5", "--note", HOSTILE_NOTE))
    ok(run_cli("diary", "pause", "--from", days_ago(1), "--note", HOSTILE_NOTE))


# --- 5: notes are plain text everywhere -----------------------------------------------------------


def test_hostile_notes_reach_no_output_as_control_sequences_or_markup(
    diary: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # the rich format's own bold for doses aside
    a_week_of_entries(run_cli)
    outputs = {
        f"show {fmt}": run_cli("diary", "show", "--format", fmt).out
        for fmt in ("rich", "text", "markdown", "csv", "json")
    }
    outputs |= {
        f"export {fmt}": run_cli("diary", "export", "--format", fmt).out
        for fmt in ("json", "csv", "fhir")
    }
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"red_flags": ["none"]}), encoding="utf-8")
    for fmt in ("text", "markdown", "html"):
        result = run_cli(
            "assess", "--from-diary", "--answers", str(answers), "--no-input", "--format", fmt
        )
        ok(result)
        outputs[f"assess {fmt}"] = result.out
    for name, text in outputs.items():
        assert "cheeks" in text, name
        for control in CONTROLS:
            assert control not in text, (name, repr(control))
        if "markdown" in name or "html" in name:
            assert "<script>" not in text, name
    # Markdown shows the words as written: no raw HTML, no emphasis, no extra table cell or row.
    markdown = outputs["show markdown"]
    rows = [line for line in markdown.splitlines() if line.startswith("| 20")]
    assert len(rows) == 5
    assert all(line.count(" | ") == 3 and "next\\|row \\*\\*bold\\*\\*" in line for line in rows)


def test_a_note_too_long_or_not_utf8_is_one_line_and_writes_nothing(diary: Path) -> None:
    long_note = run_module("diary", "dose", "--note", "x" * 1001)
    one_line_error(long_note.returncode, long_note.stderr, "--note", "1001", "up to 1000")
    assert not diary.exists()
    # A note that is not UTF-8 (bytes from another encoding) is kept as what can be read of it.
    env = {**os.environ, "DUPI_TRIAGE_DIARY": str(diary), "COLUMNS": "80"}
    raw = subprocess.run(
        [sys.executable, "-m", "dupi_triage", "diary", "dose", "--note", b"caf\xe9 \xff ok"],
        capture_output=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert raw.returncode == 0, raw.stderr
    shown = run_module("diary", "show", "--format", "csv", env={"DUPI_TRIAGE_DIARY": str(diary)})
    assert "caf ok" in shown.stdout or "caf  ok" in shown.stdout or "caf" in shown.stdout
    assert "\udce9" not in shown.stdout


def test_a_diary_path_with_escape_sequences_is_shown_escaped(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = tmp_path / "d\x1b[2Jx.sqlite"
    ok(run_cli("diary", "dose", "--diary", str(path)))
    shown = run_cli("diary", "show", "--diary", str(path), "--format", "text")
    assert "\x1b" not in shown.out + shown.err
    assert "\\x1b[2Jx.sqlite" in shown.out


def test_import_cleans_notes_as_the_flags_do(diary: Path, run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    entry = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "dose", "date": days_ago(1)}
    document = {"format": "dupi-triage-diary", "entries": [{**entry, "note": HOSTILE_NOTE}]}
    source.write_text(json.dumps(document), encoding="utf-8")
    ok(run_cli("diary", "import", str(source)))
    with sqlite3.connect(diary) as db:
        (stored,) = db.execute("SELECT note FROM dose").fetchone()
    assert "cheeks" in stored
    assert not any(control in stored for control in (*CONTROLS, "\n"))


# --- 6: modes, links and other users ---------------------------------------------------------


def test_an_existing_diary_others_can_read_is_made_owner_only(diary: Path, run_cli: RunCli) -> None:
    diary.parent.mkdir(mode=0o700)
    ok(run_cli("diary", "dose"))
    diary.chmod(0o644)
    ok(run_cli("diary", "dose", "--date", "yesterday"))
    assert stat.S_IMODE(diary.stat().st_mode) == 0o600


def test_a_symlinked_diary_is_refused_and_its_target_untouched(
    tmp_path: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "someone-else.sqlite"
    link = tmp_path / "diary.sqlite"
    link.symlink_to(target)
    for command in (("dose",), ("show",)):
        result = run_cli("diary", *command, "--diary", str(link))
        one_line_error(result.code, result.err, "symbolic link")
    assert not target.exists()


@as_root
def test_a_diary_or_folder_of_another_user_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    os.chown(shared, OTHER_UID, OTHER_UID)
    result = run_cli("diary", "dose", "--diary", str(shared / "diary.sqlite"))
    one_line_error(result.code, result.err, "belongs to another user")
    assert list(shared.iterdir()) == []
    # A world-writable folder without the sticky bit lets anyone swap the file, whoever owns it.
    os.chown(shared, 0, 0)
    result = run_cli("diary", "dose", "--diary", str(shared / "diary.sqlite"))
    one_line_error(result.code, result.err, "other users can change the folder")
    # A diary file someone else owns (in a folder of ours) is not read or written either.
    own = tmp_path / "own"
    own.mkdir(mode=0o700)
    ok(run_cli("diary", "dose", "--diary", str(own / "diary.sqlite")))
    os.chown(own / "diary.sqlite", OTHER_UID, OTHER_UID)
    for command in ("dose", "show"):
        result = run_cli("diary", command, "--diary", str(own / "diary.sqlite"))
        one_line_error(result.code, result.err, "belongs to another user")


def test_a_diary_in_the_sticky_tmp_folder_still_works(run_cli: RunCli) -> None:
    folder = Path("/tmp")
    if not folder.stat().st_mode & stat.S_ISVTX:
        pytest.skip("/tmp has no sticky bit here")
    path = folder / f"dupi-triage-test-{os.getpid()}.sqlite"
    try:
        ok(run_cli("diary", "dose", "--diary", str(path)))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        for leftover in folder.glob(f"{path.name}*"):
            leftover.unlink()


# --- 7: damaged diaries --------------------------------------------------------------------------


def _damage_rows(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        db.execute(statement)
    db.close()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE dose SET day = '2025-02-30'",
        'UPDATE checkin SET answers = \'{"itch": "lots"}\'',
        "UPDATE checkin SET answers = '[1, 2]'",
        'UPDATE checkin SET answers = \'{"location": ["moon"]}\'',
        "UPDATE dose SET site = 'foot'",
    ],
)
def test_a_damaged_row_is_one_line_everywhere_and_nothing_is_written(
    diary: Path, run_cli: RunCli, damage: str
) -> None:
    ok(run_cli("diary", "dose", "--date", days_ago(3), "--site", "thigh"))
    ok(run_cli("diary", "skin", "--date", days_ago(2), "--itch", "4"))
    _damage_rows(diary, "PRAGMA foreign_keys = OFF", damage)
    before = diary.read_bytes()
    for command in (
        ("diary", "show"),
        ("diary", "show", "--format", "json"),
        ("diary", "export"),
        ("diary", "dose"),
        ("diary", "skin", "--itch", "2"),
        ("assess", "--from-diary", "--no-input", "--red-flags", "none"),
    ):
        result = run_cli(*command)
        one_line_error(result.code, result.err, "is damaged", "diary check")
    assert diary.read_bytes() == before
    check = run_cli("diary", "check")
    assert check.code == 1, check.err
    assert "Problems found" in check.out
    assert "Traceback" not in check.out + check.err


def test_random_damage_to_the_file_never_gives_a_traceback(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "dose", "--date", days_ago(3)))
    for n in range(20):
        ok(run_cli("diary", "skin", "--date", days_ago(n % 20), "--itch", str(n % 11)))
    pristine = diary.read_bytes()
    import random

    chance = random.Random(20)
    for _ in range(40):
        damaged = bytearray(pristine)
        for _ in range(chance.randint(1, 30)):
            damaged[chance.randrange(100, len(damaged))] = chance.randrange(256)
        diary.write_bytes(bytes(damaged))
        for command in (("diary", "check"), ("diary", "show"), ("diary", "dose")):
            result = run_cli(*command)
            assert result.code in (0, 1, 2), (command, result)
            assert "Traceback" not in result.err


# --- 8, 9: imports are bounded --------------------------------------------------------------------


def _export_with(tmp_path: Path, **fields: object) -> Path:
    entry = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "dose", "date": days_ago(1)}
    path = tmp_path / "export.json"
    document = {"format": "dupi-triage-diary", "entries": [{**entry, **fields}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("date", ["9999-12-31", "1999-12-31", "0001-01-01"])
def test_import_accepts_only_the_dates_the_flags_accept(
    diary: Path, run_cli: RunCli, tmp_path: Path, date: str
) -> None:
    result = run_cli("diary", "import", str(_export_with(tmp_path, date=date)))
    one_line_error(result.code, result.err, "entry 1 date")
    assert not diary.exists() or run_cli("diary", "show", "--format", "json").code == 0


@pytest.mark.parametrize("version", [2, True, "1", 0])
def test_import_refuses_an_export_format_it_does_not_know(
    diary: Path, run_cli: RunCli, tmp_path: Path, version: object
) -> None:
    path = _export_with(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**document, "format_version": version}), encoding="utf-8")
    result = run_cli("diary", "import", str(path))
    one_line_error(result.code, result.err, "format_version")
    assert not diary.exists()


def test_import_refuses_deep_nesting_huge_input_and_long_notes(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "dupi-triage-diary", "entries": ' + "[" * 100_000, "utf-8")
    result = run_cli("diary", "import", str(deep))
    one_line_error(result.code, result.err, "FILE")
    zero = run_module("diary", "import", "/dev/zero", env={"DUPI_TRIAGE_DIARY": str(diary)})
    one_line_error(zero.returncode, zero.stderr, "FILE", "larger than")
    result = run_cli("diary", "import", str(_export_with(tmp_path, note="x" * 5000)))
    one_line_error(result.code, result.err, "entry 1 note", "up to 1000")
    assert not diary.exists()


# --- 10, 11: read-only companions, exporting over the diary ---------------------------------------


def test_reading_a_read_only_diary_leaves_nothing_that_blocks_later_writes(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    ok(run_cli("diary", "dose", "--date", days_ago(2)))
    # A read-only diary with its write-ahead log still there (as a crash leaves it).
    writer = sqlite3.connect(diary, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(
        "INSERT INTO dose (id, day, note, recorded) VALUES (?, ?, '', '')",
        ("0f8fad5b-d9cb-469f-a165-70867728950e", days_ago(1)),
    )
    copy = tmp_path / "copy"
    copy.mkdir(mode=0o700)
    for name in (diary.name, diary.name + "-wal"):
        shutil.copy(diary.parent / name, copy / name)
    writer.close()
    for path in (diary, copy / diary.name):
        path.chmod(0o400)
        shown = run_cli("diary", "show", "--format", "json", "--diary", str(path))
        ok(shown)
        assert len(json.loads(shown.out)["entries"]) == 2
        for leftover in path.parent.glob(path.name + "-*"):
            assert leftover.stat().st_mode & stat.S_IWUSR, leftover
        path.chmod(0o600)
        ok(run_cli("diary", "dose", "--diary", str(path)))


def test_export_never_writes_over_the_diary_it_reads(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "dose"))
    before = diary.read_bytes()
    result = run_cli("diary", "export", "-o", str(diary), "--force")
    one_line_error(result.code, result.err, "--output", "diary")
    assert diary.read_bytes() == before


# --- 13: a reader that quits ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [("show", "--format", "text"), ("export",)])
def test_show_and_export_into_a_reader_that_quits_exit_141(
    diary: Path, run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    entries = [
        {
            "id": f"0f8fad5b-d9cb-469f-a165-{n:012x}",
            "kind": "checkin",
            "date": days_ago(n % 3000),
            "answers": {"itch": n % 11, "location": ["face_neck"]},
        }
        for n in range(3000)
    ]
    source = tmp_path / "big.json"
    source.write_text(json.dumps({"format": "dupi-triage-diary", "entries": entries}), "utf-8")
    ok(run_cli("diary", "import", str(source)))
    env = {**os.environ, "DUPI_TRIAGE_DIARY": str(diary), "COLUMNS": "80"}
    pipeline = subprocess.run(
        [
            "bash",
            "-c",
            f"{sys.executable} -m dupi_triage diary {' '.join(command)} | head -c 10 >/dev/null;"
            " echo ${PIPESTATUS[0]}",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert pipeline.stdout.strip() == "141", pipeline
    assert pipeline.stderr == ""


# --- 15: other programs' SQLite files -----------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2, -3, 0])
def test_another_programs_sqlite_file_is_never_changed_whatever_its_user_version(
    tmp_path: Path, run_cli: RunCli, version: int
) -> None:
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE dose (id TEXT, day TEXT)")
    db.execute("INSERT INTO dose VALUES ('x', 'y')")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    before = path.read_bytes()
    for command in (("show",), ("dose",), ("check",), ("export",)):
        result = run_cli("diary", *command, "--diary", str(path))
        assert "Traceback" not in result.err
        assert result.code != 0, command
        assert "not a dupi-triage diary" in result.err + result.out, command
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


# --- 16, 17: what SQLite's errors mean ------------------------------------------------------------


def _in_own_mount(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """`script` (sh) in a private mount namespace with a 256 KiB tmpfs at $M; $RUN runs the tool."""
    if shutil.which("unshare") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a small file system")
    mount = tmp_path / "mnt"
    mount.mkdir()
    env = {
        **os.environ,
        "M": str(mount),
        "RUN": f"{sys.executable} -m dupi_triage",
        "COLUMNS": "80",
    }
    env.pop("DUPI_TRIAGE_DIARY", None)
    prelude = 'mount -t tmpfs -o size=256k tmpfs "$M" || exit 99\n'
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", prelude + script],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    if result.returncode == 99:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr}")
    return result


def test_a_diary_on_a_read_only_disk_is_called_read_only_not_damaged(tmp_path: Path) -> None:
    result = _in_own_mount(
        tmp_path,
        '$RUN diary dose --diary "$M/d/diary.sqlite" 2>/dev/null || exit 98\n'
        'mount -o remount,ro "$M" || exit 99\n'
        '$RUN diary dose --diary "$M/d/diary.sqlite"\n',
    )
    one_line_error(result.returncode, result.stderr, "read-only")
    assert "damaged" not in result.stderr


def test_a_diary_on_a_read_only_disk_can_still_be_read_and_gains_no_file(tmp_path: Path) -> None:
    """The README: a read-only diary can be shown, checked, exported and used by assess; on a
    read-only disk it took the writing path and failed with 'cannot write'."""
    result = _in_own_mount(
        tmp_path,
        'D="$M/d/diary.sqlite"\n'
        '$RUN diary dose --diary "$D" 2>/dev/null || exit 98\n'
        '$RUN diary skin --itch 3 --diary "$D" 2>/dev/null || exit 98\n'
        'mount -o remount,ro "$M" || exit 99\n'
        '$RUN diary show --diary "$D" --format json >/dev/null || exit 1\n'
        '$RUN diary check --diary "$D" >/dev/null 2>&1 || exit 2\n'
        '$RUN diary export --diary "$D" >/dev/null || exit 3\n'
        '$RUN assess --no-input --red-flags none --from-diary --diary "$D" -f json >/dev/null '
        "|| exit 4\n"
        'ls -A "$M/d"\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["diary.sqlite"]


def test_a_full_disk_is_called_full_not_damaged(tmp_path: Path) -> None:
    result = _in_own_mount(
        tmp_path,
        '$RUN diary dose --diary "$M/d/diary.sqlite" 2>/dev/null || exit 98\n'
        'cat /dev/zero > "$M/filler" 2>/dev/null\n'
        '$RUN diary dose --note "$(head -c 900 /dev/zero | tr "\\0" x)" '
        '--diary "$M/d/diary.sqlite"\n',
    )
    one_line_error(result.returncode, result.stderr, "disk is full")
    assert "damaged" not in result.stderr


def test_a_locked_rollback_journal_diary_is_called_busy(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.sqlite"
    shutil.copy(PROJECT_ROOT / "tests" / "data" / "diary_v1.sqlite", path)
    path.chmod(0o600)
    monkeypatch.setattr("dupi_triage.diary.store.BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for command in ("show", "dose"):
            result = run_cli("diary", command, "--diary", str(path))
            one_line_error(result.code, result.err, "busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_empty_date_is_a_mistake_not_today(diary: Path, run_cli: RunCli) -> None:
    result = run_cli("diary", "dose", "--date", "")
    one_line_error(result.code, result.err, "--date", "is not a date")
    assert not diary.exists()


def test_damage_only_sqlites_check_finds_is_refused_before_any_entry_is_shown(
    diary: Path, run_cli: RunCli
) -> None:
    """Reading checks the file with SQLite's quick check, in a thread beside the reading: damage
    the reading itself never touches (an index of ids) still refuses the diary, in one line,
    and no entry reaches the screen."""
    ok(run_cli("diary", "dose", "--date", days_ago(3), "--site", "thigh"))
    for n in range(30):
        ok(run_cli("diary", "skin", "--date", days_ago(n), "--itch", str(n % 11)))
    db = sqlite3.connect(diary)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    (root,) = db.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_checkin_1'"
    ).fetchone()
    db.close()
    damaged = bytearray(diary.read_bytes())
    start = (root - 1) * page_size  # the index's page: its header says it has 65,535 cells
    damaged[start + 3 : start + 5] = b"\xff\xff"
    diary.write_bytes(bytes(damaged))
    db = sqlite3.connect(diary)
    rows = db.execute("SELECT id, day, answers FROM checkin WHERE day >= ''").fetchall()
    problems = db.execute("PRAGMA quick_check").fetchall()
    db.close()
    assert len(rows) == 30, "the damage is out of the reading's way"
    assert problems != [("ok",)], "SQLite's check finds it"
    for command in (("diary", "show"), ("diary", "export"), ("diary", "show", "-f", "json")):
        result = run_cli(*command)
        one_line_error(result.code, result.err, "is damaged", "diary check")
        assert result.out == ""
    result = run_cli("assess", "--from-diary", "--no-input", "--red-flags", "none")
    one_line_error(result.code, result.err, "is damaged")


def test_a_damaged_index_never_gives_a_wrong_date_the_diary_is_refused(
    diary: Path, run_cli: RunCli
) -> None:
    """SQLite's quick check does not compare an index with its table: one changed digit in the
    index of dose days read a dose as 20 days later, after the rash began, and lowered a level.
    Reading takes the days from the table itself, and the integrity check refuses the file."""
    dose_day = days_ago(25)
    ok(run_cli("diary", "dose", "--date", dose_day))
    ok(run_cli("diary", "skin", "--date", days_ago(20), "--itch", "5"))
    db = sqlite3.connect(diary)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dose_day'").fetchone()
    db.close()
    damaged = bytearray(diary.read_bytes())
    page = (root - 1) * page_size
    at = damaged[page : page + page_size].find(dose_day.encode())
    assert at >= 0, "the index holds the day"
    damaged[page + at + 8] = ord("9" if dose_day[8] != "9" else "0")  # the day's tens digit
    diary.write_bytes(bytes(damaged))
    for command in (("diary", "show"), ("diary", "export")):
        result = run_cli(*command)
        one_line_error(result.code, result.err, "is damaged", "diary check")
        assert result.out == ""
    result = run_cli("assess", "--from-diary", "--no-input", "--red-flags", "none")
    one_line_error(result.code, result.err, "is damaged")
    check = run_cli("diary", "check")
    assert check.code == 1, check.err


def _big_read_only_diary_with_a_log(diary: Path, run_cli: RunCli, folder: Path, rows: int) -> Path:
    """A copy of a diary of `rows` check-ins, read-only, its write-ahead log still there (as a
    crash leaves it): reading it makes a -shm beside it, which reading must remove again."""
    ok(run_cli("diary", "dose", "--date", days_ago(2)))
    writer = sqlite3.connect(diary, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.executemany(
        "INSERT INTO checkin (id, day, answers, note, recorded) VALUES (?, ?, ?, '', '')",
        (
            (f"{n:08x}-0000-4000-8000-000000000000", days_ago(1 + n % 3000), '{"itch": 3}')
            for n in range(rows)
        ),
    )
    folder.mkdir(mode=0o700)
    for name in (diary.name, diary.name + "-wal"):
        shutil.copy(diary.parent / name, folder / name)
    writer.close()
    copy = folder / diary.name
    copy.chmod(0o400)
    return copy


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_a_read_only_diary_is_read_leaves_nothing_beside_it(
    diary: Path, run_cli: RunCli, tmp_path: Path, signum: int
) -> None:
    """SIGTERM or SIGHUP while `diary show` reads unwinds as Ctrl-C does: the -shm SQLite made
    beside a read-only diary is removed, not left read-only to block later writes."""
    copy = _big_read_only_diary_with_a_log(diary, run_cli, tmp_path / "copy", 40_000)
    shm = copy.parent / (copy.name + "-shm")
    assert not shm.exists()
    command = [sys.executable, "-m", "dupi_triage", "diary", "show", "--diary", str(copy)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not shm.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode in (0, 128 + signum), err
    assert b"Traceback" not in err
    assert not shm.exists(), "the -shm SQLite made is gone"


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_export_never_writes_over_sqlites_files_beside_the_diary(
    diary: Path, run_cli: RunCli, suffix: str
) -> None:
    ok(run_cli("diary", "dose"))
    beside = diary.with_name(diary.name + suffix)
    result = run_cli("diary", "export", "-o", str(beside), "--force")
    one_line_error(result.code, result.err, "--output", "diary")
    assert not beside.exists() or not beside.read_bytes().startswith(b"{")


def test_a_damaged_file_is_one_short_line_naming_the_first_problem(tmp_path: Path) -> None:
    """SQLite's check can report hundreds of problems; the line names the first, says there
    are more, and `diary check` lists them all."""
    from dupi_triage.diary.problems import Damaged

    many = "\n".join(f"Tree 7 page {n} cell 0: invalid page number {n * 9}" for n in range(300))
    damaged = Damaged(tmp_path / "diary.sqlite", many)
    line = str(damaged)
    assert "\n" not in line
    assert "Tree 7 page 0 cell 0: invalid page number 0, and more" in line
    assert "page 1 " not in line
    assert len(line) < 400
    assert damaged.what == many, "whole, for diary check"
    long = Damaged(tmp_path / "diary.sqlite", "x" * 5000)
    assert len(str(long)) < 400


def test_an_import_never_gives_one_id_to_two_entries(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    """`edit` and `delete` find an entry by its id: two entries with one id could never be
    edited or deleted, so such an import adds nothing."""
    shared = "0f8fad5b-d9cb-469f-a165-70867728950e"
    dose = {"id": shared, "kind": "dose", "date": days_ago(2)}
    checkin = {"id": shared, "kind": "checkin", "date": days_ago(1), "answers": {"itch": 3}}
    path = tmp_path / "twice.json"
    path.write_text(json.dumps({"format": "dupi-triage-diary", "entries": [dose, checkin]}))
    result = run_cli("diary", "import", str(path))
    one_line_error(result.code, result.err, "two entries", "nothing imported")
    path.write_text(json.dumps({"format": "dupi-triage-diary", "entries": [dose]}))
    ok(run_cli("diary", "import", str(path)))
    path.write_text(json.dumps({"format": "dupi-triage-diary", "entries": [checkin]}))
    result = run_cli("diary", "import", str(path))
    one_line_error(result.code, result.err, "a dose in the diary", "nothing imported")
    ok(run_cli("diary", "edit", shared, "--note", "still one entry"))
