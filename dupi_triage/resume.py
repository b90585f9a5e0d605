"""Answers kept when a walk stops part way, so that the next start can carry on from them.

Ctrl-C, a closed window (SIGHUP) or SIGTERM at a question, or a report or answers file that
cannot be written at the end: the answers given so far are kept in the user's state folder
(platformdirs `user_state_dir`: ~/.local/state/dupi-triage on Linux), owner-only (file 0600,
folder 0700), in the JSON an answers file holds. A folder another user owns or others can write
in is refused. They are cleared when a run that carried on from them finishes, or when the
person chooses to start again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
from pathlib import Path

from dupi_triage import PROG
from dupi_triage.answers import Answers
from dupi_triage.errors import InputError, quoted_path
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple

FILE_NAME = "answers-so-far.json"
FIELD = "kept answers"
MAX_BYTES = 1024 * 1024


class Kept(NamedTuple):
    answers: Answers
    kept_at: dt.datetime
    path: Path


def store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir(PROG, appauthor=False)) / FILE_NAME


def keep(questionnaire: Questionnaire, answers: Answers) -> Path:
    """Keep these answers for the next start; raises InputError when they cannot be kept."""
    from dupi_triage.files import private_folder, write_private
    from dupi_triage.session import answers_text

    path = store_path()
    private_folder(path.parent, FIELD)
    write_private(str(path), answers_text(questionnaire, answers), force=True, field=FIELD)
    return path


def kept(questionnaire: Questionnaire) -> Kept | None:
    """The answers kept by an earlier run, or None. Raises InputError when they are there but
    cannot be used (another user's folder or file, damaged, from an unknown version)."""
    from dupi_triage import strictjson
    from dupi_triage.answers import answers_document, parse_answers
    from dupi_triage.files import private_folder

    path = store_path()
    shown = quoted_path(path)
    if not os.path.lexists(path):
        return None
    private_folder(path.parent, FIELD, create=False)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(FIELD, f"cannot read {shown}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise InputError(FIELD, f"{shown} is not a file of yours, so it is not used")
        content = handle.read(MAX_BYTES + 1)
    document = strictjson.loads(content, f"{FIELD} {shown}")
    answers = parse_answers(questionnaire, answers_document(document, shown), orphans=True)
    return Kept(answers, dt.datetime.fromtimestamp(info.st_mtime), path)


def clear() -> None:
    with contextlib.suppress(OSError):
        path = store_path()
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            path.unlink()
