"""Read questionnaire.toml and check it into a Questionnaire.

Every mistake that would make scoring silently wrong (a duplicate id, a condition or pattern sign
naming something that does not exist, points without a source) is a load error instead.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dupi_triage import questionnaire_cache
from dupi_triage.questionnaire import (
    DEFAULT_PATH,
    DEFAULT_RESPONDENT,
    DEFAULT_TOPIC,
    EXTRA_VOICES,
    LEVEL_IDS,
    NEUTRAL_VOICE,
    NONE_OPTION,
    QUESTION_TYPES,
    RED_FLAG_LEVELS,
    RED_FLAGS,
    RESPONDENT,
    Advice,
    Clause,
    Condition,
    Consider,
    Contradiction,
    DrugLinkItem,
    DrugLinkScale,
    Level,
    LevelRule,
    Option,
    Pattern,
    Question,
    Questionnaire,
    QuestionnaireError,
    Section,
    Sign,
    When,
    Wording,
)


@functools.cache
def load_questionnaire(path: Path = DEFAULT_PATH) -> Questionnaire:
    """Read and validate the questionnaire once per process."""
    return parse_questionnaire(read_data(path))


def read_data(path: Path) -> dict[str, Any]:
    """The parsed TOML, or a signed JSON copy of it from the user's cache folder.

    The copy is never trusted over the TOML: see questionnaire_cache.py.
    """
    try:
        toml_bytes = path.read_bytes()
    except OSError as error:
        raise QuestionnaireError(f"{path}: {error}") from error
    digest: str = questionnaire_cache.sha256(toml_bytes).hexdigest()
    data = questionnaire_cache.read(path.stem, digest)
    if data is not None:
        return data
    import tomllib

    try:
        data = tomllib.loads(toml_bytes.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise QuestionnaireError(f"{path}: {error}") from error
    questionnaire_cache.write(path.stem, digest, data)
    return data


#: Words a text may leave for the code to fill in (they are not the respondent's).
LATE_WORDS = frozenset({"indication", "cause"})


def parse_questionnaire(
    data: Mapping[str, Any],
    respondent: str = DEFAULT_RESPONDENT,
    topic: str = DEFAULT_TOPIC,
) -> Questionnaire:
    """Build a Questionnaire from parsed TOML, raising QuestionnaireError on any inconsistency.

    Every text is worded for `respondent`: its {you}, {your}... come from the `voice` tables;
    and for `topic` (eczema, or another reason for dupilumab): its {usual_eczema}... come from
    the `topic_voice` tables, which may themselves use the respondent's words.
    """
    source = data
    voices = _voices(data, "voice", DEFAULT_RESPONDENT)
    if respondent not in voices:
        raise QuestionnaireError(f"no voice table for respondent {respondent!r}")
    topics = _voices(data, "topic_voice", DEFAULT_TOPIC)
    if topic not in topics:
        raise QuestionnaireError(f"no topic_voice table for {topic!r}")
    words = voices[respondent]
    clash = set(words) & set(topics[topic])
    if clash:
        raise QuestionnaireError(f"topic_voice redefines voice words: {', '.join(sorted(clash))}")
    words = {**words, **{name: _speak(text, words) for name, text in topics[topic].items()}}
    data = _speak(data, _Words(words))
    levels = tuple(_level(entry) for entry in _table_list(data, "levels"))
    if tuple(level.id for level in levels) != LEVEL_IDS:
        raise QuestionnaireError(f"levels must be exactly {', '.join(LEVEL_IDS)}, lowest first")
    sections = tuple(_section(entry) for entry in _table_list(data, "sections"))
    _check_unique("section", [section.id for section in sections])
    section_ids = {section.id for section in sections}

    question_data = _table_list(data, "questions")
    scale_data = _table(data, "drug_link")
    item_entries = _table_list(scale_data, "items")
    item_ids = {_text(entry, "id", "drug_link") for entry in item_entries}
    # Items scored from the leading pattern (item 1): their question carries no points.
    computed = {entry["id"] for entry in item_entries if _flag(entry, "from_pattern", "drug_link")}
    questions = tuple(_question(entry, section_ids, item_ids, computed) for entry in question_data)
    _check_unique("question", [question.id for question in questions])
    by_id = {question.id: question for question in questions}
    for question in questions:
        _check_condition(question, by_id)
    _check_section_order(questions, sections)
    questions = tuple(
        _resolve_described_by(question, entry, by_id)
        for question, entry in zip(questions, question_data, strict=True)
    )
    by_id = {question.id: question for question in questions}
    _check_warning_signs(by_id[RED_FLAGS])

    scale = _drug_link(scale_data, by_id)
    patterns = tuple(_pattern(entry, by_id) for entry in _table_list(data, "patterns"))
    _check_unique("pattern", [pattern.id for pattern in patterns])
    unclear_data = _table(data, "unclear")
    unclear = Pattern(
        id="unclear",
        label=_text(unclear_data, "label", "unclear"),
        summary=_text(unclear_data, "summary", "unclear"),
        advice=_text(unclear_data, "advice", "unclear"),
        key=(),
        support=(),
        source="",
    )
    level_rules = tuple(_level_rule(entry, by_id) for entry in _table_list(data, "level_rules"))
    _check_unique("level rule", [rule.id for rule in level_rules])
    respondents = by_id.get(RESPONDENT)
    extra_voices = {*EXTRA_VOICES.values(), NEUTRAL_VOICE}
    if respondents is not None and set(respondents.option_ids) | extra_voices != set(voices):
        raise QuestionnaireError(
            "the voice tables must be exactly the respondent options and "
            + ", ".join(sorted(extra_voices))
        )
    return Questionnaire(
        respondent=respondent,
        topic=topic,
        words=MappingProxyType(words),
        source_data=source,
        reword=parse_questionnaire,
        version=_text(data, "version", "questionnaire"),
        levels=levels,
        sections=sections,
        questions=questions,
        drug_link=scale,
        patterns=patterns,
        unclear=unclear,
        wording=_wording(_table(data, "report")),
        level_rules=level_rules,
        advice=_advice(_table(data, "advice")),
        contradictions=_contradictions(data, by_id),
    )


def _voices(data: Mapping[str, Any], name: str, default: str) -> dict[str, dict[str, str]]:
    """The `voice` (or `topic_voice`) tables: the same words in each."""
    tables = data.get(name, {default: {}})
    if not isinstance(tables, Mapping) or default not in tables:
        raise QuestionnaireError(f"{name!r} needs a table for {default!r}")
    voices: dict[str, dict[str, str]] = {}
    words: set[str] | None = None
    for key, table in tables.items():
        if isinstance(table, Mapping) and "from" in table:
            # `from = "other"`: that table's words, with this one's own over them.
            base = tables.get(table["from"])
            if not isinstance(base, Mapping) or "from" in base:
                raise QuestionnaireError(f"{name}.{key}: 'from' must name a table of its own")
            table = {**base, **{word: text for word, text in table.items() if word != "from"}}
        if not isinstance(table, Mapping) or not all(
            isinstance(value, str) for value in table.values()
        ):
            raise QuestionnaireError(f"{name}.{key}: words must be strings")
        if words is not None and set(table) != words:
            raise QuestionnaireError(f"{name}.{key}: must define the same words as the rest")
        words = set(table)
        voices[key] = dict(table)
    return voices


class _Words(dict[str, str]):
    """The words a text may use: a late word ({indication}) stays for the code to fill in; any
    other unknown word is a load error."""

    def __missing__(self, name: str) -> str:
        if name in LATE_WORDS:
            return f"{{{name}}}"
        raise QuestionnaireError(f"unknown word {{{name}}}")


def _speak(value: Any, words: Mapping[str, str]) -> Any:
    """Every string with its {word}s filled in; an unknown word is a load error."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        try:
            return value.format_map(words if isinstance(words, _Words) else _Words(words))
        except QuestionnaireError as error:
            raise QuestionnaireError(f"text {value[:60]!r}: {error}") from None
        except (ValueError, IndexError, AttributeError, KeyError, TypeError) as error:
            raise QuestionnaireError(f"text {value[:60]!r}: {error}") from error
    if isinstance(value, Mapping):
        return {
            key: _speak(item, words)
            for key, item in value.items()
            if key not in ("voice", "topic_voice")
        }
    if isinstance(value, list):
        return [_speak(item, words) for item in value]
    return value


