"""The parsed questionnaire is cached, and the cache can never change triage.

The copy lives in the user's cache folder, is named after the sha256 of the TOML's bytes, and is
signed with a key only this user can read, over those bytes and its own content; nothing is ever
written into the installed package. A folder or file someone else could have written is never
read. An edited TOML either keeps every emergency red flag an emergency or fails to load with a
clear error; an edited, forged or foreign cache is simply not used.

Ownership needs a second user: tests run as root in CI, and there the attacker's files are given
to `nobody` (uid 65534), as another user who made the folder first would own them.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

from dupi_triage import questionnaire_cache
from dupi_triage.questionnaire import DEFAULT_PATH, RED_FLAGS, Questionnaire, QuestionnaireError
from dupi_triage.questionnaire_loader import load_questionnaire, parse_questionnaire, read_data
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT, run_module

NOBODY = 65534
as_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="giving files to another user needs root (as in CI)"
)


@pytest.fixture(autouse=True)
def _note_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The note about an unusable folder is said once per run; each test is a run."""
    monkeypatch.setattr(questionnaire_cache, "_noted", False)


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


def installed(path: Path) -> dict[str, Any]:
    """What the TOML itself says, parsed without any cache."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def cached_copies(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "dupi-triage").glob("*.json"))


def toml_digest(path: Path) -> str:
    return sha256(path.read_bytes()).hexdigest()


def signed(key: bytes, digest: str, body: bytes) -> bytes:
    """A copy as the tool writes it, made with the standard library's hmac."""
    signature = hmac.new(key, digest.encode() + b"\n" + body, "sha256").hexdigest()
    return signature.encode() + b"\n" + body


