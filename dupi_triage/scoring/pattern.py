"""Which picture the answers are most consistent with.

Each pattern lists key signs and supporting signs (questionnaire.toml, with sources). A pattern is
a candidate only when a key sign is present. Each question counts once, at its strongest sign: a key
sign 2 points, a supporting sign 1. A candidate whose key sign is a warning sign (a red flag such as
spreading infection or eye pain) comes first, so an ordinary-looking rash never hides it; then the
most points win; a tie goes to the pattern listed first, and patterns are listed most
time-sensitive first. No candidate: `unclear`.

A warning sign that belongs to no pattern (a severe allergic reaction, fever or feeling very
unwell, sores or peeling skin) means the rash is part of something bigger than any skin picture
here: the pattern is then `unclear`, with the skin pictures listed as also consistent, so no
reassuring label or advice sits beside an emergency.
"""

from __future__ import annotations

import functools

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import RED_FLAGS, Questionnaire
from dupi_triage.scoring.model import Evidence, PatternResult

KEY_POINTS = 2
SUPPORT_POINTS = 1


def match_pattern(questionnaire: Questionnaire, answers: Answers) -> PatternResult:
    systemic = any(
        flag != "none" and (RED_FLAGS, flag) not in questionnaire.key_signs
        for flag in answers.choices(RED_FLAGS)
    )
    return _match(questionnaire, answers.pairs & questionnaire.pattern_signs, systemic)


@functools.lru_cache(maxsize=4096)
def _match(
    questionnaire: Questionnaire, present: frozenset[tuple[str, str]], systemic: bool
) -> PatternResult:
    """The pattern depends only on which signs are present: computed once per set."""
    candidates: list[tuple[bool, int, int, str, tuple[Evidence, ...]]] = []
    for order, pattern in enumerate(questionnaire.patterns):
        if present.isdisjoint(pattern.key):
            continue
        evidence = _evidence(questionnaire, order, present.intersection(pattern.signs))
        warning = any(item.key and item.question == RED_FLAGS for item in evidence)
        points = sum(item.points for item in evidence)
        candidates.append((warning, points, -order, pattern.id, evidence))
    if not candidates:
        return PatternResult(questionnaire.unclear.id, 0, (), ())
    candidates.sort(key=lambda candidate: candidate[:3], reverse=True)
    warning, points, _, best, evidence = candidates[0]
    if systemic and not warning:
        others = tuple(candidate[3] for candidate in candidates)
        return PatternResult(questionnaire.unclear.id, 0, (), others)
    others = tuple(candidate[3] for candidate in candidates[1:])
    return PatternResult(best, points, evidence, others)


@functools.lru_cache(maxsize=4096)
def _evidence(
    questionnaire: Questionnaire, order: int, present: frozenset[tuple[str, str]]
) -> tuple[Evidence, ...]:
    pattern = questionnaire.patterns[order]
    signs = [(sign, True) for sign in pattern.key] + [(sign, False) for sign in pattern.support]
    found: list[Evidence] = []
    counted: set[str] = set()
    for sign, key in signs:
        if (sign.question, sign.option) not in present:
            continue
        points = 0 if sign.question in counted else (KEY_POINTS if key else SUPPORT_POINTS)
        counted.add(sign.question)
        found.append(Evidence(sign.question, sign.option, key, points))
    return tuple(found)