def _check_warning_signs(question: Question) -> None:
    """The warning signs agree with the invariants pinned in code (dupi_triage/safety.py)."""
    from dupi_triage.safety import FIRST_AID, WARNING_SIGNS

    flagged = {option.id: option for option in question.options if option.red_flag is not None}
    if set(flagged) != set(WARNING_SIGNS):
        raise QuestionnaireError(
            "red_flags: the warning signs must be exactly those in dupi_triage/safety.py "
            f"(missing: {sorted(set(WARNING_SIGNS) - set(flagged))}, "
            f"unexpected: {sorted(set(flagged) - set(WARNING_SIGNS))})"
        )
    for option_id, option in flagged.items():
        pinned = WARNING_SIGNS[option_id]
        where = f"red_flags option {option_id!r}"
        if option.red_flag != pinned.level:
            raise QuestionnaireError(f"{where}: level must be {pinned.level!r} (safety rule 2)")
        if option.hold_next_dose != pinned.hold_next_dose:
            raise QuestionnaireError(
                f"{where}: hold_next_dose must be {str(pinned.hold_next_dose).lower()} "
                "(safety rule 3)"
            )
        if option.first_aid != (option_id in FIRST_AID):
            raise QuestionnaireError(f"{where}: first_aid disagrees with dupi_triage/safety.py")
        if not option.source:
            raise QuestionnaireError(f"{where}: a warning sign needs its source")
    others = [o.id for o in question.options if o.red_flag is None and o.id != NONE_OPTION]
    if others:
        raise QuestionnaireError(f"red_flags: option(s) {others} have no red_flag level")


