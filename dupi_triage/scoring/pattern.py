"""Which picture the answers are most consistent with.

Each pattern lists key entries and supporting signs (questionnaire.toml, with sources). A pattern is
a candidate only when a key entry holds: one sign, or several signs together (dupilumab facial
redness can look like typical eczema: a face or neck rash in new places that began on dupilumab).
Each question counts once, at its strongest sign: a key sign 2 points, a supporting sign 1.

Ranking: a candidate whose key sign is a warning sign (spreading infection, eye pain) comes first,
so an ordinary-looking rash never hides it; an ordinary eczema flare comes last, because it is
what is left when nothing else fits (the article: report new rashes rather than assume they are
"just eczema"); between, the most points win, and a tie goes to the pattern listed first.

A warning sign that belongs to no pattern (a severe allergic reaction, sepsis signs, sores or
peeling, a serum-sickness-like reaction...) means the rash is part of something bigger than any
skin picture here: the pattern is then `unclear`, with the skin pictures listed as also
consistent, so no reassuring label or advice sits beside it.
"""

from __future__ import annotations

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import RED_FLAGS, Clause, Pattern, Questionnaire
from dupi_triage.scoring.model import Evidence, PatternResult

KEY_POINTS = 2
SUPPORT_POINTS = 1
ORDINARY_FLARE = "eczema_flare"


def clause_holds(clause: Clause, answers: Answers) -> bool:
    return all(sign.holds(answers.pairs) for sign in clause)


def pattern_applies(pattern: Pattern, answers: Answers) -> bool:
    """An ordinary eczema flare only when dupilumab is for eczema (or that was not said)."""
    return pattern.when is None or pattern.when.state(answers.values) is not False


def match_pattern(
    questionnaire: Questionnaire, answers: Answers, warning_signs: tuple[str, ...] = ()
) -> PatternResult:
    """`warning_signs`: every warning sign present, reported or described by other answers."""
    candidates: list[tuple[bool, bool, int, int, str, tuple[Evidence, ...]]] = []
    for order, pattern in enumerate(questionnaire.patterns):
        if not pattern_applies(pattern, answers):
            continue
        keys = [clause for clause in pattern.key if clause_holds(clause, answers)]
        if not keys:
            continue
        evidence = _evidence(pattern, keys, answers)
        warning = any(item.key and item.question == RED_FLAGS for item in evidence)
        points = sum(item.points for item in evidence)
        ordinary = pattern.id != ORDINARY_FLARE
        candidates.append((warning, ordinary, points, -order, pattern.id, evidence))
    if not candidates:
        return PatternResult(questionnaire.unclear.id, 0, (), ())
    candidates.sort(key=lambda candidate: candidate[:4], reverse=True)
    warning, _, points, _, best, evidence = candidates[0]
    systemic = any(sign not in questionnaire.pattern_red_flags for sign in warning_signs)
    if systemic and not warning:
        others = tuple(candidate[4] for candidate in candidates)
        return PatternResult(questionnaire.unclear.id, 0, (), others)
    others = tuple(candidate[4] for candidate in candidates[1:])
    return PatternResult(best, points, evidence, others)


def _evidence(pattern: Pattern, keys: list[Clause], answers: Answers) -> tuple[Evidence, ...]:
    """The answers behind a pattern. A key entry earns its points once, however many signs it
    joins; every question it uses is then counted, so its signs add nothing as support."""
    found: list[Evidence] = []
    counted: set[str] = set()
    signs = [(sign, True, index == 0) for clause in keys for index, sign in enumerate(clause)]
    signs += [(sign, False, True) for sign in pattern.support]
    for sign, key, scores in signs:
        for option in sign.chosen(answers.pairs):
            if any(e.question == sign.question and e.answer == option for e in found):
                continue
            points = KEY_POINTS if key else SUPPORT_POINTS
            if sign.question in counted or not scores:
                points = 0
            counted.add(sign.question)
            found.append(Evidence(sign.question, option, key, points))
    return tuple(found)
