"""What to do, and what to tell the prescriber.

Safety rule 3: every outcome says to contact the prescriber (only the timing differs) and never to
stop or change dupilumab alone; the article warns that stopping abruptly can cause a rebound flare.
After an urgent or emergency warning sign, the next injection is to be discussed first.
Everything here is drawn from the article's 'Treatment Strategies' and 'Patient Communication'
sections and says what the answers are consistent with, never a diagnosis.
"""

from __future__ import annotations

import functools

from dupi_triage.answers import Answers, AnswerValue, describe_answer
from dupi_triage.questionnaire import Question, Questionnaire
from dupi_triage.scoring.model import PatternResult, TriageLevel

DO_NOT_STOP = (
    "Do not stop, skip or change your dupilumab (Dupixent) doses on your own: stopping suddenly "
    "can cause a rebound flare of eczema. Any change should be agreed with your prescriber."
)
NOT_SCREENED = (
    "Warning signs were not checked. If you have trouble breathing, swelling of the face, lips or "
    "throat, or feel faint, call your local emergency number now."
)
NOTES_AND_PHOTOS = (
    "Keep short notes and take photos of the rash in good light, so your prescriber can see how it "
    "changes over time."
)
BEFORE_NEXT_DOSE = (
    "Do not stop or change your dupilumab (Dupixent) treatment on your own (stopping suddenly can "
    "cause a rebound flare of eczema), and talk to your prescriber before your next injection: "
    "together you will decide whether and how to go on."
)
MISSING = "Some questions were not answered; the result may change when they are."

_PATTERN_ADVICE = {
    "possible_infection": (
        "Signs of infection can look like eczema but need their own treatment, so they should be "
        "checked rather than treated as an ordinary flare."
    ),
    "conjunctivitis": (
        "Eye symptoms are a known effect of dupilumab; your prescriber may want your eyes checked."
    ),
    "eczema_flare": (
        "Gentle moisturisers and avoiding known irritants support the skin barrier during a flare."
    ),
    "unclear": (
        "New rashes are worth reporting instead of assuming they are 'just eczema'; your "
        "prescriber may need to see the rash to tell what it is."
    ),
}
_DRUG_REACTION_ADVICE = (
    "Tell your prescriber this rash looks different from your usual eczema. Reactions like this "
    "are reported with dupilumab and can often be managed, for example with skin treatments or a "
    "change in dosing that your prescriber decides, without giving up a treatment that works."
)


def build_advice(
    questionnaire: Questionnaire,
    level: TriageLevel,
    pattern: PatternResult,
    red_flags_screened: bool,
    missing: tuple[str, ...],
) -> tuple[str, ...]:
    return _advice(questionnaire, level, pattern.id, red_flags_screened, bool(missing))


@functools.lru_cache(maxsize=256)
def _advice(
    questionnaire: Questionnaire,
    level: TriageLevel,
    pattern_id: str,
    screened: bool,
    incomplete: bool,
) -> tuple[str, ...]:
    advice = [_contact_line(questionnaire, level)]
    if not screened:
        advice.append(NOT_SCREENED)
    # After a warning sign, "do not skip a dose" could read as "inject again as planned".
    advice.append(BEFORE_NEXT_DOSE if level.rank >= TriageLevel.URGENT.rank else DO_NOT_STOP)
    advice.append(_PATTERN_ADVICE.get(pattern_id, _DRUG_REACTION_ADVICE))
    advice.append(NOTES_AND_PHOTOS)
    if incomplete:
        advice.append(MISSING)
    return tuple(advice)


def _contact_line(questionnaire: Questionnaire, level: TriageLevel) -> str:
    action = questionnaire.level(level.value).action
    if level is TriageLevel.EMERGENCY:
        return f"{action} When you are safe, tell your prescriber what happened."
    if level is TriageLevel.URGENT:
        return action
    return f"{action} Do not wait longer if it gets worse: contact them sooner."


def build_tell_your_prescriber(
    questionnaire: Questionnaire, answers: Answers, pattern: PatternResult
) -> tuple[str, ...]:
    """A short list to read out or paste: the answers in plain words, then the overall picture."""
    lines = [
        _answer_line(question, value)
        for question in questionnaire
        if (value := answers.get(question.id)) is not None
    ]
    label = questionnaire.pattern(pattern.id).label
    lines.append(f"The answers are consistent with {label}.")
    return tuple(lines)


@functools.lru_cache(maxsize=4096)
def _answer_line(question: Question, value: AnswerValue) -> str:
    return f"{question.short}: {describe_answer(question, value)}"