def _resolve_described_by(
    question: Question, data: Mapping[str, Any], by_id: Mapping[str, Question]
) -> Question:
    entries = {entry.get("id"): entry for entry in data.get("options", ())}
    options = []
    changed = False
    for option in question.options:
        raw = entries.get(option.id, {}).get("described_by", ())
        if not raw:
            options.append(option)
            continue
        where = f"question {question.id!r} option {option.id!r}"
        if not isinstance(raw, list) or not all(isinstance(clause, list) for clause in raw):
            raise QuestionnaireError(f"{where}: described_by must be a list of lists of signs")
        clauses = tuple(tuple(_sign(text, where, by_id) for text in clause) for clause in raw)
        if any(
            sign.question == RED_FLAGS and option.id in sign.options
            for clause in clauses
            for sign in clause
        ):
            raise QuestionnaireError(f"{where}: a warning sign cannot describe itself")
        if any(all(sign.question == RED_FLAGS for sign in clause) for clause in clauses):
            raise QuestionnaireError(f"{where}: a clause needs an answer outside red_flags")
        options.append(option._replace(described_by=clauses))
        changed = True
    return question.replace(options=tuple(options)) if changed else question


def _question(
    data: Mapping[str, Any],
    section_ids: set[str],
    item_ids: set[str],
    computed_items: Collection[str] = (),
) -> Question:
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
    when = _when(_table(data, "when"), where) if "when" in data else None

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
    _check_scoring_sources(question, item_ids, computed_items)
    return question


def _when(data: Mapping[str, Any], where: str) -> When:
    """`{question, is}`, `{question, in}`, `{question, not_in}`, or `{all|any = [those]}`."""
    for behaviour in ("all", "any"):
        if behaviour in data:
            terms = data[behaviour]
            if not isinstance(terms, list) or not terms or len(data) != 1:
                raise QuestionnaireError(f"{where}: when.{behaviour} must be a non-empty list")
            conditions = tuple(_condition(term, where) for term in terms)
            return When("all" if behaviour == "all" else "any", conditions)
    return When("all", (_condition(data, where),))


