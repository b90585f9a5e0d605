"""The JSON result: the contract for scripts. Keys may be added, never renamed or removed.

`assessment_to_dict` is the one definition of the full result (`--format json`). Batch scoring
writes, per row, the keys the spec's contract names (`contract_subset`) as one compact line,
assembled from cached pieces: the parts of a result (a drug-link item, a contribution, an answer)
repeat across thousands of rows, so each is encoded once.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from dupi_triage import __version__
from dupi_triage.answers import AnswerValue
from dupi_triage.migrations import VERSION_KEY
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import (
    Assessment,
    Contribution,
    DrugLinkItemResult,
    Evidence,
    LevelReason,
)

TOOL = "dupi-triage"


def _plain(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"question": e.question, "answer": e.answer, "key": e.key, "points": e.points}


def _item(item: DrugLinkItemResult) -> dict[str, Any]:
    return {
        "item": item.item,
        "number": item.number,
        "question": item.question,
        "answer": _plain(item.answer),
        "points": item.points,
        "reason": item.reason,
    }


def _level_reason(r: LevelReason) -> dict[str, Any]:
    return {
        "level": r.level.value,
        "question": r.question,
        "answer": _plain(r.answer),
        "reason": r.reason,
    }


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "question": c.question,
        "answer": _plain(c.answer),
        "effect": c.effect,
        "points": c.points,
        "reason": c.reason,
        "source": c.source,
    }


def assessment_to_dict(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    result = _assessment_to_dict(questionnaire, assessment)
    if assessment.diary is not None:
        from dupi_triage.diary.report import report_to_json

        result["diary"] = report_to_json(assessment.diary)
    return result


def _assessment_to_dict(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    return {
        "tool": TOOL,
        "version": __version__,
        "questionnaire_version": questionnaire.version,
        "level": assessment.level.value,
        "action": assessment.action,
        "pattern": assessment.pattern.id,
        "pattern_support": [_evidence(e) for e in assessment.pattern.evidence],
        "also_consistent_with": list(assessment.pattern.also_consistent_with),
        "drug_link": {
            "score": assessment.drug_link.score,
            "category": assessment.drug_link.category,
            "items": [_item(item) for item in assessment.drug_link.items],
            # Worded for who answered: a clinician's answers are not a self-report.
            "note": questionnaire.worded_for(assessment.answers.values).wording.drug_link_note,
            # The other cause ("an infection") that held the band at 'possible', or null.
            "capped_by": assessment.drug_link.capped or None,
        },
        "risk": {
            "band": assessment.risk.band,
            "factors": [factor.id for factor in assessment.risk.factors],
            "answered": assessment.risk.answered,
        },
        "red_flags": list(assessment.red_flags),
        "red_flags_screened": assessment.red_flags_screened,
        "level_reasons": [_level_reason(r) for r in assessment.level_reasons],
        "contributions": [_contribution(c) for c in assessment.contributions],
        "advice": list(assessment.advice),
        "tell_your_prescriber": list(assessment.tell_your_prescriber),
        "answers": _answers(questionnaire, assessment),
        "missing": list(assessment.missing),
        "contradictions": [
            _contradiction(questionnaire, assessment, c) for c in assessment.contradictions
        ],
        "disclaimer": questionnaire.wording.disclaimer,
    }


def _contradiction(
    questionnaire: Questionnaire, assessment: Assessment, rule_id: str
) -> dict[str, Any]:
    """Two answers that cannot both be true, kept as given (saved under an older version)."""
    rule = next(c for c in questionnaire.contradictions if c.id == rule_id)
    answers = assessment.answers
    return {
        "id": rule.id,
        "answers": {sign.question: _plain(answers.get(sign.question)) for sign in rule.signs},
        "message": rule.message,
    }


def render(questionnaire: Questionnaire, assessment: Assessment) -> str:
    return (
        json.dumps(assessment_to_dict(questionnaire, assessment), indent=2, ensure_ascii=False)
        + "\n"
    )


# --- the contract's keys, as one compact line --------------------------------------------------

CONTRACT_ITEM_KEYS = ("item", "points", "reason")
CONTRACT_CONTRIBUTION_KEYS = ("question", "answer", "effect", "reason")


def _answers(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    """The answers as an answers file holds them: with the older version they were saved under,
    if any, so that reading this result again scores them as they were (never lower)."""
    answers = assessment.answers.to_json(questionnaire)
    saved_under = assessment.answers.saved_under
    return {VERSION_KEY: saved_under, **answers} if saved_under else answers


def contract_subset(result: dict[str, Any]) -> dict[str, Any]:
    """The keys the JSON contract names (spec, "JSON output contract"), from a full result."""
    drug_link = result["drug_link"]
    return {
        **{
            key: result[key]
            for key in ("tool", "version", "questionnaire_version", "level", "pattern")
        },
        "drug_link": {
            "score": drug_link["score"],
            "category": drug_link["category"],
            "items": [{k: item[k] for k in CONTRACT_ITEM_KEYS} for item in drug_link["items"]],
        },
        "risk": {"band": result["risk"]["band"], "factors": result["risk"]["factors"]},
        "red_flags": result["red_flags"],
        "red_flags_screened": result["red_flags_screened"],
        "contributions": [
            {k: c[k] for k in CONTRACT_CONTRIBUTION_KEYS} for c in result["contributions"]
        ],
        **{key: result[key] for key in ("advice", "tell_your_prescriber", "answers", "missing")},
    }


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@functools.lru_cache(maxsize=8192)
def _cached(kind: str, value: Any) -> str:
    return _encode(_ENCODERS[kind](value))


_ENCODERS: dict[str, Any] = {
    "item": lambda item: {k: v for k, v in _item(item).items() if k in CONTRACT_ITEM_KEYS},
    "contribution": lambda c: {
        k: v for k, v in _contribution(c).items() if k in CONTRACT_CONTRIBUTION_KEYS
    },
    "string": lambda value: value,
    "answer": lambda pair: {pair[0]: _plain(pair[1])},
}


def _array(kind: str, values: Any) -> str:
    return "[" + ",".join([_cached(kind, value) for value in values]) + "]"


@functools.lru_cache(maxsize=4)
def _head(questionnaire: Questionnaire) -> str:
    return _encode(
        {"tool": TOOL, "version": __version__, "questionnaire_version": questionnaire.version}
    )[1:-1]


def contract_line(questionnaire: Questionnaire, assessment: Assessment, prefix: str = "") -> str:
    """contract_subset(assessment_to_dict(...)) as one line, from cached pieces (batch).

    `prefix` adds leading members, such as the row number.
    """
    a = assessment
    pieces = [_cached("answer", pair)[1:-1] for pair in a.answers.in_order(questionnaire)]
    if a.answers.saved_under:
        pieces.insert(0, _encode({VERSION_KEY: a.answers.saved_under})[1:-1])
    answers = ",".join(pieces)
    return "".join(
        [
            "{",
            prefix,
            _head(questionnaire),
            ',"level":"',
            a.level.value,
            '","pattern":"',
            a.pattern.id,
            '","drug_link":{"score":',
            str(a.drug_link.score),
            ',"category":"',
            a.drug_link.category,
            '","items":',
            _array("item", a.drug_link.items),
            '},"risk":{"band":"',
            a.risk.band,
            '","factors":',
            _array("string", [factor.id for factor in a.risk.factors]),
            '},"red_flags":',
            _array("string", a.red_flags),
            ',"red_flags_screened":',
            "true" if a.red_flags_screened else "false",
            ',"contributions":',
            _array("contribution", a.contributions),
            ',"advice":',
            _array("string", a.advice),
            ',"tell_your_prescriber":',
            _array("string", a.tell_your_prescriber),
            ',"answers":{',
            answers,
            '},"missing":',
            _array("string", a.missing),
            "}",
        ]
    )
