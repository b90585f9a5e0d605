"""The adapted Naranjo scale: what the answers score on a scale of how strongly a reaction is linked
to a medicine. It is a guide for the conversation, never a finding that the link exists.

Naranjo CA et al., Clin Pharmacol Ther 1981;30:239-245. Each item's points live on the options of
the question that answers it (questionnaire.toml); items nobody can answer by questionnaire score 0
as "don't know", as the published scale does for unknowns. Two items read more than one answer
(spec, `drug_link` items 1 and 5):
- item 1 (earlier reports of this reaction): +1 only when the leading pattern is one reported with
  dupilumab and the answers do not also fit an infection;
- item 5 (another cause): the person's own eczema explains a rash like typical eczema only in the
  usual eczema areas, and an infection the answers fit explains it too: either scores -1, so
  "nothing else changed" does not earn +2.
When the answers fit an infection, another medicine or an allergen, the band is at most
'possible' (spec: no such result shows 'probable' or 'definite'); the score is shown as it is.
"""

from __future__ import annotations

from dupi_triage.answers import Answers, AnswerValue, condition_state
from dupi_triage.questionnaire import DrugLinkItem, Question, Questionnaire
from dupi_triage.scoring.causes import fits_infection, fits_infection_picture, other_cause
from dupi_triage.scoring.model import DrugLink, DrugLinkItemResult, PatternResult
from dupi_triage.scoring.pattern import ORDINARY_FLARE, pattern_applies

KNOWN_REACTION = "known_reaction"
ALTERNATIVE_CAUSES = "alternative_causes"
#: The highest band shown when the answers fit another cause.
CAPPED_BAND = "possible"
SPEC_ITEM_1 = (
    "SPEC, drug_link item 1: +1 only when the leading pattern is reported with dupilumab and "
    "the answers do not also fit an infection."
)
SPEC_ITEM_5 = (
    "NARANJO item 5 (other causes that could on their own explain the reaction: yes -1). "
    "SPEC, drug_link item 5: an infection the answers fit is such a cause."
)


def score_drug_link(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult | None = None
) -> DrugLink:
    pattern = pattern or PatternResult(questionnaire.unclear.id, 0, (), ())
    by_item = {q.drug_link_item: q for q in questionnaire if q.drug_link_item is not None}
    items = []
    for item in questionnaire.drug_link.items:
        question = by_item.get(item.id)
        result = item_result(item, question, answers)
        if item.from_pattern:
            result = _reported_pattern(questionnaire, result, answers, pattern)
        elif item.id == ALTERNATIVE_CAUSES:
            result = _own_eczema(questionnaire, result, answers)
            result = _infection_explains(result, answers, pattern)
        items.append(result)
    score = sum(result.points for result in items)
    category = questionnaire.drug_link.category(score)
    capped = ""
    cause = other_cause(answers, pattern)
    ranks = [name for name, _ in questionnaire.drug_link.categories]
    if cause is not None and ranks.index(category) < ranks.index(CAPPED_BAND):
        category, capped = CAPPED_BAND, cause.words
    return DrugLink(score=score, category=category, items=tuple(items), capped=capped)


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
    questionnaire: Questionnaire,
    result: DrugLinkItemResult,
    answers: Answers,
    pattern: PatternResult,
) -> DrugLinkItemResult:
    """Item 1 from the leading pattern: reported with dupilumab, and no infection fits."""
    leading = questionnaire.pattern(pattern.id)
    if result.answer is None and not pattern.evidence:
        return result  # nothing answered that shows a picture: "don't know", 0
    if fits_infection(answers, pattern):
        return result._replace(
            points=0,
            reason="The answers also fit an infection, which comes first: not counted as a "
            "reaction reported with dupilumab.",
            shown="the answers also fit an infection",
            source=SPEC_ITEM_1,
        )
    if leading.reported:
        return result._replace(
            points=1,
            reason=f"The answers fit {leading.label}, a reaction reported with dupilumab.",
            shown=f"fits {leading.label}",
            source=leading.source,
        )
    return result._replace(
        points=0,
        reason=f"The answers fit {leading.label}, not a reaction reported with dupilumab.",
        shown=f"fits {leading.label}",
        source=SPEC_ITEM_1,
    )


def _infection_explains(
    result: DrugLinkItemResult, answers: Answers, pattern: PatternResult
) -> DrugLinkItemResult:
    """An infection the rash itself fits could explain it on its own: -1, whatever was ticked."""
    if result.points < 0 or not fits_infection_picture(answers, pattern):
        return result
    return result._replace(
        points=-1,
        reason="The answers fit an infection, which could explain the rash on its own.",
        shown="an infection could explain it",
        source=SPEC_ITEM_5,
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


def score_before_2_2(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> int:
    """The score as questionnaire 2.1 and earlier counted items 1 and 5, for answers saved then
    (they never score lower: migrations.py). Item 1 was +1 for a reported look or any fitting
    drug-reaction pattern; item 5 knew no infection rule."""
    from dupi_triage.migrations import LOOKS_REPORTED_BEFORE_2_2

    items = {item.item: item for item in drug_link.items}
    patterns = (pattern.id, *pattern.also_consistent_with)
    old_item_1 = int(
        any(answers.has("look", look) for look in LOOKS_REPORTED_BEFORE_2_2)
        or any(questionnaire.pattern(p).drug_reaction for p in patterns)
    )
    by_item = {q.drug_link_item: q for q in questionnaire if q.drug_link_item is not None}
    scale = {item.id: item for item in questionnaire.drug_link.items}
    base = item_result(scale[ALTERNATIVE_CAUSES], by_item.get(ALTERNATIVE_CAUSES), answers)
    old_item_5 = _own_eczema(questionnaire, base, answers).points
    new = items[KNOWN_REACTION].points + items[ALTERNATIVE_CAUSES].points
    return drug_link.score - new + old_item_1 + old_item_5
