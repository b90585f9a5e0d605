"""Which picture the answers are most consistent with.

Each pattern lists key signs and supporting signs (questionnaire.toml, with sources). A pattern is
a candidate only when a key sign is present. Each question counts once, at its strongest sign: a key
sign 2 points, a supporting sign 1. The candidate with the most points wins; a tie goes to the
pattern listed first, and patterns are listed most time-sensitive first. No candidate: `unclear`.
"""

from __future__ import annotations

import functools

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import Evidence, PatternResult

KEY_POINTS = 2
SUPPORT_POINTS = 1


def match_pattern(questionnaire: Questionnaire, answers: Answers) -> PatternResult:
    return _match(questionnaire, answers.pairs & questionnaire.pattern_signs)


@functools.lru_cache(maxsize=4096)
def _match(questionnaire: Questionnaire, present: frozenset[tuple[str, str]]) -> PatternResult:
    """The pattern depends only on which pattern signs are present: computed once per set."""
    candidates: list[tuple[int, int, str, tuple[Evidence, ...]]] = []
    for order, pattern in enumerate(questionnaire.patterns):
        if present.isdisjoint(pattern.key):
            continue
        evidence = _evidence(questionnaire, order, present.intersection(pattern.signs))
        candidates.append((sum(item.points for item in evidence), -order, pattern.id, evidence))
    if not candidates:
        return PatternResult(questionnaire.unclear.id, 0, (), ())
    candidates.sort(key=lambda candidate: (candidate[0], candidate[1]), reverse=True)
    points, _, best, evidence = candidates[0]
    others = tuple(candidate[2] for candidate in candidates[1:])
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
