"""How soon to contact the prescriber: the spec's triage policy, one small rule per reason.

Red flags decide first (emergency, then urgent). Otherwise each rule below may raise the level to
at least `soon`; nothing lowers a level. The rules and their thresholds are the product
specification's ("Scoring contract", `level`), which turns the article's advice to report new
rashes promptly into timings.

The rules read a few facts drawn from the answers, not the answers themselves, so the decision
for a given set of facts is made once and reused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import NamedTuple

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import RED_FLAGS, Questionnaire
from dupi_triage.scoring.model import DrugLink, LevelReason, PatternResult, TriageLevel

SPEC = "dupi-triage specification, triage policy"
ARTICLE_REPORT_PROMPTLY = (
    "ARTICLE, 'The Importance of Patient Communication': report new rashes promptly "
    "instead of assuming all skin changes are 'just eczema'."
)
ARTICLE_INFECTION = (
    "ARTICLE, 'Treatment Strategies': bacterial colonisation (e.g. Staphylococcus aureus) often "
    "worsens eczematous lesions; appropriate antibiotics may be necessary."
)
INFECTION = "possible_infection"
DRUG_REACTION_PATTERNS = frozenset(
    {"facial_redness", "psoriasiform", "seborrheic_like", "injection_site"}
)
SEVERE_ITCH = 7
UNCONTROLLED = frozenset({"no", "partly"})


class Facts(NamedTuple):
    """What the triage rules look at."""

    red_flags: tuple[str, ...]
    screened: bool
    eyes: bool
    itch: int | None
    severe_impact: bool
    widespread: bool
    pattern: str
    also_consistent_with: tuple[str, ...]
    drug_link_score: int
    drug_link_category: str
    usual_treatment: str | None
    infection_signs: tuple[tuple[str, str], ...]


Rule = Callable[[Questionnaire, Facts], Iterator[LevelReason]]


def red_flags_present(answers: Answers) -> tuple[str, ...]:
    return tuple(option_id for option_id in answers.choices(RED_FLAGS) if option_id != "none")


def facts(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> Facts:
    itch = answers.get("itch")
    infection = questionnaire.pattern(INFECTION)
    treatment = answers.get("usual_treatment_helps")
    return Facts(
        red_flags=red_flags_present(answers),
        screened=RED_FLAGS in answers,
        eyes=answers.has("look", "red_itchy_eyes"),
        itch=itch if isinstance(itch, int) else None,
        severe_impact=answers.has("impact", "severe"),
        widespread=answers.has("location", "widespread"),
        pattern=pattern.id,
        also_consistent_with=pattern.also_consistent_with,
        drug_link_score=drug_link.score,
        drug_link_category=drug_link.category,
        usual_treatment=treatment if isinstance(treatment, str) else None,
        infection_signs=tuple(
            (sign.question, sign.option) for sign in infection.key if answers.has(*sign)
        ),
    )


def red_flag_reasons(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    question = questionnaire.question(RED_FLAGS)
    for option_id in facts.red_flags:
        option = question.option(option_id)
        assert option.red_flag is not None
        yield LevelReason(
            TriageLevel(option.red_flag),
            RED_FLAGS,
            option_id,
            f"Warning sign: {option.label}. {option.help}",
            question.red_flag_source or SPEC,
        )


def not_screened(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    if not facts.screened:
        yield LevelReason(
            TriageLevel.SOON,
            RED_FLAGS,
            None,
            "Warning signs were not checked, so an urgent problem cannot be ruled out.",
            f"{SPEC} (safety rule 1)",
        )


def eye_symptoms(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    """Red, itchy eyes (the conjunctivitis pattern); eye pain is a red flag and already urgent."""
    if not facts.eyes:
        return
    yield LevelReason(
        TriageLevel.SOON,
        "look",
        "red_itchy_eyes",
        "Eye symptoms on dupilumab should be checked by a clinician.",
        f"{SPEC}: eye symptoms. LABEL: conjunctivitis and keratitis.",
    )


def severe_symptoms(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    if facts.itch is not None and facts.itch >= SEVERE_ITCH:
        yield LevelReason(
            TriageLevel.SOON,
            "itch",
            facts.itch,
            f"Itch of {SEVERE_ITCH} or more out of 10 counts as severe.",
            SPEC,
        )
    if facts.severe_impact:
        yield LevelReason(
            TriageLevel.SOON,
            "impact",
            "severe",
            "The rash badly affects sleep or daily life.",
            SPEC,
        )
    if facts.widespread:
        yield LevelReason(
            TriageLevel.SOON, "location", "widespread", "The rash covers much of the body.", SPEC
        )


def uncontrolled_drug_reaction(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    """A drug-reaction picture, even beside another one: a mixed rash is no reason to wait."""
    drug_reactions = [
        p for p in (facts.pattern, *facts.also_consistent_with) if p in DRUG_REACTION_PATTERNS
    ]
    if drug_reactions and facts.drug_link_score >= 1 and facts.usual_treatment in UNCONTROLLED:
        label = questionnaire.pattern(drug_reactions[0]).label
        fit = "fit" if drug_reactions[0] == facts.pattern else "also fit"
        yield LevelReason(
            TriageLevel.SOON,
            "usual_treatment_helps",
            facts.usual_treatment,
            f"The answers {fit} {label} with a {facts.drug_link_category} link to dupilumab, "
            "and the usual treatments do not control it.",
            f"{SPEC}. {ARTICLE_REPORT_PROMPTLY}",
        )


def possible_infection(questionnaire: Questionnaire, facts: Facts) -> Iterator[LevelReason]:
    """Beyond the spec's list (it allows rules that raise): infection needs its own treatment."""
    if facts.infection_signs and INFECTION in (facts.pattern, *facts.also_consistent_with):
        fit = "fit" if facts.pattern == INFECTION else "also fit"
        question, answer = facts.infection_signs[0]
        yield LevelReason(
            TriageLevel.SOON,
            question,
            answer,
            f"The answers {fit} a possible skin infection, which may need its own treatment "
            "(such as antibiotics) rather than more eczema treatment.",
            f"{SPEC}: more rules may raise a level. {ARTICLE_INFECTION}",
        )


RULES: tuple[Rule, ...] = (
    red_flag_reasons,
    not_screened,
    eye_symptoms,
    severe_symptoms,
    uncontrolled_drug_reaction,
    possible_infection,
)


def triage_level(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult, drug_link: DrugLink
) -> tuple[TriageLevel, tuple[LevelReason, ...]]:
    return decide(questionnaire, facts(questionnaire, answers, pattern, drug_link))


@functools.lru_cache(maxsize=4096)
def decide(
    questionnaire: Questionnaire, facts: Facts
) -> tuple[TriageLevel, tuple[LevelReason, ...]]:
    reasons = tuple(reason for rule in RULES for reason in rule(questionnaire, facts))
    level = TriageLevel.ROUTINE
    for reason in reasons:
        level = level.at_least(reason.level)
    return level, reasons
