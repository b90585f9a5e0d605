"""Writing where an attacker or an accident points: links, inputs, devices, odd names.

A report never replaces one of its own inputs, a link or a device, not even with --force; names
the file system allows are accepted whole; names it refuses are one line, never a traceback.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CURRENT_VERSION, ORDINARY_FLARE, PROJECT_ROOT, RunCli, run_module
from tests.report_cases import FACIAL_REDNESS, as_flags

ASSESS = ("assess", "--no-input", *as_flags(FACIAL_REDNESS))


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("dupi-triage: error: ")
    return err


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ORDINARY_FLARE), encoding="utf-8")
    return path


# --- the same file under two names ----------------------------------------------------------------


def test_saved_answers_are_not_overwritten_by_the_report_through_a_linked_folder(
    run_cli: RunCli, tmp_path: Path
) -> None:
    real = tmp_path / "realdir"
    real.mkdir()
    (tmp_path / "pdir").symlink_to(real)
    result = run_cli(
        *ASSESS,
        "--save-answers",
        str(tmp_path / "pdir" / "s.json"),
        "--output",
        str(real / "s.json"),
        "--force",
    )
    assert result.code == 2
    assert "--save-answers" in one_line_error(result.err)
    assert list(real.iterdir()) == []


def test_a_report_never_replaces_its_answers_file_even_with_force(
    run_cli: RunCli, answers: Path
) -> None:
    before = answers.read_bytes()
    result = run_cli(
        "assess", "--no-input", "--answers", str(answers), "--output", str(answers), "--force"
    )
    assert result.code == 2
    assert "is an input of this run" in one_line_error(result.err)
    assert answers.read_bytes() == before


def test_report_never_replaces_the_file_it_renders(run_cli: RunCli, answers: Path) -> None:
    before = answers.read_bytes()
    twin = answers.with_name("twin.json")
    os.link(answers, twin)  # a hard link: another name, the same file
    result = run_cli("report", str(answers), "--output", str(twin), "--force")
    assert result.code == 2
    assert "is an input of this run" in one_line_error(result.err)
    assert answers.read_bytes() == before


def test_batch_never_replaces_its_input_even_with_force(run_cli: RunCli, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ORDINARY_FLARE) + "\n", encoding="utf-8")
    before = rows.read_bytes()
    result = run_cli("batch", str(rows), "--output", str(rows), "--force")
    assert result.code == 2
    assert "is an input of this run" in one_line_error(result.err)
    assert rows.read_bytes() == before


def test_resuming_into_the_answers_file_being_finished_still_works(
    run_cli: RunCli, answers: Path
) -> None:
    result = run_cli(
        "assess", "--no-input", "--answers", str(answers), "--save-answers", str(answers)
    )
    assert result.code == 0, result.err


# --- only regular files are replaced --------------------------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_a_symbolic_link_is_never_replaced(
    run_cli: RunCli, tmp_path: Path, force: list[str]
) -> None:
    target = tmp_path / "elsewhere.md"
    target.write_text("kept\n", encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(target)
    result = run_cli(*ASSESS, "--output", str(link), *force)
    assert result.code == 2
    assert "symbolic link" in one_line_error(result.err)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_dev_stdout_is_standard_output_not_a_file_to_replace(run_cli: RunCli) -> None:
    result = run_cli(*ASSESS, "--output", "/dev/stdout", "--force", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["level"] == "soon"
    assert os.path.islink("/dev/stdout") or not os.path.exists("/dev/stdout")


def test_batch_output_to_dev_stdout_is_standard_output(run_cli: RunCli, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ORDINARY_FLARE) + "\n", encoding="utf-8")
    result = run_cli("batch", str(rows), "--output", "/dev/stdout", "--force")
    assert result.code == 0, result.err
    assert json.loads(result.out)["row"] == 1


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_is_never_replaced_even_with_force(run_cli: RunCli) -> None:
    result = run_cli(*ASSESS, "--output", "/dev/null", "--force", "--format", "text")
    assert result.code == 2
    assert "not a regular file" in one_line_error(result.err)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# --- --save-answers - ----------------------------------------------------------------------------


def test_save_answers_dash_writes_the_answers_to_standard_output(
    run_cli: RunCli, tmp_path: Path
) -> None:
    report = tmp_path / "report.md"
    result = run_cli(*ASSESS, "--save-answers", "-", "--output", str(report))
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"questionnaire_version": CURRENT_VERSION, **FACIAL_REDNESS}
    assert report.exists()
    assert not (PROJECT_ROOT / "-").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.md"]


def test_save_answers_dash_beside_a_report_on_standard_output_is_refused(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(*ASSESS, "--save-answers", "-", "--format", "json")
    assert result.code == 2
    assert one_line_error(result.err).startswith("dupi-triage: error: --save-answers: ")
    assert list(tmp_path.iterdir()) == [], "no file named '-'"


# --- names: long, too long, unreachable -----------------------------------------------------------


@pytest.mark.parametrize("length", [240, 250, 255])
def test_a_legal_name_of_up_to_255_bytes_is_accepted_whole(
    run_cli: RunCli, tmp_path: Path, length: int
) -> None:
    name = "r" * (length - 3) + ".md"
    result = run_cli(*ASSESS, "--output", str(tmp_path / name))
    assert result.code == 0, result.err
    assert [path.name for path in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    "path",
    ["{tmp}/" + "n" * 300 + ".md", "{tmp}/" + "/".join(["d" * 200] * 25) + "/r.md"],
    ids=["name over 255 bytes", "path over PATH_MAX"],
)
def test_a_name_the_system_refuses_is_one_line(run_cli: RunCli, tmp_path: Path, path: str) -> None:
    result = run_cli(*ASSESS, "--output", path.format(tmp=tmp_path))
    assert result.code == 2
    line = one_line_error(result.err)
    assert line.startswith("dupi-triage: error: --output: ")
    assert len(line) < 400, "the name is cut short in the message"


@pytest.fixture
def shut_folder() -> Iterator[Path]:
    """A folder nobody but root may enter, inside a folder everyone may."""
    outer = Path(tempfile.mkdtemp())
    outer.chmod(0o755)
    shut = outer / "shut"
    shut.mkdir(mode=0o000)
    try:
        yield shut
    finally:
        shut.chmod(0o700)
        shut.rmdir()
        outer.rmdir()


def test_an_output_in_a_folder_that_cannot_be_entered_is_one_line(shut_folder: Path) -> None:
    as_nobody = None
    if os.geteuid() == 0:

        def as_nobody() -> None:
            os.setgid(65534)
            os.setuid(65534)

    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import dupi_triage"],
            preexec_fn=as_nobody,
            capture_output=True,
            cwd="/",
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            check=False,
        )
    except PermissionError:
        probe = None
    if probe is None or probe.returncode != 0:
        pytest.skip("an unprivileged user cannot run the project from here (see the next test)")
    run = subprocess.run(
        [sys.executable, "-m", "dupi_triage", *ASSESS, "--output", str(shut_folder / "r.md")],
        preexec_fn=as_nobody,
        capture_output=True,
        text=True,
        cwd="/",
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "permission denied" in one_line_error(run.stderr).lower()


def test_a_folder_the_system_will_not_let_us_look_into_is_one_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusal as above, made by hand where every folder is open (running as root)."""
    shut = tmp_path / "shut"
    real_stat = os.stat

    def refusing_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(shut)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", refusing_stat)
    result = run_cli(*ASSESS, "--output", str(shut / "inner" / "r.md"))
    assert result.code == 2
    assert "Permission denied" in one_line_error(result.err)


