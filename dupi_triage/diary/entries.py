"""Diary entries as plain frozen data, and the dates people type for them.

An entry is an injection given (Dose), a skin check-in (CheckIn, whose answers are keyed by the
questionnaire's own question ids) or a dose delayed or paused (Pause). Each has a stable UUID, so
that exporting and importing the same entries twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from dupi_triage.errors import InputError

AnswerValue = str | int | tuple[str, ...]
Kind = Literal["dose", "checkin", "pause"]
KINDS: tuple[Kind, ...] = ("dose", "checkin", "pause")
KIND_LABELS: dict[str, str] = {"dose": "dose", "checkin": "check-in", "pause": "pause"}
INJECTION_SITES = ("abdomen", "thigh", "upper_arm")
EARLIEST = dt.date(2000, 1, 1)
DATE_WORDS = "YYYY-MM-DD, today, yesterday"


@dataclass(frozen=True, slots=True)
class Dose:
    id: str
    day: dt.date
    site: str | None = None
    note: str = ""
    recorded: str = ""
    kind: Kind = field(default="dose", init=False)


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A skin check-in. `answers` maps question ids (location, look, itch, impact...) to answers
    in the questionnaire's canonical form; a check-in with no location and no look records no rash.
    """

    id: str
    day: dt.date
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    note: str = ""
    recorded: str = ""
    kind: Kind = field(default="checkin", init=False)

    def get(self, question_id: str) -> AnswerValue | None:
        return self.answers.get(question_id)


@dataclass(frozen=True, slots=True)
class Pause:
    """A dose delayed or paused from `start`, until `end` when known."""

    id: str
    start: dt.date
    end: dt.date | None = None
    agreed_with_prescriber: bool = False
    note: str = ""
    recorded: str = ""
    kind: Kind = field(default="pause", init=False)

    @property
    def day(self) -> dt.date:
        return self.start


Entry = Dose | CheckIn | Pause


def parse_day(text: str, field_name: str, today: dt.date | None = None) -> dt.date:
    """An ISO date, `today` or `yesterday`; never in the future, never before 2000."""
    today = today or dt.date.today()
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    try:
        day = dt.date.fromisoformat(word)
    except ValueError:
        raise InputError(field_name, f"{text!r} is not a date", DATE_WORDS) from None
    if len(word) != 10:
        raise InputError(field_name, f"{text!r} is not a date", DATE_WORDS)
    if day > today:
        raise InputError(field_name, f"{word} is in the future", f"{DATE_WORDS}, up to {today}")
    if day < EARLIEST:
        raise InputError(field_name, f"{word} is before 2000", f"{DATE_WORDS}, from {EARLIEST}")
    return day


_KIND_ORDER = {"dose": 0, "pause": 1, "checkin": 2}


def sort_key(entry: Entry) -> tuple[dt.date, int, str]:
    """Newest last; on one day doses first, then pauses, then check-ins; then by id."""
    return (entry.day, _KIND_ORDER[entry.kind], entry.id)
