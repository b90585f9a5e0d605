"""The adapted Naranjo scale: what the answers score on a scale of how strongly a reaction is linked
to a medicine. It is a guide for the conversation, never a finding that the link exists.

Naranjo CA et al., Clin Pharmacol Ther 1981;30:239-245. Each item's points live on the options of
the question that answers it (questionnaire.toml); items nobody can answer by questionnaire score 0
as "don't know", as the published scale does for unknowns. Two items read more than one answer:
- item 1 (earlier reports of this reaction): a reaction the article names (the pattern, when it is
  a drug-reaction pattern) counts as reported, even when the look alone does not say so;
- item 5 (another cause): a rash that looks like typical eczema only in the usual eczema areas has
  a cause of its own, the person's eczema, so "nothing else changed" does not earn +2.
"""

from __future__ import annotations

from dupi_triage.answers import Answers, AnswerValue, condition_state
from dupi_triage.questionnaire import DrugLinkItem, Question, Questionnaire
from dupi_triage.scoring.model import DrugLink, DrugLinkItemResult, PatternResult
from dupi_triage.scoring.pattern import ORDINARY_FLARE, pattern_applies

KNOWN_REACTION = "known_reaction"
ALTERNATIVE_CAUSES = "alternative_causes"


def score_drug_link(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult | None = None
) -> DrugLink:
    by_item = {q.drug_link_item: q for q in questionnaire if q.drug_link_item is not None}
    items = []
    for item in questionnaire.drug_link.items:
        question = by_item.get(item.id)
        result = item_result(item, question, answers)
        if item.id == KNOWN_REACTION and pattern is not None:
            result = _reported_pattern(questionnaire, result, pattern)
        elif item.id == ALTERNATIVE_CAUSES:
            result = _own_eczema(questionnaire, result, answers)
        items.append(result)
    score = sum(result.points for result in items)
    category = questionnaire.drug_link.category(score)
    return DrugLink(score=score, category=category, items=tuple(items))


def item_result(
    item: DrugLinkItem, question: Question | None, answers: Answers
) -> DrugLinkItemResult:
    """One item's points and reason from the answer to the question that answers it."""
    base = DrugLinkItemResult(
        number=item.number,
        item=item.id,
        text=item.text,
        question=None if question is None else question.id,
        answer=None,
        decisive=(),
        points=0,
        reason="",
    )
    if question is None:
        reason = f"{item.unanswerable or 'Not asked.'} Scored 0 as don't know."
        return base._replace(reason=reason)
    answer = answers.get(question.id)
    if answer is None and condition_state(question, answers) is False:
        assert question.when is not None
        return base._replace(
            reason="Not applicable: no dose was paused. Scored 0."
            if question.when.questions == ("dose_paused",)
            else "Not applicable to these answers. Scored 0.",
            shown="not applicable",
            applicable=False,
        )
    points, decisive = _item_points(question, answer)
    if decisive:
        labels = "; ".join(question.option(option_id).label for option_id in decisive)
        reason = f"Answered: {labels}."
    else:
        reason = "Not answered. Scored 0 as don't know."
    return base._replace(answer=answer, decisive=decisive, points=points, reason=reason)


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


def _reported_pattern(
    questionnaire: Questionnaire, result: DrugLinkItemResult, pattern: PatternResult
) -> DrugLinkItemResult:
    if result.points >= 1:
        return result
    reported = [
        p
        for p in (pattern.id, *pattern.also_consistent_with)
        if questionnaire.pattern(p).drug_reaction
    ]
    if not reported:
        return result
    label = questionnaire.pattern(reported[0]).label
    return result._replace(
        points=1,
        reason=f"The answers fit {label}, a reaction reported with dupilumab.",
        shown=f"fits {label}",
        source=questionnaire.pattern(reported[0]).source,
    )


def _own_eczema(
    questionnaire: Questionnaire, result: DrugLinkItemResult, answers: Answers
) -> DrugLinkItemResult:
    """Typical eczema, only in the usual eczema areas: the eczema itself could explain it."""
    if not pattern_applies(questionnaire.pattern(ORDINARY_FLARE), answers):
        return result  # dupilumab is not for eczema here: no "usual eczema" to blame
    look, location = questionnaire.drug_link.own_eczema
    if not (
        answers.choices(look.question) == look.options
        and answers.choices(location.question) == location.options
    ):
        return result
    if result.points < 0:
        return result  # another cause was named: already -1
    return result._replace(
        points=-1,
        reason="The rash looks like typical eczema, only in the usual eczema areas: the eczema "
        "itself could explain it.",
        shown="the usual eczema could explain it",
        source=questionnaire.drug_link.own_eczema_source,
    )