def test_the_cache_lives_in_the_users_cache_folder_owner_only(
    cache_home: Path, toml_copy: Path
) -> None:
    load_fresh(toml_copy)
    folder = cache_home / "dupi-triage"
    assert questionnaire_cache.folder() == folder
    (copy,) = cached_copies(cache_home)
    assert toml_digest(toml_copy) in copy.name
    assert sorted(path.name for path in folder.iterdir()) == sorted([copy.name, "key"])
    for path in (copy, folder / "key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key = (folder / "key").read_bytes()
    assert len(key) == 32
    body = copy.read_bytes().partition(b"\n")[2]
    assert copy.read_bytes() == signed(key, toml_digest(toml_copy), body)
    assert sorted(path.name for path in toml_copy.parent.iterdir()) == [
        "cache-home",
        "questionnaire.toml",
    ], "nothing beside the TOML"


def test_the_second_run_reads_the_copy(
    cache_home: Path, toml_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The point of it all: a warm run never parses the TOML."""
    load_fresh(toml_copy)
    expected = installed(toml_copy)

    def refuse(text: str) -> None:
        raise AssertionError("parsed the TOML although a good copy was there")

    monkeypatch.setattr(tomllib, "loads", refuse)
    assert read_data(toml_copy) == expected


@pytest.mark.parametrize(
    "key", [b"", b"k", bytes(range(32)), bytes(64), bytes(range(65)), b"\xff" * 200]
)
@pytest.mark.parametrize("message", [b"", b"abc", b"x" * 100_000])
def test_the_signature_is_hmac_sha256(key: bytes, message: bytes) -> None:
    """Written out to spare hashlib's start-up: it must be exactly the standard HMAC."""
    assert questionnaire_cache.mac(key, message) == hmac.new(key, message, "sha256").hexdigest()


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
    copy_of_first = next(c for c in (first, second) if toml_digest(toml_copy) in c.name)
    copy_of_first.unlink()
    load_fresh(toml_copy)  # a miss writes a copy and clears out month-old ones
    assert cached_copies(cache_home) == [copy_of_first]


# --- a copy that does not come from this TOML and this user's key is not used ---------------------


def _all_routine(data: dict[str, Any]) -> None:
    for rule in data["level_rules"]:
        rule["level"] = "routine"


def _swap_none_and_breathing(data: dict[str, Any]) -> None:
    (question,) = (q for q in data["questions"] if q["id"] == RED_FLAGS)
    options = {option["id"]: option for option in question["options"]}
    sign, none = options["breathing_or_swelling"], options["none"]
    sign["label"], none["label"] = none["label"], sign["label"]


def _emergencies_urgent(data: dict[str, Any]) -> None:
    (question,) = (q for q in data["questions"] if q["id"] == RED_FLAGS)
    for option in question["options"]:
        if option.get("red_flag") == "emergency":
            option["red_flag"] = "urgent"


FORGERIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "every level rule routine": _all_routine,
    "labels of breathing_or_swelling and none swapped": _swap_none_and_breathing,
    "emergencies made urgent": _emergencies_urgent,
}


def _forged_body(toml: Path, forge: Callable[[dict[str, Any]], None]) -> bytes:
    data = installed(toml)
    forge(data)
    return json.dumps(data).encode()


def _signed_the_old_way(key: bytes, digest: str, body: bytes) -> bytes:
    """The first line a sha256 of the body: anyone who can write the file can make it."""
    return sha256(body).hexdigest().encode() + b"\n" + body


def _signed_with_another_key(key: bytes, digest: str, body: bytes) -> bytes:
    return signed(os.urandom(32), digest, body)


def _signed_for_other_bytes(key: bytes, digest: str, body: bytes) -> bytes:
    return signed(key, sha256(b"another questionnaire.toml").hexdigest(), body)


def _unsigned(key: bytes, digest: str, body: bytes) -> bytes:
    return body


SIGNERS = {
    "its own sha256": _signed_the_old_way,
    "another key": _signed_with_another_key,
    "this key, other TOML bytes": _signed_for_other_bytes,
    "no signature": _unsigned,
}


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_copy_is_never_read(
    cache_home: Path, toml_copy: Path, forgery: str, signer: str
) -> None:
    """Every level rule made routine (eye symptoms, unscreened warning signs, itch 10 over a
    widespread rash then read ROUTINE) and labels swapped were accepted when the copy carried a
    sha256 of itself: now only a copy signed with this user's key, for these TOML bytes, is."""
    load_fresh(toml_copy)
    (copy,) = cached_copies(cache_home)
    key_file = cache_home / "dupi-triage" / "key"
    key = key_file.read_bytes() if key_file.exists() else os.urandom(32)
    body = _forged_body(toml_copy, FORGERIES[forgery])
    copy.write_bytes(SIGNERS[signer](key, toml_digest(toml_copy), body))
    assert read_data(toml_copy) == installed(toml_copy)
    assert read_data(toml_copy) == installed(toml_copy), "and made again, right"


def test_the_copy_of_another_toml_is_never_read_for_this_one(
    cache_home: Path, toml_copy: Path, tmp_path: Path
) -> None:
    """A copy the tool itself made for a tampered TOML, renamed to this TOML's copy: valid for
    those bytes, so self-consistent, but not for these."""
    tampered = tmp_path / "tampered" / "questionnaire.toml"
    tampered.parent.mkdir()
    tampered.write_text(
        re.sub(r'(\[\[level_rules\]\]\nid = "[^"]+"\n)level = "\w+"', r'\1level = "routine"',
               toml_copy.read_text(encoding="utf-8")),
        encoding="utf-8",
    )  # fmt: skip
    assert {rule["level"] for rule in installed(tampered)["level_rules"]} == {"routine"}
    load_fresh(toml_copy)
    load_fresh(tampered)
    (mine,) = (c for c in cached_copies(cache_home) if toml_digest(toml_copy) in c.name)
    (theirs,) = (c for c in cached_copies(cache_home) if c != mine)
    shutil.copyfile(theirs, mine)
    assert read_data(toml_copy) == installed(toml_copy)


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
    assert read_data(toml_copy) == installed(toml_copy)
    key = (cache_home / "dupi-triage" / "key").read_bytes()
    body = copy.read_bytes().partition(b"\n")[2]
    assert copy.read_bytes() == signed(key, toml_digest(toml_copy), body)


@pytest.mark.parametrize("key", [b"", b"short", os.urandom(33)], ids=["empty", "short", "long"])
def test_a_damaged_key_is_made_again_and_old_copies_no_longer_verify(
    cache_home: Path, toml_copy: Path, key: bytes
) -> None:
    load_fresh(toml_copy)
    key_file = cache_home / "dupi-triage" / "key"
    key_file.write_bytes(key)
    assert read_data(toml_copy) == installed(toml_copy)
    assert len(key_file.read_bytes()) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_unusable_cache_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml_copy: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_fresh(toml_copy).version


# --- folders and files someone else could have written ---------------------------------------


def _attackers_cache(toml: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete cache folder, its key and a copy signed with it, all forged: level rules all
    routine. Only who owns it, and who can write to it, can tell it from the user's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(scratch))
    load_fresh(toml)
    folder = scratch / "dupi-triage"
    (copy,) = folder.glob("*.json")
    key = (folder / "key").read_bytes()
    copy.write_bytes(signed(key, toml_digest(toml), _forged_body(toml, _all_routine)))
    return folder


def _folder_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        path.name: (path.lstat().st_size, path.lstat().st_mtime_ns, path.lstat().st_uid)
        for path in folder.iterdir()
    }


def _planted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: Path, owner: int, mode: int
) -> Path:
    """The attacker's cache folder where the user's would be; returns the user's cache home."""
    forged = _attackers_cache(toml, tmp_path / "scratch", monkeypatch)
    home = tmp_path / "victim-cache"
    home.mkdir()
    folder = home / "dupi-triage"
    shutil.copytree(forged, folder)
    for path in [folder, *folder.iterdir()]:
        os.chown(path, owner, owner if owner == NOBODY else os.getegid())
    folder.chmod(mode)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(questionnaire_cache, "_noted", False)
    return folder


