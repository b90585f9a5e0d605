"""Read questionnaire.toml and check it into a Questionnaire.

Every mistake that would make scoring silently wrong (a duplicate id, a condition or pattern sign
naming something that does not exist, points without a source) is a load error instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dupi_triage.questionnaire import (
    LEVEL_IDS,
    QUESTION_TYPES,
    RED_FLAG_LEVELS,
    RED_FLAGS,
    Condition,
    DrugLinkItem,
    DrugLinkScale,
    Level,
    Option,
    Pattern,
    Question,
    Questionnaire,
    QuestionnaireError,
    Section,
    Sign,
    Wording,
)


def read_data(path: Path) -> dict[str, Any]:
    """The parsed TOML, or a checked JSON copy of it from the user's cache folder.

    tomllib is pure Python: importing and parsing it costs a non-interactive run about as much as
    everything else, while the C JSON parser reads the same data in a fraction of a millisecond.
    The copy is never trusted over the TOML:
    - it is named after the sha256 of the TOML's exact bytes, so an edited, replaced or upgraded
      TOML never meets a copy made from other bytes (no size or time stamps to fool);
    - its first line is the sha256 of the JSON after it, so a copy edited by hand, truncated or
      half-written is ignored and made again;
    - what it holds is validated exactly as the TOML is, by the same code, after this;
    - it lives in the user's cache folder, owner-only, never inside the installed package.
    """
    try:
        toml_bytes = path.read_bytes()
    except OSError as error:
        raise QuestionnaireError(f"{path}: {error}") from error
    cache = _cache_path(path, toml_bytes)
    if cache is not None:
        data = _read_cache(cache)
        if data is not None:
            return data
    import tomllib

    try:
        data = tomllib.loads(toml_bytes.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise QuestionnaireError(f"{path}: {error}") from error
    if cache is not None:
        _write_cache(cache, data)
    return data


_CACHE_FORMAT = 2


def _sha256(data: bytes) -> str:
    try:  # the built-in module: hashlib would load OpenSSL first, a few ms of start-up
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - Python 3.12 renamed it
        from hashlib import sha256
    digest: str = sha256(data).hexdigest()
    return digest


def cache_folder() -> Path | None:
    """The user's cache folder for dupi-triage (XDG on Linux), or None when there is no home."""
    import sys

    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "dupi-triage" / "Cache" if base else None
    if sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        root = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return root / "dupi-triage"


def _cache_path(path: Path, toml_bytes: bytes) -> Path | None:
    try:
        folder = cache_folder()
    except (OSError, RuntimeError, KeyError):  # no home folder at all
        return None
    if folder is None:
        return None
    return folder / f"{path.stem}-{_CACHE_FORMAT}-{_sha256(toml_bytes)}.json"


