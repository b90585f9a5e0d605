"""Diary rows as read from SQLite, checked before they become entries.

The file may have been damaged, edited by another program or written by an older version with
looser checks (an import dated 9999-12-31), so each row is checked as strictly as the commands
check input: a real id, a day from 2000 to today, a known site, answers the questionnaire
accepts. Notes are made plain here, once, for every output (the terminal, Markdown, CSV, the
exports, the reports): no escape sequence, line break or bidirectional override gets through.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from dupi_triage.diary.entries import (
    EARLIEST,
    INJECTION_SITES,
    KIND_LABELS,
    NOTE_LIMIT,
    AnswerValue,
    CheckIn,
    Dose,
    Entry,
    Pause,
    check_day,
)
from dupi_triage.errors import InputError, quoted
from dupi_triage.free_text import clean

#: Read from the tables themselves (NOT INDEXED), never from an index: SQLite's quick check
#: does not compare an index with its table, and a damaged index on `day` would give a wrong
#: date (a dose moved after the rash began lowered a level). Reading checks the file with
#: `integrity_check` (store.FileCheck), which does, and refuses such a file.
QUERIES = {
    "dose": "SELECT id, day, site, note, recorded FROM dose NOT INDEXED WHERE day >= ?",
    "checkin": "SELECT id, day, answers, note, recorded FROM checkin NOT INDEXED WHERE day >= ?",
    "pause": (
        "SELECT id, start, end_day, agreed_with_prescriber, note, recorded FROM pause "
        "NOT INDEXED WHERE coalesce(end_day, '9999-12-31') >= ?"
    ),
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
RECORDED_LIMIT = 40


class BadRow(Exception):
    """A row that cannot be an entry; the message names it by kind and id, for `diary check`."""


def entry_from_row(kind: str, row: tuple[object, ...], today: dt.date) -> Entry:
    """The entry a row holds, or BadRow saying what is wrong with it."""
    entry_id = row[0]
    if not isinstance(entry_id, str) or not _UUID.fullmatch(entry_id):
        name = f"a {KIND_LABELS[kind]} with the id {quoted(entry_id)}"
        raise BadRow(f"{name}: the id is not one this program writes")
    try:
        day = _day(row[1], today)
        note, recorded = _text(row[-2], NOTE_LIMIT), _text(row[-1], RECORDED_LIMIT)
        if kind == "dose":
            site = row[2]
            if site is not None and site not in INJECTION_SITES:
                raise ValueError(f"{quoted(site)} is not an injection site")
            return Dose(entry_id, day, site if isinstance(site, str) else None, note, recorded)
        if kind == "checkin":
            return CheckIn(entry_id, day, answers(row[2]), note, recorded)
        end = None if row[2] is None else _day(row[2], today)
        if end is not None and end < day:
            raise ValueError(f"it ends ({end}) before it starts ({day})")
        if row[3] not in (0, 1):
            raise ValueError("whether the prescriber agreed is neither yes nor no")
        return Pause(entry_id, day, end, bool(row[3]), note, recorded)
    except (ValueError, TypeError) as error:
        raise BadRow(f"the {KIND_LABELS[kind]} {quoted(entry_id)}: {error}") from None


def entries_from_rows(kind: str, rows: Iterable[tuple[object, ...]], today: dt.date) -> list[Entry]:
    """entry_from_row of each row. The usual dose or check-in (a plain id, day, note and stamp)
    is read here with the same checks in one loop: ten years of a diary are some 4,000 rows,
    and a call per check cost `diary show` about 5 ms (benchmarks/bench.py). Any other row goes
    to entry_from_row, which accepts it or says what is wrong with it."""
    if kind not in ("dose", "checkin"):
        return [entry_from_row(kind, row, today) for row in rows]
    found: list[Entry] = []
    days: dict[object, dt.date] = {}
    uuid, from_iso, sites = _UUID.fullmatch, dt.date.fromisoformat, INJECTION_SITES
    for row in rows:
        entry_id, day_text, middle, note, recorded = row
        day = days.get(day_text)
        if day is None and type(day_text) is str and len(day_text) == 10:
            try:
                day = from_iso(day_text)
            except ValueError:
                pass
            else:
                if EARLIEST <= day <= today:
                    days[day_text] = day
                else:
                    day = None
        if (
            day is None
            or type(entry_id) is not str
            or not uuid(entry_id)
            or type(note) is not str
            or type(recorded) is not str
            or not (len(note) <= NOTE_LIMIT and note.isprintable() and "  " not in note)
            or not (len(recorded) <= RECORDED_LIMIT and recorded.isprintable())
            or "  " in recorded
        ):
            found.append(entry_from_row(kind, row, today))
        elif kind == "dose":
            if middle is not None and middle not in sites:
                found.append(entry_from_row(kind, row, today))  # says what is wrong
            else:
                found.append(Dose(entry_id, day, middle, note.strip(), recorded.strip()))
        else:
            try:
                checked = answers(middle)
            except (ValueError, TypeError):
                checked = None
            if checked is None:
                found.append(entry_from_row(kind, row, today))  # says what is wrong
            else:
                found.append(CheckIn(entry_id, day, checked, note.strip(), recorded.strip()))
    return found


def _day(value: object, today: dt.date) -> dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"the date {quoted(value)} is not a date")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"the date {quoted(value)} is not a date") from None
    try:
        return check_day(day, "date", today)
    except InputError as error:
        raise ValueError(f"the date {error.problem}") from None


def _text(value: object, longest: int) -> str:
    if not isinstance(value, str):
        raise ValueError("a note or time stamp is not text")
    if value.isprintable() and "  " not in value and len(value) <= longest:
        return value.strip()  # already plain (nearly every row): no need to look at each character
    return clean(value)[:longest].rstrip()


@functools.lru_cache(maxsize=4096)
def answers(text: object) -> Mapping[str, AnswerValue]:
    """Check-in answers, read-only, checked against the questionnaire's skin questions.

    Cached: years of check-ins repeat a few hundred combinations.
    """
    import json

    from dupi_triage.diary.exchange import parse_checkin
    from dupi_triage.questionnaire_loader import load_questionnaire

    if not isinstance(text, str):
        raise ValueError("the answers are not text")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the answers are not JSON") from None
    if not isinstance(raw, dict):
        raise ValueError("the answers are not a JSON object")
    try:
        parsed = parse_checkin(load_questionnaire(), raw, "check-in")
    except InputError as error:
        raise ValueError(f"{error.field}: {error.problem}") from None
    return MappingProxyType(parsed)
