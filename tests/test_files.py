"""Files the tool writes hold health data: owner-only, all or nothing, never replaced by surprise.

Every test goes through the command line, as a person would, except where an interruption has to
be injected at an exact point of the write.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.errors import InputError
from dupi_triage.files import write_private
from tests.conftest import RunCli
from tests.report_cases import FACIAL_REDNESS, as_flags

OLD_REPORT = "the report from last week\n"
ASSESS = ("assess", "--no-input", *as_flags(FACIAL_REDNESS))


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """With umask 0 a careless open() would make a world-readable file; 0600 must not rely on it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name != keep)


def _one_line_error(err: str) -> str:
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert err.startswith("dupi-triage: error: ")
    assert "Traceback" not in err
    return err


def _existing(tmp_path: Path, name: str = "report.md") -> Path:
    target = tmp_path / name
    target.write_text(OLD_REPORT, encoding="utf-8")
    target.chmod(0o644)
    return target


# --- owner-only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html", ".json"])
def test_a_report_file_is_readable_by_its_owner_only(
    run_cli: RunCli, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"report{suffix}"
    run = run_cli(*ASSESS, "--output", str(target))
    assert run.code == 0, run.err
    assert _mode(target) == 0o600


def test_saved_answers_are_readable_by_their_owner_only(run_cli: RunCli, tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    run = run_cli(*ASSESS, "--format", "json", "--save-answers", str(saved))
    assert run.code == 0, run.err
    assert _mode(saved) == 0o600


def test_replacing_with_force_leaves_an_owner_only_file(run_cli: RunCli, tmp_path: Path) -> None:
    target = _existing(tmp_path)
    run = run_cli(*ASSESS, "--output", str(target), "--force")
    assert run.code == 0, run.err
    assert _mode(target) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# dupi-triage summary")
    assert _leftovers(tmp_path, target.name) == []


# --- no surprise overwrite ------------------------------------------------------------------------


def test_an_existing_report_is_not_replaced_without_force(run_cli: RunCli, tmp_path: Path) -> None:
    target = _existing(tmp_path)
    run = run_cli(*ASSESS, "--output", str(target))
    assert run.code == 2
    assert "--force" in _one_line_error(run.err)
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert _mode(target) == 0o644
    assert _leftovers(tmp_path, target.name) == []


def test_existing_saved_answers_are_not_replaced_without_force(
    run_cli: RunCli, tmp_path: Path
) -> None:
    saved = _existing(tmp_path, "answers.json")
    run = run_cli(*ASSESS, "--format", "json", "--save-answers", str(saved))
    assert run.code == 2
    assert "--save-answers" in _one_line_error(run.err)
    assert saved.read_text(encoding="utf-8") == OLD_REPORT
    assert run.out == "", "nothing is printed when a file cannot be written"


def test_a_file_created_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else creates the file between the check and the rename: theirs is kept."""
    target = tmp_path / "report.md"
    real_mkstemp: Callable[..., tuple[int, str]] = tempfile.mkstemp

    def mkstemp_then_race(*args: Any, **kwargs: Any) -> tuple[int, str]:
        created = real_mkstemp(*args, **kwargs)
        target.write_text("someone else's file\n", encoding="utf-8")
        return created

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_race)
    with pytest.raises(InputError, match="--force"):
        write_private(str(target), "new report\n", force=False, field="--output")
    assert target.read_text(encoding="utf-8") == "someone else's file\n"
    assert _leftovers(tmp_path, target.name) == []


# --- all or nothing -------------------------------------------------------------------------------


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_intact(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    target = _existing(tmp_path)
    monkeypatch.setattr(os, step, _fail)

    run = run_cli(*ASSESS, "--output", str(target), "--force")

    assert run.code == 2
    assert "Input/output error" in _one_line_error(run.err)
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert _leftovers(tmp_path, target.name) == []


class _DiskFillsUp:
    """A file handle that writes half of what it is given, then finds the disk full."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _DiskFillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, text: str) -> int:
        self._handle.write(text[: len(text) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_a_disk_filling_up_mid_write_leaves_the_old_file_intact(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _existing(tmp_path)
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _DiskFillsUp(real_fdopen(*a, **k)))

    run = run_cli(*ASSESS, "--output", str(target), "--force")

    assert run.code == 2
    assert "No space left on device" in _one_line_error(run.err)
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert _leftovers(tmp_path, target.name) == []


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _existing(tmp_path)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)

    run = run_cli(*ASSESS, "--output", str(target), "--force")

    assert run.code == 130
    assert target.read_text(encoding="utf-8") == OLD_REPORT
    assert _leftovers(tmp_path, target.name) == []


def test_a_failed_first_write_leaves_no_file_at_all(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    monkeypatch.setattr(os, "link", _fail)
    monkeypatch.setattr(os, "replace", _fail)

    run = run_cli(*ASSESS, "--output", str(target))

    assert run.code == 2
    _one_line_error(run.err)
    assert os.listdir(tmp_path) == []


def test_a_written_file_is_complete(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    run = run_cli(*ASSESS, "--output", str(target))
    assert run.code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["answers"] == FACIAL_REDNESS


# --- paths that cannot be written -----------------------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--save-answers"])
def test_a_missing_folder_is_named_in_one_line(
    run_cli: RunCli, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "no such folder" / "report.json"
    run = run_cli(*ASSESS, "--format", "json", option, str(target))
    assert run.code == 2
    line = _one_line_error(run.err)
    assert option in line
    assert "does not exist" in line
    assert str(target.parent) in line
    assert not target.parent.exists()


def test_a_folder_given_as_the_output_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    run = run_cli(*ASSESS, "--format", "json", "--output", str(tmp_path), "--force")
    assert run.code == 2
    assert "folder" in _one_line_error(run.err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in any folder")
def test_a_read_only_folder_is_named_in_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = run_cli(*ASSESS, "--output", str(folder / "report.md"))
    finally:
        folder.chmod(0o700)
    assert run.code == 2
    line = _one_line_error(run.err)
    assert "--output" in line
    assert "permission denied" in line.lower()
    assert os.listdir(folder) == []


def test_a_folder_that_refuses_the_temporary_file_is_named_in_one_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only disk, or a folder only root could write in: the file cannot even be started."""

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    target = tmp_path / "report.md"

    run = run_cli(*ASSESS, "--output", str(target))

    assert run.code == 2
    line = _one_line_error(run.err)
    assert "--output" in line
    assert "Permission denied" in line
    assert not target.exists()