def _read_cache(cache: Path) -> dict[str, Any] | None:
    try:
        content = cache.read_bytes()
    except OSError:
        return None
    digest, _, body = content.partition(b"\n")
    if digest.decode("ascii", "replace") != _sha256(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _write_cache(cache: Path, data: dict[str, Any]) -> None:
    import contextlib
    import tempfile

    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=cache.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(_sha256(body).encode("ascii") + b"\n" + body)
            os.replace(temporary, cache)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        for stale in cache.parent.glob(f"{cache.name.split('-')[0]}-*.json"):
            if stale != cache:  # copies of other versions of the file: never read again
                stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass  # no home, a read-only or full disk: parse the TOML next time too


def parse_questionnaire(data: Mapping[str, Any]) -> Questionnaire:
    """Build a Questionnaire from parsed TOML, raising QuestionnaireError on any inconsistency."""
    levels = tuple(_level(entry) for entry in _table_list(data, "levels"))
    if tuple(level.id for level in levels) != LEVEL_IDS:
        raise QuestionnaireError(f"levels must be exactly {', '.join(LEVEL_IDS)}, lowest first")
    sections = tuple(_section(entry) for entry in _table_list(data, "sections"))
    _check_unique("section", [section.id for section in sections])
    section_ids = {section.id for section in sections}

    scale = _drug_link(_table(data, "drug_link"))
    item_ids = {item.id for item in scale.items}

    questions = tuple(
        _question(entry, section_ids, item_ids) for entry in _table_list(data, "questions")
    )
    _check_unique("question", [question.id for question in questions])
    by_id = {question.id: question for question in questions}
    for question in questions:
        _check_condition(question, by_id)
    _check_section_order(questions, sections)

    patterns = tuple(_pattern(entry, by_id) for entry in _table_list(data, "patterns"))
    _check_unique("pattern", [pattern.id for pattern in patterns])
    unclear_data = _table(data, "unclear")
    unclear = Pattern(
        id="unclear",
        label=_text(unclear_data, "label", "unclear"),
        summary=_text(unclear_data, "summary", "unclear"),
        key=(),
        support=(),
        source="",
    )
    return Questionnaire(
        version=_text(data, "version", "questionnaire"),
        levels=levels,
        sections=sections,
        questions=questions,
        drug_link=scale,
        patterns=patterns,
        unclear=unclear,
        wording=_wording(_table(data, "report")),
    )


def _question(data: Mapping[str, Any], section_ids: set[str], item_ids: set[str]) -> Question:
    qid = _text(data, "id", "question")
    where = f"question {qid!r}"
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        raise QuestionnaireError(f"{where}: type must be one of {', '.join(QUESTION_TYPES)}")
    section = _text(data, "section", where)
    if section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {section!r}")
    options = tuple(_option(entry, where) for entry in data.get("options", ()))
    _check_unique(f"{where} option", [option.id for option in options])
    when = None
    if "when" in data:
        condition = _table(data, "when")
        when = Condition(
            question=_text(condition, "question", where), equals=_text(condition, "is", where)
        )

    question = Question(
        id=qid,
        section=section,
        type=qtype,
        short=_text(data, "short", where),
        text=_text(data, "text", where),
        help=_text(data, "help", where),
        options=options,
        when=when,
        min=data.get("min"),
        max=data.get("max"),
        drug_link_item=data.get("drug_link_item"),
        points_source=data.get("points_source"),
        combine=data.get("combine"),
        red_flag_source=data.get("red_flag_source"),
        risk_source=data.get("risk_source"),
    )
    _check_question_shape(question)
    _check_scoring_sources(question, item_ids)
    return question


def _check_question_shape(question: Question) -> None:
    where = f"question {question.id!r}"
    if question.type == "integer":
        if not (isinstance(question.min, int) and isinstance(question.max, int)):
            raise QuestionnaireError(f"{where}: an integer question needs integer min and max")
        if question.min > question.max:
            raise QuestionnaireError(f"{where}: min is greater than max")
        if question.options:
            raise QuestionnaireError(f"{where}: an integer question has no options")
    elif len(question.options) < 2:
        raise QuestionnaireError(f"{where}: a choice question needs at least two options")
    if question.type != "multi" and question.combine is not None:
        raise QuestionnaireError(f"{where}: only multi-choice questions combine points")


def _check_scoring_sources(question: Question, item_ids: set[str]) -> None:
    """Every rule that scores must say where it comes from."""
    where = f"question {question.id!r}"
    scored = [option for option in question.options if option.points is not None]
    if scored or question.drug_link_item:
        if question.drug_link_item not in item_ids:
            raise QuestionnaireError(f"{where}: points need a known drug_link_item")
        if not question.points_source:
            raise QuestionnaireError(f"{where}: scoring rule without a source (points_source)")
        if len(scored) != len(question.options):
            raise QuestionnaireError(f"{where}: every option of a scored question needs points")
        if question.type == "multi" and question.combine not in ("max", "min"):
            raise QuestionnaireError(f"{where}: a scored multi-choice question needs combine")
    flagged = [option for option in question.options if option.red_flag is not None]
    for option in flagged:
        if option.red_flag not in RED_FLAG_LEVELS:
            raise QuestionnaireError(
                f"{where}: option {option.id!r} red_flag must be "
                f"one of {', '.join(RED_FLAG_LEVELS)}"
            )
    if flagged and not question.red_flag_source:
        raise QuestionnaireError(f"{where}: scoring rule without a source (red_flag_source)")
    described = [option for option in question.options if option.description or option.impact]
    if described and not question.risk_source:
        raise QuestionnaireError(f"{where}: scoring rule without a source (risk_source)")


def _check_condition(question: Question, by_id: Mapping[str, Question]) -> None:
    if question.when is None:
        return
    where = f"question {question.id!r}"
    target = by_id.get(question.when.question)
    if target is None:
        raise QuestionnaireError(
            f"{where}: condition names unknown question {question.when.question!r}"
        )
    if question.when.equals not in target.option_ids:
        raise QuestionnaireError(
            f"{where}: condition names unknown option {question.when.equals!r} of {target.id!r}"
        )
    if target.type != "single":
        raise QuestionnaireError(f"{where}: a condition must depend on a single-choice question")


def _check_section_order(questions: tuple[Question, ...], sections: tuple[Section, ...]) -> None:
    order = [section.id for section in sections]
    positions = [order.index(question.section) for question in questions]
    if positions != sorted(positions):
        raise QuestionnaireError("questions must be listed in section order")
    if not questions or questions[0].id != RED_FLAGS:
        raise QuestionnaireError("the red_flags question must come first (safety rule 1)")
    seen: set[str] = set()
    for question in questions:
        if question.when is not None and question.when.question not in seen:
            raise QuestionnaireError(
                f"question {question.id!r}: its condition must refer to an earlier question"
            )
        seen.add(question.id)


def _option(data: Mapping[str, Any], where: str) -> Option:
    option_id = _text(data, "id", where)
    inner = f"{where} option {option_id!r}"
    points = data.get("points")
    if points is not None and (not isinstance(points, int) or isinstance(points, bool)):
        raise QuestionnaireError(f"{inner}: points must be a whole number")
    return Option(
        id=option_id,
        label=_text(data, "label", inner),
        help=_text(data, "help", inner),
        points=points,
        red_flag=data.get("red_flag"),
        description=data.get("description"),
        impact=data.get("impact"),
    )


def _pattern(data: Mapping[str, Any], by_id: Mapping[str, Question]) -> Pattern:
    pattern_id = _text(data, "id", "pattern")
    where = f"pattern {pattern_id!r}"
    if not data.get("source"):
        raise QuestionnaireError(f"{where}: scoring rule without a source")
    key = tuple(_sign(text, where, by_id) for text in data.get("key", ()))
    if not key:
        raise QuestionnaireError(f"{where}: needs at least one key sign")
    support = tuple(_sign(text, where, by_id) for text in data.get("support", ()))
    return Pattern(
        id=pattern_id,
        label=_text(data, "label", where),
        summary=_text(data, "summary", where),
        key=key,
        support=support,
        source=_text(data, "source", where),
        signs=frozenset((sign.question, sign.option) for sign in (*key, *support)),
    )


def _sign(text: object, where: str, by_id: Mapping[str, Question]) -> Sign:
    if not isinstance(text, str) or text.count(".") != 1:
        raise QuestionnaireError(f"{where}: a sign is written 'question.option', not {text!r}")
    question_id, option_id = text.split(".")
    question = by_id.get(question_id)
    if question is None:
        raise QuestionnaireError(f"{where}: sign names unknown question {question_id!r}")
    if option_id not in question.option_ids:
        raise QuestionnaireError(
            f"{where}: sign names unknown option {option_id!r} of {question_id!r}"
        )
    return Sign(question_id, option_id)


def _drug_link(data: Mapping[str, Any]) -> DrugLinkScale:
    where = "drug_link"
    items = tuple(
        DrugLinkItem(
            id=_text(entry, "id", where),
            number=int(entry.get("number", 0)),
            text=_text(entry, "text", where),
            unanswerable=entry.get("unanswerable"),
        )
        for entry in _table_list(data, "items")
    )
    _check_unique("drug_link item", [item.id for item in items])
    categories = tuple(
        (_text(entry, "id", where), int(entry["min"])) for entry in _table_list(data, "categories")
    )
    minimums = [minimum for _, minimum in categories]
    if minimums != sorted(minimums, reverse=True):
        raise QuestionnaireError(
            "drug_link categories must be listed from the highest minimum down"
        )
    if not data.get("source"):
        raise QuestionnaireError("drug_link: scoring rule without a source")
    return DrugLinkScale(
        name=_text(data, "name", where),
        source=_text(data, "source", where),
        categories=categories,
        items=items,
    )


def _wording(data: Mapping[str, Any]) -> Wording:
    key = tuple(
        (_text(entry, "word", "report.source_key"), _text(entry, "meaning", "report.source_key"))
        for entry in _table_list(data, "source_key")
    )
    return Wording(
        disclaimer=_text(data, "disclaimer", "report"),
        drug_link_note=_text(data, "drug_link_note", "report"),
        not_screened=_text(data, "not_screened", "report"),
        uncommon=_text(data, "uncommon", "report"),
        source_key=key,
    )


def _level(data: Mapping[str, Any]) -> Level:
    where = "level"
    return Level(
        id=_text(data, "id", where),
        label=_text(data, "label", where),
        action=_text(data, "action", where),
        timing=_text(data, "timing", where),
        colour=_text(data, "colour", where),
    )


def _section(data: Mapping[str, Any]) -> Section:
    return Section(
        id=_text(data, "id", "section"),
        title=_text(data, "title", "section"),
        intro=_text(data, "intro", "section"),
    )


def _check_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise QuestionnaireError(f"duplicate {kind} id {item_id!r}")
        seen.add(item_id)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"{where}: {key!r} must be a non-empty string")
    return value


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise QuestionnaireError(f"{key!r} must be a table")
    return value


def _table_list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(entry, Mapping) for entry in value):
        raise QuestionnaireError(f"{key!r} must be an array of tables")
    return value