def _condition(data: object, where: str) -> Condition:
    if not isinstance(data, Mapping):
        raise QuestionnaireError(f"{where}: a condition must be a table")
    question = _text(data, "question", where)
    operators = [key for key in ("is", "in", "not_in") if key in data]
    if len(operators) != 1 or set(data) != {"question", operators[0]}:
        raise QuestionnaireError(
            f"{where}: a condition is {{question, is | in | not_in}}, not {sorted(data)}"
        )
    raw = data[operators[0]]
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise QuestionnaireError(f"{where}: a condition needs option ids")
    if operators[0] == "not_in":
        return Condition(question, "not_in", tuple(values))
    return Condition(question, "in", tuple(values))


def _check_question_shape(question: Question) -> None:
    where = f"question {question.id!r}"
    if question.type == "integer":
        if not (isinstance(question.min, int) and isinstance(question.max, int)):
            raise QuestionnaireError(f"{where}: an integer question needs integer min and max")
        if question.min > question.max:
            raise QuestionnaireError(f"{where}: min is greater than max")
        if question.options:
            raise QuestionnaireError(f"{where}: an integer question has no options")
    elif question.type == "text":
        if not isinstance(question.max, int) or question.max < 1:
            raise QuestionnaireError(f"{where}: a text question needs its longest length as max")
        scored = question.options or question.drug_link_item or question.points_source
        if scored:
            raise QuestionnaireError(f"{where}: a text question has no options or scoring")
    elif len(question.options) < 2:
        raise QuestionnaireError(f"{where}: a choice question needs at least two options")
    if question.type != "multi" and question.combine is not None:
        raise QuestionnaireError(f"{where}: only multi-choice questions combine points")


def _check_scoring_sources(
    question: Question,
    item_ids: set[str],
    computed_items: Collection[str] = (),
) -> None:
    """Every rule that scores must say where it comes from."""
    where = f"question {question.id!r}"
    scored = [option for option in question.options if option.points is not None]
    if scored or question.drug_link_item:
        if question.drug_link_item not in item_ids:
            raise QuestionnaireError(f"{where}: points need a known drug_link_item")
        if not question.points_source:
            raise QuestionnaireError(f"{where}: scoring rule without a source (points_source)")
        if question.drug_link_item in computed_items:
            if scored:
                raise QuestionnaireError(
                    f"{where}: item {question.drug_link_item!r} is scored from the pattern, "
                    "so its options carry no points"
                )
            return
        if len(scored) != len(question.options):
            raise QuestionnaireError(f"{where}: every option of a scored question needs points")
        if question.type == "multi" and question.combine not in ("max", "min"):
            raise QuestionnaireError(f"{where}: a scored multi-choice question needs combine")
    _check_flags_and_risk(question)


def _check_flags_and_risk(question: Question) -> None:
    where = f"question {question.id!r}"
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
    for option in question.options:
        if option.when is not None:
            where = f"question {question.id!r} option {option.id!r}"
            _check_when(option.when, where, by_id)
    if question.when is not None:
        _check_when(question.when, f"question {question.id!r}", by_id)


def _check_when(when: When, where: str, by_id: Mapping[str, Question]) -> None:
    for condition in when.conditions:
        target = by_id.get(condition.question)
        if target is None:
            raise QuestionnaireError(
                f"{where}: condition names unknown question {condition.question!r}"
            )
        if target.type == "integer":
            raise QuestionnaireError(f"{where}: a condition must depend on a choice question")
        for option_id in condition.options:
            if option_id not in target.option_ids:
                raise QuestionnaireError(
                    f"{where}: condition names unknown option {option_id!r} of {target.id!r}"
                )