FOREIGN_FOLDERS = [
    *(pytest.param(NOBODY, mode, "it belongs to another user", marks=as_root, id=f"nobody {mode:o}")
      for mode in (0o777, 0o700, 0o755)),
    *(pytest.param(None, mode, "others can change it", id=f"mine {mode:o}")
      for mode in (0o777, 0o770, 0o722, 0o702)),
]  # fmt: skip


@pytest.mark.parametrize(("owner", "mode", "reason"), FOREIGN_FOLDERS)
def test_a_cache_folder_not_the_users_alone_is_never_read_nor_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    toml_copy: Path,
    capsys: pytest.CaptureFixture[str],
    owner: int | None,
    mode: int,
    reason: str,
) -> None:
    """Another user made the folder first (world-writable, or theirs alone), or others can write
    into the user's, and it holds a key and a copy signed with it: the user's run reads the TOML,
    leaves the folder alone, and says why once."""
    folder = _planted(tmp_path, monkeypatch, toml_copy, os.geteuid() if owner is None else owner,
                      mode)  # fmt: skip
    before = _folder_state(folder)
    assert read_data(toml_copy) == installed(toml_copy)
    assert read_data(toml_copy) == installed(toml_copy)
    assert _folder_state(folder) == before, "nothing written into the folder"
    [note] = capsys.readouterr().err.splitlines()
    assert note == f"dupi-triage: note: not using the cache folder '{folder}': {reason}."


def _forgery_signed_with_the_users_key(cache_home: Path, toml: Path) -> tuple[Path, Path]:
    """The user's own folder, key and copy, the copy forged and signed right: only the files'
    owner and modes can tell it from a good one. Returns the folder and the copy."""
    load_fresh(toml)
    folder = cache_home / "dupi-triage"
    (copy,) = cached_copies(cache_home)
    key = (folder / "key").read_bytes()
    copy.write_bytes(signed(key, toml_digest(toml), _forged_body(toml, _all_routine)))
    assert read_data(toml) != installed(toml), "as it stands, the forgery would be read"
    return folder, copy


@as_root
@pytest.mark.parametrize("name", ["key", "copy"])
def test_a_file_of_another_user_inside_the_folder_is_not_trusted(
    cache_home: Path, toml_copy: Path, name: str
) -> None:
    folder, copy = _forgery_signed_with_the_users_key(cache_home, toml_copy)
    os.chown(folder / "key" if name == "key" else copy, NOBODY, NOBODY)
    assert read_data(toml_copy) == installed(toml_copy)


