"""What to do, and what to tell the prescriber.

Safety rule 3: every outcome says to contact the prescriber (only the timing differs) and never to
stop or change dupilumab alone; the article warns that stopping abruptly can cause a rebound flare.
The one exception is the label's: with a hypersensitivity sign, no further dose until a clinician
has said it is safe, and then no "do not stop" line anywhere beside it. With the other warning
signs, the clinician seen today is told about dupilumab and asked about the next dose.

Management points are the article's ('Treatment Strategies', 'The Role of Dermatologists'), each
with its source, and always framed as what the prescriber may consider. Safety rule 8: every result
below an emergency ends its "what to do" with the warning signs to act on at once.
"""

from __future__ import annotations

from dupi_triage.answers import Answers, AnswerValue, describe_answer
from dupi_triage.questionnaire import Question, Questionnaire
from dupi_triage.scoring.model import (
    AdviceLine,
    DrugLink,
    PatternResult,
    TriageLevel,
    WarningSignFound,
)

SPEC_RULE_3 = "SPEC safety rule 3."
ARTICLE_STOPPING = (
    "ARTICLE, 'Treatment Strategies': stopping Dupixent abruptly can lead to rebound flares."
)
LABEL_HOLD = (
    "LABEL: a clinically significant hypersensitivity reaction means the medicine is stopped "
    "and treated."
)
MHRA_CONTINUE = "MHRA: eye reactions do not usually need dupilumab to be stopped."
NHS_FIRST_AID = "NHS: anaphylaxis first aid."
STRONG_LINK = frozenset({"probable", "definite"})
STEROID_INDICATIONS = frozenset({"asthma", "copd"})
#: Warning signs of a skin infection (eczema herpeticum, cellulitis).
INFECTION_SIGNS = ("painful_blisters", "spreading_infection")

ARTICLE_COMMUNICATION = "ARTICLE, 'The Importance of Patient Communication'."


def build_advice(
    questionnaire: Questionnaire,
    level: TriageLevel,
    pattern: PatternResult,
    drug_link: DrugLink,
    signs: tuple[WarningSignFound, ...],
    answers: Answers,
    missing: tuple[str, ...],
) -> tuple[AdviceLine, ...]:
    text = questionnaire.advice
    screened = "red_flags" in answers
    lines = [_contact_line(questionnaire, level)]
    if any(sign.first_aid for sign in signs):
        lines.append(AdviceLine(text.first_aid, NHS_FIRST_AID))
    if not screened:
        lines.append(AdviceLine(text.not_screened, "SPEC safety rule 1."))
    if any(sign.hold_next_dose for sign in signs):
        lines.append(AdviceLine(text.hold_next_dose, LABEL_HOLD))
    elif signs:
        lines.append(AdviceLine(text.tell_clinician, f"{SPEC_RULE_3} {MHRA_CONTINUE}"))
    else:
        lines.append(AdviceLine(text.do_not_stop, ARTICLE_STOPPING))
    if answers.get("indication") in STEROID_INDICATIONS:
        lines.append(AdviceLine(text.steroids, text.steroids_source))
    if level is TriageLevel.EMERGENCY:
        return tuple(lines)
    pattern_advice = questionnaire.pattern(pattern.id).advice or (
        # New lumps: no "can often be managed" beside what may need a skin sample (SPEC, level).
        text.lumps if answers.has("look", "lumps_or_nodules") else text.drug_reaction
    )
    lines.append(AdviceLine(pattern_advice, ARTICLE_COMMUNICATION))
    applies = _applies(questionnaire, pattern, drug_link, answers)
    for consider in text.consider:
        if applies[consider.id]:
            line = f"The prescriber may consider: {consider.text[:1].lower()}{consider.text[1:]}"
            lines.append(AdviceLine(line, consider.source))
    itch = answers.get("itch")
    if answers.get("pregnancy") == "pregnant" and itch != 0:
        lines.append(AdviceLine(text.midwife, text.midwife_source))
    lines.append(AdviceLine(text.notes_and_photos, ARTICLE_COMMUNICATION))
    if missing:
        lines.append(AdviceLine(text.missing))
    lines.append(AdviceLine(text.safety_net, text.safety_net_source))
    return tuple(lines)


def _patterns(pattern: PatternResult) -> tuple[str, ...]:
    return (pattern.id, *pattern.also_consistent_with)


def _applies(
    questionnaire: Questionnaire,
    pattern: PatternResult,
    drug_link: DrugLink,
    answers: Answers,
) -> dict[str, bool]:
    """Which of the article's management points fit this result (spec, `advice`), by id."""
    patterns = _patterns(pattern)
    # A possible infection first: no creams, schedule change or pause beside it (the answers may
    # also fit a drug reaction). Creams, tacrolimus above all, do not go on herpes-infected skin.
    infection_first = pattern.id == "possible_infection" or any(
        answers.has("red_flags", sign) for sign in INFECTION_SIGNS
    )
    drug_reaction = not infection_first and any(
        questionnaire.pattern(p).drug_reaction for p in patterns
    )
    not_helped = answers.get("usual_treatment_helps") == "no"
    # Spec, `about`: nothing suggests stopping dupilumab for pregnancy, so in pregnancy or while
    # breastfeeding a pause is left to the prescriber to raise, not listed here.
    pregnant = answers.get("pregnancy") in ("pregnant", "breastfeeding")
    worsening = answers.get("treatment_duration") in (
        "4_to_12_months",
        "over_12_months",
    ) and answers.get("overall_course") in ("same", "worse")
    return {
        "skin_care": True,
        "topical_treatments": drug_reaction,
        "antiviral": answers.has("red_flags", "painful_blisters"),
        "antibiotics": "possible_infection" in patterns or answers.has("look", "weeping_crusts"),
        "schedule_review": drug_reaction
        or (not infection_first and answers.get("injection_pattern") == "yes"),
        "supervised_pause": drug_reaction and not_helped and not pregnant,
        "dermatologist": drug_reaction
        or not_helped
        or drug_link.category in STRONG_LINK
        or worsening,
    }


def _contact_line(questionnaire: Questionnaire, level: TriageLevel) -> AdviceLine:
    action = questionnaire.level(level.value).action
    text = questionnaire.advice
    if level is TriageLevel.EMERGENCY:
        return AdviceLine(f"{action} {text.emergency_after}", "SPEC safety rule 2.")
    if level is TriageLevel.URGENT:
        return AdviceLine(action, "SPEC safety rule 2.")
    return AdviceLine(f"{action} {text.worse_sooner}", "SPEC, triage levels.")


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


def _answer_line(question: Question, value: AnswerValue) -> str:
    return f"{question.short}: {describe_answer(question, value)}"
