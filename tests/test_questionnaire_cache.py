"""The parsed questionnaire is cached, and the cache can never change triage.

The copy lives in the user's cache folder, is named after the sha256 of the TOML's bytes, and
carries a sha256 of its own content; nothing is ever written into the installed package. An
edited TOML or cache either keeps every emergency red flag an emergency or fails to load with a
clear error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dupi_triage.questionnaire import (
    DEFAULT_PATH,
    RED_FLAGS,
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
)
from dupi_triage.questionnaire_loader import _sha256, cache_folder, parse_questionnaire, read_data
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def toml_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "questionnaire.toml"
    shutil.copyfile(DEFAULT_PATH, copy)
    return copy


def emergency_flags(questionnaire: Questionnaire) -> list[str]:
    question = questionnaire.question(RED_FLAGS)
    return [option.id for option in question.options if option.red_flag == "emergency"]


def load_fresh(path: Path) -> Questionnaire:
    return parse_questionnaire(read_data(path))


def cached_copies(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "dupi-triage").glob("*.json"))


def test_the_cache_lives_in_the_users_cache_folder_owner_only(
    cache_home: Path, toml_copy: Path
) -> None:
    load_fresh(toml_copy)
    assert cache_folder() == cache_home / "dupi-triage"
    (copy,) = cached_copies(cache_home)
    assert _sha256(toml_copy.read_bytes()) in copy.name
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert sorted(path.name for path in toml_copy.parent.iterdir()) == [
        "cache-home",
        "questionnaire.toml",
    ], "nothing beside the TOML"


def test_an_edited_toml_never_meets_the_copy_of_its_old_bytes(
    cache_home: Path, toml_copy: Path
) -> None:
    before = load_fresh(toml_copy)
    text = toml_copy.read_text(encoding="utf-8")
    label = before.question(RED_FLAGS).options[0].label
    edited = text.replace(f'label = "{label}"', 'label = "Edited label"', 1)
    toml_copy.write_text(edited, encoding="utf-8")
    stat_before = os.stat(toml_copy)
    os.utime(toml_copy, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))
    assert load_fresh(toml_copy).question(RED_FLAGS).options[0].label == "Edited label"


def test_two_versions_share_the_folder_and_a_month_old_copy_is_deleted(
    cache_home: Path, toml_copy: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "questionnaire.toml"
    other.parent.mkdir()
    text = toml_copy.read_text(encoding="utf-8")
    other.write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")  # other bytes, same data
    load_fresh(toml_copy)
    load_fresh(other)
    copies = cached_copies(cache_home)
    assert len(copies) == 2, "two installs do not delete each other's copy"
    first, second = copies
    month_ago = first.stat().st_mtime - 31 * 24 * 3600
    for copy in (first, second):
        os.utime(copy, (month_ago, month_ago))
    copy_of_first = next(c for c in (first, second) if _sha256(toml_copy.read_bytes()) in c.name)
    copy_of_first.unlink()
    load_fresh(toml_copy)  # a miss writes a copy and clears out month-old ones
    assert cached_copies(cache_home) == [copy_of_first]


def _tamper_json(data: dict[str, object], emergency: list[str]) -> None:
    for question in data["questions"]:  # type: ignore[attr-defined]
        if question["id"] == RED_FLAGS:
            for option in question["options"]:
                if option["id"] in emergency:
                    option["red_flag"] = "urgent"


def test_a_cache_edited_by_hand_is_ignored(cache_home: Path, toml_copy: Path) -> None:
    emergency = emergency_flags(load_fresh(toml_copy))
    (copy,) = cached_copies(cache_home)
    digest, _, body = copy.read_bytes().partition(b"\n")
    data = json.loads(body)
    _tamper_json(data, emergency)
    copy.write_bytes(digest + b"\n" + json.dumps(data).encode())
    assert emergency_flags(load_fresh(toml_copy)) == emergency


@pytest.mark.parametrize(
    "content",
    [b"", b"not a digest\n{", b"0" * 64 + b"\n[]", b"\xff\xfe\n\x00"],
    ids=["empty", "garbage", "wrong digest", "binary"],
)
def test_a_broken_cache_is_ignored_and_made_again(
    cache_home: Path, toml_copy: Path, content: bytes
) -> None:
    load_fresh(toml_copy)
    (copy,) = cached_copies(cache_home)
    copy.write_bytes(content)
    assert load_fresh(toml_copy).version
    assert copy.read_bytes().startswith(_sha256(copy.read_bytes().partition(b"\n")[2]).encode())


def test_an_unusable_cache_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml_copy: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_fresh(toml_copy).version


def _still_emergency_or_refused(path: Path, emergency: list[str]) -> None:
    try:
        loaded = load_fresh(path)
    except QuestionnaireError as error:
        refusal = str(error)
    else:
        assert set(emergency) <= set(emergency_flags(loaded))
        return
    assert "emergency" in refusal or "safety" in refusal, "a clear error names what was wrong"


def test_tampering_with_the_installed_toml_cannot_lower_an_emergency(
    cache_home: Path, toml_copy: Path
) -> None:
    emergency = emergency_flags(load_fresh(toml_copy))
    text = toml_copy.read_text(encoding="utf-8")
    for option_id in emergency:
        text = re.sub(
            rf'(id = "{option_id}"\n(?:(?!\[\[).*\n)*?)red_flag = "emergency"',
            r'\1red_flag = "urgent"',
            text,
        )
    toml_copy.write_text(text, encoding="utf-8")
    _still_emergency_or_refused(toml_copy, emergency)


def test_tampering_with_the_cache_and_its_digest_cannot_lower_an_emergency(
    cache_home: Path, toml_copy: Path
) -> None:
    emergency = emergency_flags(load_fresh(toml_copy))
    (copy,) = cached_copies(cache_home)
    data = json.loads(copy.read_bytes().partition(b"\n")[2])
    _tamper_json(data, emergency)
    body = json.dumps(data).encode()
    copy.write_bytes(_sha256(body).encode() + b"\n" + body)
    _still_emergency_or_refused(toml_copy, emergency)


def test_the_real_questionnaire_has_emergency_red_flags() -> None:
    """The tamper tests above mean something only if there are emergencies to protect."""
    assert emergency_flags(load_questionnaire())


# --- nothing is written into the installed package ------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
    }


@pytest.fixture(scope="module")
def read_only_install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project installed with pip into a folder, which is then made read-only."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    shutil.copytree(
        PROJECT_ROOT / "dupi_triage",
        source / "dupi_triage",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target,
         source],
        check=True,
        capture_output=True,
        timeout=600,
    )  # fmt: skip
    for path in [target, *target.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if not path.is_symlink():
            path.chmod(mode & ~0o222)
    try:
        yield target
    finally:
        for path in [target, *target.rglob("*")]:
            if not path.is_symlink():
                path.chmod(stat.S_IMODE(path.lstat().st_mode) | 0o200)


def test_a_read_only_install_runs_and_gains_no_file(
    read_only_install: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE), encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ORDINARY_FLARE) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(read_only_install),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = _snapshot(read_only_install)
    commands = [
        ["-c", "import dupi_triage; print(dupi_triage.__file__)"],
        ["-m", "dupi_triage", "--version"],
        ["-m", "dupi_triage", "questions", "--format", "json"],
        ["-m", "dupi_triage", "assess", "--no-input", "--answers", str(answers), "-f", "json"],
        ["-m", "dupi_triage", "assess", "--no-input", "--answers", str(answers)],
        ["-m", "dupi_triage", "report", str(answers), "--format", "html"],
        ["-m", "dupi_triage", "batch", str(rows)],
    ]
    for _ in range(2):  # the second time, with the cache made the first time
        for command in commands:
            run = subprocess.run(
                [sys.executable, *command],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert run.returncode == 0, run.stderr
            if command[0] == "-c":
                assert run.stdout.startswith(str(read_only_install))
    assert _snapshot(read_only_install) == before
    assert list((tmp_path / "cache" / "dupi-triage").glob("questionnaire-*.json"))