@pytest.mark.parametrize("name", ["key", "copy"])
def test_a_file_others_can_change_or_a_key_others_can_read_is_not_trusted(
    cache_home: Path, toml_copy: Path, name: str
) -> None:
    folder, copy = _forgery_signed_with_the_users_key(cache_home, toml_copy)
    (folder / "key").chmod(0o640 if name == "key" else 0o600)
    copy.chmod(0o600 if name == "key" else 0o622)
    assert read_data(toml_copy) == installed(toml_copy)


def test_a_symbolic_link_for_the_folder_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml_copy: Path
) -> None:
    forged = _attackers_cache(toml_copy, tmp_path / "scratch", monkeypatch)
    home = tmp_path / "victim-cache"
    home.mkdir()
    (home / "dupi-triage").symlink_to(forged)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert read_data(toml_copy) == installed(toml_copy)


@pytest.mark.parametrize("name", ["copy", "key"])
def test_a_symbolic_link_inside_the_folder_is_not_followed(
    cache_home: Path, toml_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    load_fresh(toml_copy)
    folder = cache_home / "dupi-triage"
    (copy,) = cached_copies(cache_home)
    forged = _attackers_cache(toml_copy, tmp_path / "scratch", monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    target = copy if name == "copy" else folder / "key"
    target.unlink()
    target.symlink_to(forged / (copy.name if name == "copy" else "key"))
    if name == "key":  # the forged copy too, so that following the key would verify it
        copy.unlink()
        shutil.copyfile(forged / copy.name, copy)
    assert read_data(toml_copy) == installed(toml_copy)


# --- a FIFO or a device where the cache should be: no hang, no note to a patient ------------------


def _assess_with_cache(home: Path) -> subprocess.CompletedProcess[str]:
    return run_module(
        "assess", "--no-input", "--red-flags", "none", "--format", "json",
        env={"XDG_CACHE_HOME": str(home)},
    )  # fmt: skip


def _cache_name(tmp_path: Path) -> str:
    """The name the tool gives its copy of the installed questionnaire (found by running it)."""
    home = tmp_path / "first-run-cache"
    _assess_with_cache(home)
    (copy,) = (home / "dupi-triage").glob("*.json")
    return copy.name


@pytest.mark.parametrize("where", ["copy", "key", "folder"])
def test_a_fifo_in_the_cache_never_hangs_a_command(tmp_path: Path, where: str) -> None:
    expected = _assess_with_cache(tmp_path / "fresh-cache")
    home = tmp_path / "cache"
    folder = home / "dupi-triage"
    home.mkdir()
    if where == "folder":
        os.mkfifo(folder, 0o600)
    else:
        folder.mkdir(mode=0o700)
        os.mkfifo(folder / (_cache_name(tmp_path) if where == "copy" else "key"), 0o600)
    for _ in range(2):  # and again, once a copy could have been written
        run = _assess_with_cache(home)  # run_module's timeout: a hang fails the test
        assert run.returncode == 0, run.stderr
        assert run.stdout == expected.stdout
        assert run.stderr == ""


@pytest.mark.parametrize("how", ["a symbolic link", "a device node"])
def test_a_device_for_the_copy_is_not_read(tmp_path: Path, how: str) -> None:
    expected = _assess_with_cache(tmp_path / "fresh-cache")
    home = tmp_path / "cache"
    copy = home / "dupi-triage" / _cache_name(tmp_path)
    copy.parent.mkdir(parents=True, mode=0o700)
    if how == "a symbolic link":
        copy.symlink_to("/dev/zero")
    else:
        try:
            os.mknod(copy, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
        except PermissionError:
            pytest.skip("making a device node needs root")
    run = _assess_with_cache(home)
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected.stdout
    assert stat.S_ISREG(copy.lstat().st_mode), "replaced by a real copy"


@as_root
def test_another_users_folder_costs_one_calm_line_on_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml_copy: Path
) -> None:
    """What a person sees: the same result; at most one line that is not about their health."""
    expected = _assess_with_cache(tmp_path / "fresh-cache")
    folder = _planted(tmp_path, monkeypatch, DEFAULT_PATH, NOBODY, 0o777)
    run = _assess_with_cache(folder.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected.stdout
    [note] = run.stderr.splitlines()
    assert note == (
        f"dupi-triage: note: not using the cache folder '{folder}': it belongs to another user."
    )


# --- the installed TOML ---------------------------------------------------------------------------


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