def _check_section_order(questions: tuple[Question, ...], sections: tuple[Section, ...]) -> None:
    order = [section.id for section in sections]
    positions = [order.index(question.section) for question in questions]
    if positions != sorted(positions):
        raise QuestionnaireError("questions must be listed in section order")
    if not questions or questions[0].id != RED_FLAGS:
        raise QuestionnaireError("the red_flags question must come first (safety rule 1)")
    seen: set[str] = set()
    for question in questions:
        conditions = [question.when, *(option.when for option in question.options)]
        for when in conditions:
            if when is not None and not set(when.questions) <= seen:
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
        hold_next_dose=_flag(data, "hold_next_dose", inner),
        first_aid=_flag(data, "first_aid", inner),
        source=data.get("source"),
        when=_when(_table(data, "when"), inner) if "when" in data else None,
        when_since=_when_since(data, inner),
    )


def _when_since(data: Mapping[str, Any], where: str) -> str | None:
    since = data.get("when_since")
    if since is None:
        return None
    if "when" not in data:
        raise QuestionnaireError(f"{where}: when_since needs a when")
    parts = since.split(".") if isinstance(since, str) else []
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        raise QuestionnaireError(f"{where}: when_since must be a questionnaire version like '2.2'")
    return str(since)


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise QuestionnaireError(f"{where}: {key!r} must be true or false")
    return value


def _pattern(data: Mapping[str, Any], by_id: Mapping[str, Question]) -> Pattern:
    pattern_id = _text(data, "id", "pattern")
    where = f"pattern {pattern_id!r}"
    if not data.get("source"):
        raise QuestionnaireError(f"{where}: scoring rule without a source")
    key = tuple(_clause(entry, where, by_id) for entry in data.get("key", ()))
    if not key:
        raise QuestionnaireError(f"{where}: needs at least one key sign")
    support = tuple(_sign(text, where, by_id) for text in data.get("support", ()))
    drug_reaction = _flag(data, "drug_reaction", where)
    if not drug_reaction and not data.get("advice"):
        raise QuestionnaireError(f"{where}: needs its own advice (only drug reactions share one)")
    return Pattern(
        id=pattern_id,
        label=_text(data, "label", where),
        summary=_text(data, "summary", where),
        key=key,
        support=support,
        source=_text(data, "source", where),
        drug_reaction=drug_reaction,
        when=_when(_table(data, "when"), where) if "when" in data else None,
        advice=_text(data, "advice", where) if "advice" in data else "",
        reported=_flag(data, "reported", where) or drug_reaction,
    )


def _clause(entry: object, where: str, by_id: Mapping[str, Question]) -> Clause:
    """A key entry: one sign, or a list of signs that must all hold."""
    if isinstance(entry, list):
        if not entry:
            raise QuestionnaireError(f"{where}: an empty list of signs")
        return tuple(_sign(text, where, by_id) for text in entry)
    return (_sign(entry, where, by_id),)


def _sign(text: object, where: str, by_id: Mapping[str, Question]) -> Sign:
    """'question.option', 'question.a|b' for any of several options, or 'question!a|b' for
    none of them (unanswered counts as none)."""
    if not isinstance(text, str) or text.count(".") + text.count("!") != 1:
        raise QuestionnaireError(f"{where}: a sign is written 'question.option', not {text!r}")
    negated = "!" in text
    question_id, options = text.split("!" if negated else ".")
    question = by_id.get(question_id)
    if question is None:
        raise QuestionnaireError(f"{where}: sign names unknown question {question_id!r}")
    option_ids = tuple(options.split("|"))
    for option_id in option_ids:
        if option_id not in question.option_ids:
            raise QuestionnaireError(
                f"{where}: sign names unknown option {option_id!r} of {question_id!r}"
            )
    return Sign(question_id, option_ids, negated)


