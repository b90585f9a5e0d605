"""How soon to contact the prescriber: the spec's triage policy, one small rule per reason.

Red flags decide first (emergency, then urgent). Otherwise each rule below may raise the level to
at least `soon`; nothing lowers a level. The rules and their thresholds are the product
specification's ("Scoring contract", `level`), which turns the article's advice to report new
rashes promptly into timings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import DrugLink, LevelReason, PatternResult, TriageLevel

SPEC = "dupi-triage specification, triage policy"
ARTICLE_REPORT_PROMPTLY = (
    "ARTICLE, 'The Importance of Patient Communication': report new rashes promptly "
    "instead of assuming all skin changes are 'just eczema'."
)
DRUG_REACTION_PATTERNS = frozenset(
    {"facial_redness", "psoriasiform", "seborrheic_like", "injection_site"}
)
SEVERE_ITCH = 7
UNCONTROLLED = frozenset({"no", "partly"})
RED_FLAGS = "red_flags"

Rule = Callable[[Questionnaire, Answers, PatternResult, DrugLink], Iterator[LevelReason]]


def red_flags_present(answers: Answers) -> tuple[str, ...]:
    return tuple(option_id for option_id in answers.choices(RED_FLAGS) if option_id != "none")


def red_flag_reasons(questionnaire: Questionnaire, answers: Answers) -> Iterator[LevelReason]:
    question = questionnaire.question(RED_FLAGS)
    for option_id in red_flags_present(answers):
        option = question.option(option_id)
        assert option.red_flag is not None
        yield LevelReason(
            TriageLevel(option.red_flag),
            RED_FLAGS,
            option_id,
            f"Warning sign: {option.label}. {option.help}",
            question.red_flag_source or SPEC,
        )


def not_screened(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> Iterator[LevelReason]:
    if RED_FLAGS not in answers:
        yield LevelReason(
            TriageLevel.SOON,
            RED_FLAGS,
            None,
            "Warning signs were not checked, so an urgent problem cannot be ruled out.",
            f"{SPEC} (safety rule 1)",
        )


def eye_symptoms(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> Iterator[LevelReason]:
    if answers.has("look", "red_itchy_eyes"):
        question, answer = "look", "red_itchy_eyes"
    elif pattern.id == "conjunctivitis":
        question, answer = RED_FLAGS, "eye_pain_or_vision"
    else:
        return
    yield LevelReason(
        TriageLevel.SOON,
        question,
        answer,
        "Eye symptoms on dupilumab should be checked by a clinician.",
        f"{SPEC}: eye symptoms. LABEL: conjunctivitis and keratitis.",
    )


def severe_symptoms(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> Iterator[LevelReason]:
    itch = answers.get("itch")
    if isinstance(itch, int) and itch >= SEVERE_ITCH:
        yield LevelReason(
            TriageLevel.SOON,
            "itch",
            itch,
            f"Itch of {SEVERE_ITCH} or more out of 10 counts as severe.",
            SPEC,
        )
    if answers.has("impact", "severe"):
        yield LevelReason(
            TriageLevel.SOON,
            "impact",
            "severe",
            "The rash badly affects sleep or daily life.",
            SPEC,
        )
    if answers.has("location", "widespread"):
        yield LevelReason(
            TriageLevel.SOON, "location", "widespread", "The rash covers much of the body.", SPEC
        )


def uncontrolled_drug_reaction(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> Iterator[LevelReason]:
    treatment = answers.get("usual_treatment_helps")
    if (
        pattern.id in DRUG_REACTION_PATTERNS
        and drug_link.score >= 1
        and isinstance(treatment, str)
        and treatment in UNCONTROLLED
    ):
        label = questionnaire.pattern(pattern.id).label
        yield LevelReason(
            TriageLevel.SOON,
            "usual_treatment_helps",
            treatment,
            f"The answers fit {label} with a {drug_link.category} link to dupilumab, "
            "and the usual treatments do not control it.",
            f"{SPEC}. {ARTICLE_REPORT_PROMPTLY}",
        )


RULES: tuple[Rule, ...] = (not_screened, eye_symptoms, severe_symptoms, uncontrolled_drug_reaction)


def triage(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> tuple[TriageLevel, tuple[LevelReason, ...]]:
    reasons = list(red_flag_reasons(questionnaire, answers))
    for rule in RULES:
        reasons.extend(rule(questionnaire, answers, pattern, drug_link))
    level = TriageLevel.ROUTINE
    for reason in reasons:
        level = level.at_least(reason.level)
    return level, tuple(reasons)
