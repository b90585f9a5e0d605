"""Diary entries to and from files: JSON (the round-trip format), CSV and a FHIR R4B Bundle.

JSON export, then import into any diary, then export again gives the same document: entries keep
their ids, so importing twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from dupi_triage import PROG
from dupi_triage.answers import parse_value
from dupi_triage.diary.entries import (
    INJECTION_SITES,
    KINDS,
    CheckIn,
    Dose,
    Entry,
    Pause,
    check_day,
    note_text,
    sort_key,
)
from dupi_triage.diary.rows import RECORDED_LIMIT
from dupi_triage.errors import InputError, quoted
from dupi_triage.free_text import clean
from dupi_triage.questionnaire import Questionnaire

FORMAT_NAME = "dupi-triage-diary"
FORMAT_VERSION = 1
IMPORT_LIMIT = 32 * 1024 * 1024
CHECKIN_QUESTIONS = ("location", "look", "itch", "nights_woken_by_itch", "impact")


def checkin_questions(questionnaire: Questionnaire) -> list[Any]:
    """The questionnaire's own skin questions a check-in asks, in questionnaire order."""
    return [q for q in questionnaire if q.id in CHECKIN_QUESTIONS]


def entry_to_json(entry: Entry) -> dict[str, Any]:
    common = {"id": entry.id, "kind": entry.kind, "date": entry.day.isoformat()}
    if isinstance(entry, Dose):
        body: dict[str, Any] = {"site": entry.site}
    elif isinstance(entry, CheckIn):
        body = {
            "answers": {
                k: list(v) if isinstance(v, tuple) else v for k, v in sorted(entry.answers.items())
            }
        }
    else:
        body = {
            "end": entry.end.isoformat() if entry.end else None,
            "agreed_with_prescriber": entry.agreed_with_prescriber,
        }
    return {**common, **body, "note": entry.note, "recorded": entry.recorded}


