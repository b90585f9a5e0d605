"""The adapted Naranjo scale: how strongly the answers link the rash to dupilumab.

Naranjo CA et al., Clin Pharmacol Ther 1981;30:239-245. Each item's points live on the options of
the question that answers it (questionnaire.toml); items nobody can answer by questionnaire score 0
as "don't know", as the published scale does for unknowns.
"""

from __future__ import annotations

import functools

from dupi_triage.answers import Answers, AnswerValue
from dupi_triage.questionnaire import DrugLinkItem, Question, Questionnaire
from dupi_triage.scoring.model import DrugLink, DrugLinkItemResult


def score_drug_link(questionnaire: Questionnaire, answers: Answers) -> DrugLink:
    by_item = _questions_by_item(questionnaire)
    items = tuple(
        item_result(item, question, None if question is None else answers.get(question.id))
        for item in questionnaire.drug_link.items
        for question in (by_item.get(item.id),)
    )
    score = sum(result.points for result in items)
    return DrugLink(score=score, category=questionnaire.drug_link.category(score), items=items)


@functools.cache
def _questions_by_item(questionnaire: Questionnaire) -> dict[str, Question]:
    return {q.drug_link_item: q for q in questionnaire if q.drug_link_item is not None}


@functools.lru_cache(maxsize=1024)
def item_result(
    item: DrugLinkItem, question: Question | None, answer: AnswerValue | None
) -> DrugLinkItemResult:
    """One item's points and reason from the answer to the question that answers it."""
    if question is None:
        return DrugLinkItemResult(
            number=item.number,
            item=item.id,
            text=item.text,
            question=None,
            answer=None,
            decisive=(),
            points=0,
            reason=f"{item.unanswerable or 'Not asked.'} Scored 0 as don't know.",
        )
    points, decisive = _item_points(question, answer)
    if decisive:
        labels = "; ".join(question.option(option_id).label for option_id in decisive)
        reason = f"You answered: {labels}."
    else:
        reason = "Not answered. Scored 0 as don't know."
    return DrugLinkItemResult(
        number=item.number,
        item=item.id,
        text=item.text,
        question=question.id,
        answer=answer,
        decisive=decisive,
        points=points,
        reason=reason,
    )


def _item_points(question: Question, answer: AnswerValue | None) -> tuple[int, tuple[str, ...]]:
    """Points for one item, and the chosen options that decided them.

    A multi-choice question answers a yes/no item: "max" means any option carrying the item's
    points is enough (a reported reaction type); "min" means any option with a negative score
    decides (one alternative cause is enough).
    """
    if answer is None or isinstance(answer, int):
        return 0, ()
    chosen = (answer,) if isinstance(answer, str) else answer
    points_by_option = {option_id: question.option(option_id).points or 0 for option_id in chosen}
    pick = min if question.combine == "min" else max
    points = pick(points_by_option.values())
    decisive = tuple(option_id for option_id, p in points_by_option.items() if p == points)
    return points, decisive
