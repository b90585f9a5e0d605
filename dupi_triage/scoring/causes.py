"""Causes other than dupilumab that the answers themselves fit: an infection, another medicine,
an allergen. One definition, read by the drug-link scale (items 1 and 5, and the cap on its band)
and by the advice (no antibiotics beside a viral picture).

Spec, `drug_link` items 1 and 5: an infection is the `possible_infection` pattern (leading or
also consistent), an infection warning sign, `recent_infection` or `childhood_infection`; another
medicine or allergen is `new_medicine` or `known_allergen`.
"""

from __future__ import annotations

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import RED_FLAGS
from dupi_triage.records import NamedTuple
from dupi_triage.scoring.model import PatternResult

INFECTION_PATTERN = "possible_infection"
ALTERNATIVE_CAUSES = "alternative_causes"
#: Warning signs of a skin infection (eczema herpeticum, cellulitis).
INFECTION_SIGNS = ("painful_blisters", "spreading_infection")
#: Answers to `alternative_causes` that name an infection.
INFECTION_CAUSES = ("recent_infection", "childhood_infection")
#: Answers to `alternative_causes` that name another medicine or an allergen, with their words.
OTHER_CAUSES = {"new_medicine": "a new medicine", "known_allergen": "a known allergen"}
#: Signs of a bacterial infection (antibiotics are for these, never for a viral picture).
BACTERIAL = (("look", "weeping_crusts"), (RED_FLAGS, "spreading_infection"))
PUSTULES = ("look", "bumps_or_pustules")
#: A childhood infection: in the data, a viral one ("such as hand, foot and mouth disease").
VIRAL_CAUSE = "childhood_infection"


class OtherCause(NamedTuple):
    """A cause the answers fit: `kind` infection, medicine or allergen; `words` to show."""

    kind: str
    words: str


def fits_infection_picture(answers: Answers, pattern: PatternResult) -> bool:
    """The infection pattern or an infection warning sign: the rash itself looks infected."""
    return INFECTION_PATTERN in (pattern.id, *pattern.also_consistent_with) or any(
        answers.has(RED_FLAGS, sign) for sign in INFECTION_SIGNS
    )


def fits_infection(answers: Answers, pattern: PatternResult) -> bool:
    """The answers fit an infection: the picture, or an infection named as another cause."""
    return fits_infection_picture(answers, pattern) or any(
        answers.has(ALTERNATIVE_CAUSES, cause) for cause in INFECTION_CAUSES
    )


def other_cause(answers: Answers, pattern: PatternResult) -> OtherCause | None:
    """The first cause other than dupilumab that the answers fit, if any."""
    if fits_infection(answers, pattern):
        return OtherCause("infection", "an infection")
    for cause, words in OTHER_CAUSES.items():
        if answers.has(ALTERNATIVE_CAUSES, cause):
            return OtherCause(cause, words)
    return None


def bacterial_signs(answers: Answers, pattern: PatternResult) -> bool:
    """Crusts, spreading hot skin, or pus spots where the infection pattern fits.

    Pus spots are not taken for bacteria beside a childhood infection (a viral picture such as
    hand, foot and mouth disease) nor spread over much of the body (the drug reaction of
    widespread pustules, whose pustules are not infected).
    """
    if any(answers.has(question, option) for question, option in BACTERIAL):
        return True
    if answers.has(ALTERNATIVE_CAUSES, VIRAL_CAUSE) or _widespread_pustules(answers):
        return False
    return answers.has(*PUSTULES) and INFECTION_PATTERN in (
        pattern.id,
        *pattern.also_consistent_with,
    )


def _widespread_pustules(answers: Answers) -> bool:
    return answers.has(RED_FLAGS, "widespread_pustules") or (
        answers.has(*PUSTULES) and answers.has("location", "widespread")
    )
