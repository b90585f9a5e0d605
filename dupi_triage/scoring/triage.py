"""How soon to contact the prescriber: the spec's triage policy, one small rule per reason.

Warning signs decide first (emergency, then urgent), whether reported in `red_flags` or described
by other answers (many pus spots over much of the body is `widespread_pustules`). Then each rule
below may raise the level to at least its own; nothing lowers a level, and the drug-link score
alone never raises one (the scale is not validated for self-report).

Each rule's level, summary and source are data (questionnaire.toml, `level_rules`): a rule that one
set of answers decides is data whole (its signs and reason); any other has its function in RULES,
under the same id. The README's table "How the level is decided" is generated from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import RED_FLAGS, LevelRule, Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.scoring.causes import bacterial_signs
from dupi_triage.scoring.model import (
    DrugLink,
    LevelReason,
    PatternResult,
    TriageLevel,
    WarningSignFound,
)
from dupi_triage.scoring.pattern import clause_holds

INFECTION = "possible_infection"
CONJUNCTIVITIS = "conjunctivitis"
SEVERE_ITCH = 7
VERY_SEVERE_ITCH = 9
UNCONTROLLED = frozenset({"no", "partly"})
AFTER_STARTING = frozenset({"within_4_weeks", "1_to_4_months", "after_4_months"})
MONTHS_ON_TREATMENT = frozenset({"4_to_12_months", "over_12_months"})
NOT_BETTER = frozenset({"same", "worse"})
SEVERE_NIGHTS = 5  # spec, `about`: 5 or more nights woken by itch counts as impact severe
PEMPHIGOID = "pemphigoid"


class Context(NamedTuple):
    """What the rules look at."""

    questionnaire: Questionnaire
    answers: Answers
    pattern: PatternResult
    drug_link: DrugLink
    warning_signs: tuple[WarningSignFound, ...]


Rule = Callable[[Context, LevelRule], Iterator[LevelReason]]


def warning_signs(questionnaire: Questionnaire, answers: Answers) -> tuple[WarningSignFound, ...]:
    """Every warning sign present: reported, then described by answers elsewhere."""
    found = []
    for option in questionnaire.red_flag_options:
        reported = answers.has(RED_FLAGS, option.id)
        described = next(
            (clause for clause in option.described_by if clause_holds(clause, answers)), None
        )
        if not reported and described is None:
            continue
        pairs: tuple[tuple[str, str], ...] = ()
        if not reported and described is not None:
            pairs = tuple(
                (sign.question, chosen)
                for sign in described
                for chosen in sign.chosen(answers.pairs)
            )
        assert option.red_flag is not None
        found.append(
            WarningSignFound(
                option.id,
                TriageLevel(option.red_flag),
                option.hold_next_dose,
                option.first_aid,
                pairs,
            )
        )
    return tuple(found)


def _reason(rule: LevelRule, question: str, answer: object, reason: str) -> LevelReason:
    return LevelReason(TriageLevel(rule.level), question, answer, reason, rule.source)  # type: ignore[arg-type]


def red_flag_reasons(context: Context) -> Iterator[LevelReason]:
    question = context.questionnaire.question(RED_FLAGS)
    for sign in context.warning_signs:
        if sign.described_by:
            continue
        option = question.option(sign.id)
        yield LevelReason(
            sign.level,
            RED_FLAGS,
            sign.id,
            f"Warning sign: {option.label}. {option.help}",
            option.source or question.red_flag_source or "",
        )


def warning_sign_described(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    question = context.questionnaire.question(RED_FLAGS)
    for sign in context.warning_signs:
        if not sign.described_by:
            continue
        option = question.option(sign.id)
        first_question, _ = sign.described_by[0]
        answers = tuple(answer for _, answer in sign.described_by)
        words = "; ".join(
            context.questionnaire.question(q).option(a).label for q, a in sign.described_by
        )
        yield LevelReason(
            sign.level,
            first_question,
            answers if len(answers) > 1 else answers[0],
            # The sign's label, not its help: the answers that describe it are the explanation.
            f"These answers count as a warning sign ({words}): {option.label}.",
            f"{rule.source} {option.source or ''}".strip(),
        )


def not_screened(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    if RED_FLAGS not in context.answers:
        yield _reason(
            rule,
            RED_FLAGS,
            None,
            "Warning signs were not checked, so an urgent problem cannot be ruled out.",
        )


def _itch(context: Context) -> int | None:
    itch = context.answers.get("itch")
    return itch if isinstance(itch, int) else None


def very_severe_itch(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    itch = _itch(context)
    if itch is not None and itch >= VERY_SEVERE_ITCH:
        yield _reason(rule, "itch", itch, f"Itch of {itch} out of 10 is very severe.")


def severe_itch_uncontrolled(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    itch = _itch(context)
    if itch is None or not SEVERE_ITCH <= itch < VERY_SEVERE_ITCH:
        return
    if context.answers.has("impact", "severe"):
        yield _reason(
            rule, "itch", itch, f"Itch of {itch} out of 10 that badly affects sleep or daily life."
        )
    elif (treatment := context.answers.get("usual_treatment_helps")) in UNCONTROLLED:
        yield _reason(
            rule,
            "itch",
            itch,
            f"Itch of {itch} out of 10 that {_treatments(context)} do not control"
            f" ({'they help only a bit' if treatment == 'partly' else 'they do not help'}).",
        )


def _treatments(context: Context) -> str:
    """ "the usual treatments" for eczema; "skin treatments" for another indication (data)."""
    return context.questionnaire.words.get("the_treatments", "the usual treatments")


def severe_impact(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    if context.answers.has("impact", "severe"):
        yield _reason(rule, "impact", "severe", "The rash badly affects sleep or daily life.")
    nights = context.answers.get("nights_woken_by_itch")
    if isinstance(nights, int) and nights >= SEVERE_NIGHTS:
        yield _reason(
            rule,
            "nights_woken_by_itch",
            nights,
            f"Woken by itch on {nights} of the last 7 nights: a severe effect on sleep.",
        )


def _fitting(context: Context, wanted: Callable[[str], bool]) -> tuple[str, str] | None:
    """The first of the pattern and its alternatives that `wanted` accepts, and "fit"/"also fit"."""
    pattern = context.pattern
    for pattern_id in (pattern.id, *pattern.also_consistent_with):
        if wanted(pattern_id):
            return pattern_id, "fit" if pattern_id == pattern.id else "also fit"
    return None


def uncontrolled_drug_reaction(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    """A drug-reaction picture, even beside another one: a mixed rash is no reason to wait."""
    treatment = context.answers.get("usual_treatment_helps")
    drug_link = context.drug_link
    if treatment not in UNCONTROLLED or drug_link.score < 1:
        return
    questionnaire = context.questionnaire
    fit = _fitting(context, lambda p: questionnaire.pattern(p).drug_reaction)
    if fit is None:
        return
    label = questionnaire.pattern(fit[0]).label
    yield _reason(
        rule,
        "usual_treatment_helps",
        treatment,
        f"The answers {fit[1]} {label}, some answers point to dupilumab ({drug_link.score} on "
        f"the adapted drug-link scale, for the prescriber to weigh), and "
        f"{_not_controlled(context, treatment)}.",
    )


def _not_controlled(context: Context, treatment: object) -> str:
    """What the person said of their treatments, not more: "help only a bit" is not "no help"."""
    if treatment == "partly":
        return f"{_treatments(context)} help only a bit"
    return f"{_treatments(context)} do not help"


def new_rash_not_helped(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    """Beyond the letter of the spec: a rash whose start is not known counts as new too."""
    if context.answers.get("usual_treatment_helps") != "no":
        return
    onset = context.answers.get("onset")
    if onset == "before_starting":
        return
    when = (
        "began after starting dupilumab"
        if onset in AFTER_STARTING
        else "may have begun after starting dupilumab"
    )
    yield _reason(
        rule,
        "usual_treatment_helps",
        "no",
        f"The rash {when}, and {_treatments(context)} do not help it.",
    )


def possible_infection(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    fit = _fitting(context, lambda p: p == INFECTION)
    crusts = context.answers.has("look", "weeping_crusts")
    if fit is None and not crusts:
        return
    question, answer = ("look", "weeping_crusts") if crusts else _infection_sign(context)
    fits = "fit" if fit is None else fit[1]
    # Antibiotics only where the signs are of bacteria; never beside a viral picture alone.
    treatment = (
        "its own treatment (such as antibiotics)"
        if bacterial_signs(context.answers, context.pattern)
        else "its own treatment"
    )
    yield _reason(
        rule,
        question,
        answer,
        f"The answers {fits} a possible infection, which may need {treatment} rather than more "
        f"of {_treatments(context)}.",
    )


def _infection_sign(context: Context) -> tuple[str, str]:
    pattern = context.questionnaire.pattern(INFECTION)
    for clause in pattern.key:
        for sign in clause:
            for chosen in sign.chosen(context.answers.pairs):
                return sign.question, chosen
    return "look", "weeping_crusts"


def _beside_an_emergency(context: Context) -> bool:
    """An emergency sign is present: no reason beside it says "checking today" (the action is
    to call now; spec: nothing beside an emergency that could read as time to wait)."""
    return any(sign.level is TriageLevel.EMERGENCY for sign in context.warning_signs)


def purple_spots(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    # Beside an emergency (the one they count as, or another), "checking today" would only
    # confuse.
    if context.answers.has("look", "purple_spots") and not _beside_an_emergency(context):
        yield _reason(
            rule,
            "look",
            "purple_spots",
            "Purple or dark red spots need checking today: they can be a sign of inflamed blood "
            "vessels, listed on the medicine's label. If they do not fade when a glass is pressed "
            "on them, it is an emergency.",
        )


def _blisters_count(context: Context) -> bool:
    """Blisters count; with pemphigoid, only new ones in new places or spreading ones."""
    answers = context.answers
    if not answers.has("look", "blisters"):
        return False
    if answers.get("indication") != PEMPHIGOID:
        return True
    return answers.has("location", "new_areas") or answers.has("location", "widespread")


def widespread_blisters(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    if _blisters_count(context) and context.answers.has("location", "widespread"):
        yield _reason(
            rule,
            "look",
            "blisters",
            "Blisters over much of the body need a clinician's look at once."
            if _beside_an_emergency(context)
            else "Blisters over much of the body need checking today.",
        )


def blisters(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    if not _blisters_count(context):
        return
    usual = context.answers.get("indication") == PEMPHIGOID
    yield _reason(
        rule,
        "look",
        "blisters",
        "New or spreading blisters, beyond the usual ones of pemphigoid, need a clinician's look."
        if usual
        else "Blisters need a clinician's look.",
    )


def _red_all_over(context: Context) -> bool:
    return any(sign.id == "red_all_over" for sign in context.warning_signs)


def painful_skin_widespread(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    answers = context.answers
    if not answers.has("other_symptoms", "skin_pain"):
        return
    if answers.has("location", "widespread") or _red_all_over(context):
        yield _reason(
            rule,
            "other_symptoms",
            "skin_pain",
            "Skin that hurts over much of the body can be an early sign of a severe reaction to "
            "a medicine" + ("." if _beside_an_emergency(context) else ": it needs checking today."),
        )


def worsening_after_four_months(answers: Answers) -> bool:
    """More than four months on dupilumab and the skin overall no better (spec, level).

    A rash that began more than four months after the first injection says so too, whatever
    `treatment_duration` says or if it was left out (the two cannot disagree:
    [[contradictions]]).
    """
    long_enough = (
        answers.get("treatment_duration") in MONTHS_ON_TREATMENT
        or answers.get("onset") == "after_4_months"
    )
    return long_enough and answers.get("overall_course") in NOT_BETTER


def persistent_worsening(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    answers = context.answers
    course = answers.get("overall_course")
    if worsening_after_four_months(answers):
        overall = "no better" if course == "same" else "worse"
        yield _reason(
            rule,
            "overall_course",
            course,
            f"After more than four months on dupilumab the skin is overall {overall} than before: "
            "worth a dermatologist's review.",
        )


def saved_under_1_0(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    itch = _itch(context)
    if context.answers.saved_under == "1.0" and itch is not None and itch >= SEVERE_ITCH:
        yield _reason(
            rule,
            "itch",
            itch,
            "These answers were saved under questionnaire 1.0 (or name no version and hold only "
            "what 1.0 asked, as 1.0 saved them), which counted itch of 7 or more as severe; a "
            "saved result never scores lower than it did.",
        )


def saved_before_2_2(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    """Answers saved under 1.0 to 2.1: the uncontrolled drug-reaction rule, with the drug-link
    score counted as those versions counted items 1 and 5 (migrations.py)."""
    from dupi_triage.migrations import BEFORE_2_2

    answers = context.answers
    treatment = answers.get("usual_treatment_helps")
    if answers.saved_under not in BEFORE_2_2 or treatment not in UNCONTROLLED:
        return
    if context.drug_link.score >= 1:
        return  # the current rule decides, on the current score
    questionnaire = context.questionnaire
    fit = _fitting(context, lambda p: questionnaire.pattern(p).drug_reaction)
    if fit is None:
        return
    from dupi_triage.scoring.drug_link import score_before_2_2

    score = score_before_2_2(questionnaire, answers, context.pattern, context.drug_link)
    if score >= 1:
        label = questionnaire.pattern(fit[0]).label
        yield _reason(
            rule,
            "usual_treatment_helps",
            treatment,
            f"These answers were saved under questionnaire {answers.saved_under}, which scored "
            f"them {score} on the adapted drug-link scale: they {fit[1]} {label}, and "
            f"{_not_controlled(context, treatment)}. A saved result never scores lower.",
        )


RULES: dict[str, Rule] = {
    "warning_sign_described": warning_sign_described,
    "purple_spots": purple_spots,
    "widespread_blisters": widespread_blisters,
    "painful_skin_widespread": painful_skin_widespread,
    "not_screened": not_screened,
    "very_severe_itch": very_severe_itch,
    "severe_itch_uncontrolled": severe_itch_uncontrolled,
    "severe_impact": severe_impact,
    "uncontrolled_drug_reaction": uncontrolled_drug_reaction,
    "new_rash_not_helped": new_rash_not_helped,
    "possible_infection": possible_infection,
    "blisters": blisters,
    "persistent_worsening": persistent_worsening,
    "saved_under_1_0": saved_under_1_0,
    "saved_before_2_2": saved_before_2_2,
}


def one_set_of_answers(context: Context, rule: LevelRule) -> Iterator[LevelReason]:
    """A rule the data states whole: its signs hold, and its reason says why (questionnaire.toml,
    `level_rules` with `signs`)."""
    assert rule.signs, f"level rule {rule.id!r} has neither signs nor a function in RULES"
    if clause_holds(rule.signs, context.answers):
        first = rule.signs[0]
        yield _reason(rule, first.question, first.chosen(context.answers.pairs)[0], rule.reason)


def triage_level(
    questionnaire: Questionnaire,
    answers: Answers,
    pattern: PatternResult,
    drug_link: DrugLink,
    signs: tuple[WarningSignFound, ...],
) -> tuple[TriageLevel, tuple[LevelReason, ...]]:
    context = Context(questionnaire, answers, pattern, drug_link, signs)
    reasons = [*red_flag_reasons(context)]
    for rule in questionnaire.level_rules:
        reasons.extend(RULES.get(rule.id, one_set_of_answers)(context, rule))
    level = TriageLevel.ROUTINE
    for reason in reasons:
        level = level.at_least(reason.level)
    return level, tuple(reasons)