@pytest.mark.parametrize(
    "args",
    [
        ("assess", "--no-input", "--red-flags", "none", "--output"),
        ("assess", "--no-input", "--red-flags", "none", "--save-answers"),
        ("batch", "-", "--output"),
    ],
    ids=["assess --output", "assess --save-answers", "batch --output"],
)
@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_file_name_is_refused_naming_the_flag_not_the_current_folder(
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    empty: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args, empty)
    assert result.code == 2
    flag = args[-1]
    assert f"{flag}: is empty; give a file name" in result.err
    assert "'.'" not in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_batch_killed_outright_leaves_no_temporary_file_after_the_next_write(
    tmp_path: Path,
) -> None:
    """kill -9 cannot be caught, so its temporary file stays until the next write to that same
    output removes it; a live writer's, another target's and another user's are left alone."""
    import time

    out = tmp_path / "out.jsonl"
    row = json.dumps(ORDINARY_FLARE) + "\n"
    writer = subprocess.Popen(
        [sys.executable, "-m", "dupi_triage", "batch", "-", "--jobs", "1", "-o", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert writer.stdin is not None
    writer.stdin.write(row.encode())
    writer.stdin.flush()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = list(tmp_path.glob(".out.jsonl.*.part"))
    assert left, "the batch writes into a temporary file beside the output"
    writer.kill()
    writer.wait()
    assert [p.name for p in tmp_path.glob(".out.jsonl.*.part")] == [left[0].name]
    assert not out.exists(), "never a partial output"

    live = tmp_path / f".out.jsonl.{os.getpid()}.abcdefgh.part"
    other_target = tmp_path / f".out.jsonl.5.{writer.pid}.abcdefgh.part"
    for keep in (live, other_target):
        keep.write_text("")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(row)
    done = run_module("batch", str(rows), "--jobs", "1", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert sorted(p.name for p in tmp_path.glob(".*.part")) == sorted(
        [live.name, other_target.name]
    )


def test_a_writer_this_process_cannot_see_keeps_its_temporary_file(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A writer in another PID namespace (a container) or on another host sharing the folder
    has a process id that looks dead from here: its lock on the file says it is alive."""
    import fcntl

    out = tmp_path / "out.json"
    unseen = tmp_path / ".out.json.4194303.abcdefgh.part"  # beyond any pid this host gives
    unseen.write_text("half written")
    with unseen.open("rb") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)
        result = run_cli(
            "assess", "--no-input", "--red-flags", "none", "-f", "json", "-o", str(out)
        )
        assert result.code == 0, result.err
        assert unseen.read_text() == "half written"
    # Once its writer is gone (the lock with it), the next write removes it.
    assert (
        run_cli("assess", "--no-input", "--red-flags", "none", "-o", str(out), "--force").code == 0
    )
    assert not unseen.exists()