def to_json(entries: Sequence[Entry]) -> str:
    document = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "tool": PROG,
        "entries": [entry_to_json(e) for e in sorted(entries, key=sort_key)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def from_json(questionnaire: Questionnaire, data: bytes | str, source: str) -> list[Entry]:
    """Entries from a JSON export, each checked as strictly as the commands check input.

    Bounded: at most IMPORT_LIMIT bytes (decades of daily check-ins take a few), nesting no
    deeper than a diary has, notes no longer than a note may be typed.
    """
    from dupi_triage import strictjson

    document = strictjson.loads(data, source, IMPORT_LIMIT)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise InputError(source, f'is not a {PROG} diary export (no "format": "{FORMAT_NAME}")')
    version = document.get("format_version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"{source} format_version", f"{version!r} is not a format version")
    if version > FORMAT_VERSION:
        raise InputError(
            f"{source} format_version",
            f"{version} is newer than this {PROG} reads ({FORMAT_VERSION}); update {PROG} to "
            "import it",
        )
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise InputError(source, "needs an 'entries' list")
    return [
        _entry(questionnaire, raw, f"{source} entry {n}") for n, raw in enumerate(raw_entries, 1)
    ]


def _entry(questionnaire: Questionnaire, raw: object, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise InputError(where, "must be an object")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise InputError(f"{where} kind", f"{kind!r} is not an entry kind", ", ".join(KINDS))
    entry_id = _uuid(raw.get("id"), f"{where} id")
    day = _day(raw.get("date"), f"{where} date")
    note = note_text(_text(raw.get("note", ""), f"{where} note"), f"{where} note")
    recorded = clean(_text(raw.get("recorded", ""), f"{where} recorded"))[:RECORDED_LIMIT]
    if kind == "dose":
        site = raw.get("site")
        if site is not None and site not in INJECTION_SITES:
            raise InputError(f"{where} site", f"{site!r} is not a site", ", ".join(INJECTION_SITES))
        return Dose(entry_id, day, site, note, recorded)
    if kind == "checkin":
        answers = raw.get("answers")
        if not isinstance(answers, dict):
            raise InputError(f"{where} answers", "must be an object of answers")
        return CheckIn(entry_id, day, parse_checkin(questionnaire, answers, where), note, recorded)
    end = raw.get("end")
    end_day = None if end is None else _day(end, f"{where} end")
    if end_day is not None and end_day < day:
        raise InputError(f"{where} end", "is before the pause's start")
    agreed = raw.get("agreed_with_prescriber", False)
    if not isinstance(agreed, bool):
        raise InputError(f"{where} agreed_with_prescriber", "must be true or false")
    return Pause(entry_id, day, end_day, agreed, note, recorded)


def parse_checkin(
    questionnaire: Questionnaire, raw: dict[str, object], where: str
) -> dict[str, str | int | tuple[str, ...]]:
    allowed = {q.id: q for q in checkin_questions(questionnaire)}
    answers: dict[str, str | int | tuple[str, ...]] = {}
    for question_id, value in raw.items():
        question = allowed.get(question_id)
        if question is None:
            raise InputError(
                f"{where} answers",
                f"{question_id!r} is not a check-in question",
                ", ".join(allowed),
            )
        answers[question_id] = parse_value(question, value, f"{where} {question_id}")
    return answers


def _uuid(value: object, where: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) else _bad_id(where)
    except ValueError:
        return _bad_id(where)


def _bad_id(where: str) -> str:
    raise InputError(where, "must be a UUID, as the export writes it")


def _day(value: object, where: str) -> dt.date:
    """A date as the export writes it, in the range the commands accept (2000 to today)."""
    try:
        if isinstance(value, str) and len(value) == 10:
            return check_day(dt.date.fromisoformat(value), where)
    except ValueError as error:
        if isinstance(error, InputError):
            raise
    raise InputError(where, f"{quoted(value)} is not a date", "YYYY-MM-DD")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(where, "must be text")
    return value


# --- CSV ------------------------------------------------------------------------------------------


def to_csv(questionnaire: Questionnaire, entries: Sequence[Entry]) -> str:
    questions = [q.id for q in checkin_questions(questionnaire)]
    header = ["id", "kind", "date", "end", "site", "agreed_with_prescriber", *questions, "note"]
    import csv  # only for a CSV export: about 0.5 ms at the start of every diary command otherwise
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for entry in sorted(entries, key=sort_key):
        plain = entry_to_json(entry)
        answers = plain.get("answers", {})
        cells = [
            plain["id"],
            plain["kind"],
            plain["date"],
            plain.get("end") or "",
            plain.get("site") or "",
            "" if entry.kind != "pause" else ("yes" if plain["agreed_with_prescriber"] else "no"),
            *(_cell(answers.get(q)) for q in questions),
            plain["note"],
        ]
        writer.writerow([_safe(cell) for cell in cells])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _safe(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; notes are the person's text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


# --- FHIR R4B -------------------------------------------------------------------------------------

DUPILUMAB_RXNORM = "1876376"


def to_fhir(questionnaire: Questionnaire, entries: Sequence[Entry]) -> str:
    """A collection Bundle: check-ins as Observations, doses as MedicationAdministrations."""
    resources: list[dict[str, Any]] = []
    for entry in sorted(entries, key=sort_key):
        if isinstance(entry, Dose):
            resources.append(_administration(entry))
        elif isinstance(entry, CheckIn):
            resources.append(_observation(questionnaire, entry))
        else:
            resources.append(_pause_observation(entry))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


_SUBJECT = {"display": "the person keeping this diary"}
_SYSTEM = "urn:dupi-triage:questionnaire"


def _note(entry: Entry) -> list[dict[str, str]]:
    return [{"text": entry.note}] if entry.note else []


def _administration(entry: Dose) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": entry.id,
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": DUPILUMAB_RXNORM,
                    "display": "dupilumab",
                }
            ],
            "text": "dupilumab",
        },
        "subject": _SUBJECT,
        "effectiveDateTime": entry.day.isoformat(),
    }
    if entry.site:
        resource["dosage"] = {"site": {"text": entry.site.replace("_", " ")}}
    if entry.note:
        resource["note"] = _note(entry)
    return resource


def _observation(questionnaire: Questionnaire, entry: CheckIn) -> dict[str, Any]:
    components = []
    for question in checkin_questions(questionnaire):
        value = entry.get(question.id)
        if value is None:
            continue
        code = {"coding": [{"system": _SYSTEM, "code": question.id}], "text": question.short}
        if isinstance(value, int):
            components.append({"code": code, "valueInteger": value})
            continue
        chosen = (value,) if isinstance(value, str) else value
        components.extend(
            {
                "code": code,
                "valueCodeableConcept": {
                    "coding": [{"system": f"{_SYSTEM}:{question.id}", "code": option_id}],
                    "text": question.option(option_id).label,
                },
            }
            for option_id in chosen
        )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": entry.id,
        "status": "final",
        "code": {"text": "Skin check-in (dupi-triage diary)"},
        "subject": _SUBJECT,
        "effectiveDateTime": entry.day.isoformat(),
        "component": components,
    }
    if entry.note:
        resource["note"] = _note(entry)
    return resource


def _pause_observation(entry: Pause) -> dict[str, Any]:
    period = {"start": entry.start.isoformat()}
    if entry.end:
        period["end"] = entry.end.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": entry.id,
        "status": "final",
        "code": {"text": "dupilumab dose delayed or paused (dupi-triage diary)"},
        "subject": _SUBJECT,
        "effectivePeriod": period,
        "valueCodeableConcept": {
            "text": "agreed with the prescriber"
            if entry.agreed_with_prescriber
            else "not recorded as agreed with the prescriber"
        },
    }
    if entry.note:
        resource["note"] = _note(entry)
    return resource
