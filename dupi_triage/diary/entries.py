"""Diary entries as plain frozen data, and the dates people type for them.

An entry is an injection given (Dose), a skin check-in (CheckIn, whose answers are keyed by the
questionnaire's own question ids) or a dose delayed or paused (Pause). Each has a stable UUID, so
that exporting and importing the same entries twice changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

from dupi_triage.errors import InputError
from dupi_triage.records import Value

AnswerValue = str | int | tuple[str, ...]
Kind = Literal["dose", "checkin", "pause"]
KINDS: tuple[Kind, ...] = ("dose", "checkin", "pause")
KIND_LABELS: dict[str, str] = {"dose": "dose", "checkin": "check-in", "pause": "pause"}
INJECTION_SITES = ("abdomen", "thigh", "upper_arm")
EARLIEST = dt.date(2000, 1, 1)
# A note is a few words for the prescriber; as long as the questionnaire's own free text.
NOTE_LIMIT = 1000
DATE_WORDS = "YYYY-MM-DD, today, yesterday, N days ago, or a weekday of the last week"


class _Entry(Value):
    """What the three kinds share: plain classes (a frozen dataclass costs every start about
    0.5 ms to define), equal by value, with `replace` for dataclasses.replace."""

    __slots__ = ()

    def __repr__(self) -> str:
        values = self.fields() | {"kind": getattr(self, "kind", None)}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in values.items())})"


class Dose(_Entry):
    __slots__ = ("day", "id", "note", "recorded", "site")
    kind: Final[Kind] = "dose"

    def __init__(
        self, id: str, day: dt.date, site: str | None = None, note: str = "", recorded: str = ""
    ) -> None:
        self.id: Final = id
        self.day: Final = day
        self.site: Final = site
        self.note: Final = note
        self.recorded: Final = recorded


class CheckIn(_Entry):
    """A skin check-in. `answers` maps question ids (location, look, itch, impact...) to answers
    in the questionnaire's canonical form; a check-in with no location and no look records no rash.
    """

    __slots__ = ("answers", "day", "id", "note", "recorded")
    kind: Final[Kind] = "checkin"

    def __init__(
        self,
        id: str,
        day: dt.date,
        answers: Mapping[str, AnswerValue] = MappingProxyType({}),
        note: str = "",
        recorded: str = "",
    ) -> None:
        self.id: Final = id
        self.day: Final = day
        self.answers: Final = answers
        self.note: Final = note
        self.recorded: Final = recorded

    def get(self, question_id: str) -> AnswerValue | None:
        return self.answers.get(question_id)


class Pause(_Entry):
    """A dose delayed or paused from `start`, until `end` when known."""

    __slots__ = ("agreed_with_prescriber", "end", "id", "note", "recorded", "start")
    kind: Final[Kind] = "pause"

    def __init__(
        self,
        id: str,
        start: dt.date,
        end: dt.date | None = None,
        agreed_with_prescriber: bool = False,
        note: str = "",
        recorded: str = "",
    ) -> None:
        self.id: Final = id
        self.start: Final = start
        self.end: Final = end
        self.agreed_with_prescriber: Final = agreed_with_prescriber
        self.note: Final = note
        self.recorded: Final = recorded

    @property
    def day(self) -> dt.date:
        return self.start


Entry = Dose | CheckIn | Pause


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Digits 0 to 9 only: \d would take other scripts' digits too.
_DAYS_AGO = re.compile(r"([0-9]{1,4}) days? ago")
_SLASHED = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")


def parse_day(text: str, field_name: str, today: dt.date | None = None) -> dt.date:
    """A day as people type it: ISO, `today`, `yesterday`, `N days ago` or a weekday name.

    A weekday name means the last such day before today (one to seven days ago). The day is
    never in the future and never before 2000; a mistyped date gets the reason, not only the form.
    """
    today = today or dt.date.today()
    word = " ".join(text.strip().lower().split())
    day = _word_day(word, today)
    if day is None:
        day = _iso_day(text, word, field_name)
    return check_day(day, field_name, today)


def check_day(day: dt.date, field_name: str, today: dt.date | None = None) -> dt.date:
    """`day` if it is between 2000-01-01 and today (the range every way in accepts)."""
    today = today or dt.date.today()
    if day > today:
        raise InputError(
            field_name, f"{day.isoformat()} is in the future", f"{DATE_WORDS}, up to {today}"
        )
    if day < EARLIEST:
        raise InputError(
            field_name, f"{day.isoformat()} is before 2000", f"{DATE_WORDS}, from {EARLIEST}"
        )
    return day


def _word_day(word: str, today: dt.date) -> dt.date | None:
    if word == "today":
        return today
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    ago = _DAYS_AGO.fullmatch(word)
    if ago:
        return today - dt.timedelta(days=int(ago.group(1)))
    name = word.removeprefix("last ")
    if name in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS.index(name)) % 7 or 7
        return today - dt.timedelta(days=back)
    return None


def _iso_day(text: str, word: str, field_name: str) -> dt.date:
    from dupi_triage.errors import quoted

    parts = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", word)
    if parts:
        year, month, number = (int(p) for p in parts.groups())
        if year < EARLIEST.year:
            raise InputError(field_name, f"{word} is before 2000", f"{DATE_WORDS}, from {EARLIEST}")
        try:
            return dt.date(year, month, number)
        except ValueError:
            raise InputError(
                field_name, _impossible(word, year, month, number), DATE_WORDS
            ) from None
    raise InputError(field_name, f"{quoted(text)} is not a date{_hint(word)}", DATE_WORDS)


def _impossible(word: str, year: int, month: int, day_number: int) -> str:
    import calendar  # only for a mistyped date: 1 ms at every start otherwise

    if not 1 <= month <= 12:
        return f"{word}: there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if day_number < 1:
        return f"{word}: there is no day 0"
    return f"{word}: {calendar.month_name[month]} {year} has {last} days"


def _hint(word: str) -> str:
    """For 30/11/2026 or 11/30/2026: the ISO form, when only one reading is a real date."""
    slashed = _SLASHED.fullmatch(word)
    if not slashed:
        return ""
    first, second, year = (int(p) for p in slashed.groups())
    readings = set()
    for day_number, month in ((first, second), (second, first)):
        with contextlib.suppress(ValueError):
            readings.add(dt.date(year, month, day_number))
    if len(readings) == 1:
        return f"; did you mean {readings.pop().isoformat()}? Type it as YYYY-MM-DD"
    if readings:
        return "; day and month could be either way round: type it as YYYY-MM-DD"
    return ""


def note_text(raw: str | None, field_name: str) -> str:
    """A note as typed, made plain (no escape sequences, one line); too long is refused."""
    from dupi_triage.free_text import clean

    if raw is None:
        return ""
    text = clean(raw)
    if len(text) > NOTE_LIMIT:
        raise InputError(
            field_name, f"is {len(text)} characters long", f"up to {NOTE_LIMIT} characters"
        )
    return text


_KIND_ORDER = {"dose": 0, "pause": 1, "checkin": 2}


def sort_key(entry: Entry) -> tuple[dt.date, int, str]:
    """Newest last; on one day doses first, then pauses, then check-ins; then by id."""
    return (entry.day, _KIND_ORDER[entry.kind], entry.id)