def _drug_link(data: Mapping[str, Any], by_id: Mapping[str, Question]) -> DrugLinkScale:
    where = "drug_link"
    items = tuple(
        DrugLinkItem(
            id=_text(entry, "id", where),
            number=int(entry.get("number", 0)),
            text=_text(entry, "text", where),
            unanswerable=entry.get("unanswerable"),
            from_pattern=_flag(entry, "from_pattern", where),
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
    own_eczema = tuple(
        _sign(data.get(key), where, by_id) for key in ("own_eczema_look", "own_eczema_location")
    )
    return DrugLinkScale(
        name=_text(data, "name", where),
        source=_text(data, "source", where),
        categories=categories,
        items=items,
        own_eczema=own_eczema,
        own_eczema_source=_text(data, "own_eczema_source", where),
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
        for_later=_text(data, "for_later", "report"),
        for_later_note=_text(data, "for_later_note", "report"),
        tell_heading=_text(data, "tell_heading", "report"),
        other_indication=_text(data, "other_indication", "report"),
        for_prescriber=_text(data, "for_prescriber", "report"),
        for_prescriber_note=_text(data, "for_prescriber_note", "report"),
        drug_link_points=_text(data, "drug_link_points", "report"),
        drug_link_no_points=_text(data, "drug_link_no_points", "report"),
        drug_link_no_points_reaction=_text(data, "drug_link_no_points_reaction", "report"),
        drug_link_capped=_text(data, "drug_link_capped", "report"),
        source_key=key,
    )


def _level_rule(data: Mapping[str, Any], by_id: Mapping[str, Question]) -> LevelRule:
    rule_id = _text(data, "id", "level rule")
    where = f"level rule {rule_id!r}"
    level = _text(data, "level", where)
    if level not in LEVEL_IDS:
        raise QuestionnaireError(f"{where}: level must be one of {', '.join(LEVEL_IDS)}")
    if level == "emergency":
        raise QuestionnaireError(f"{where}: only the warning signs themselves give an emergency")
    signs: Clause = ()
    if "signs" in data:
        signs = _clause(data["signs"], where, by_id)
        if signs[0].negated:
            raise QuestionnaireError(f"{where}: the first sign names the answer shown")
    if bool(signs) != ("reason" in data):
        raise QuestionnaireError(f"{where}: signs and reason go together")
    return LevelRule(
        id=rule_id,
        level=level,
        summary=_text(data, "summary", where),
        source=_text(data, "source", where),
        signs=signs,
        reason=_text(data, "reason", where) if signs else "",
    )


def _contradictions(
    data: Mapping[str, Any], by_id: Mapping[str, Question]
) -> tuple[Contradiction, ...]:
    """Pairs of answers that cannot both be true, each with its reason and where it comes from."""
    found = []
    for entry in data.get("contradictions", []):
        rule_id = _text(entry, "id", "contradiction")
        where = f"contradiction {rule_id!r}"
        raw = entry.get("answers")
        if not isinstance(raw, list) or len(raw) != 2:
            raise QuestionnaireError(f"{where}: 'answers' must be two signs")
        first, second = (_sign(text, where, by_id) for text in raw)
        if first.question == second.question:
            raise QuestionnaireError(f"{where}: the two answers must be to different questions")
        if RED_FLAGS in (first.question, second.question):
            # A warning sign is never refused: the most serious reading always wins.
            raise QuestionnaireError(f"{where}: a warning sign is never refused")
        found.append(
            Contradiction(
                id=rule_id,
                signs=(first, second),
                message=_text(entry, "message", where),
                source=_text(entry, "source", where),
            )
        )
    _check_unique("contradiction", [rule.id for rule in found])
    return tuple(found)


def _advice(data: Mapping[str, Any]) -> Advice:
    where = "advice"
    consider = tuple(
        Consider(
            id=_text(entry, "id", where),
            text=_text(entry, "text", where),
            source=_text(entry, "source", where),
        )
        for entry in _table_list(data, "consider")
    )
    _check_unique("advice.consider", [entry.id for entry in consider])
    fields = [name for name in Advice._fields if name != "consider"]
    return Advice(**{name: _text(data, name, where) for name in fields}, consider=consider)


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
