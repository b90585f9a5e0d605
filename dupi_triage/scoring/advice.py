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
from dupi_triage.scoring.causes import bacterial_signs, fits_infection_picture
from dupi_triage.scoring.model import (
    AdviceLine,
    DrugLink,
    PatternResult,
    TriageLevel,
    WarningSignFound,
)
from dupi_triage.scoring.triage import worsening_after_four_months

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
ECZEMA = "atopic_dermatitis"
CONJUNCTIVITIS = "conjunctivitis"
ORDINARY_FLARE = "eczema_flare"

ARTICLE_COMMUNICATION = "ARTICLE, 'The Importance of Patient Communication'."


def settled_flare(pattern: PatternResult, level: TriageLevel, answers: Answers) -> bool:
    """An ordinary flare that the usual treatment settles, with nothing raising the level."""
    return (
        pattern.id == ORDINARY_FLARE
        and level is TriageLevel.ROUTINE
        and answers.get("usual_treatment_helps") == "yes"
    )


def action(questionnaire: Questionnaire, level: TriageLevel, settled: bool) -> str:
    """What to do, in one sentence: the level's action, or a settled flare's own."""
    if settled:
        return questionnaire.advice.settled_action
    return questionnaire.level(level.value).action


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
    settled = settled_flare(pattern, level, answers)
    lines = []
    if settled:
        # NICE CG57: self-care the person already knows works comes first.
        lines.append(AdviceLine(text.settled_flare, text.settled_flare_source))
    lines.append(_contact_line(questionnaire, level, settled))
    if any(sign.first_aid for sign in signs):
        lines.append(AdviceLine(text.first_aid, NHS_FIRST_AID))
    if not screened:
        lines.append(AdviceLine(text.not_screened, "SPEC safety rule 1."))
    if any(sign.hold_next_dose for sign in signs):
        lines.append(AdviceLine(text.hold_next_dose, LABEL_HOLD))
    elif signs or level.rank >= TriageLevel.URGENT.rank:
        # Seen today: the clinician hears about dupilumab and decides about the next dose.
        lines.append(AdviceLine(text.tell_clinician, f"{SPEC_RULE_3} {MHRA_CONTINUE}"))
    else:
        lines.append(AdviceLine(text.do_not_stop, ARTICLE_STOPPING))
    if answers.has("alternative_causes", "new_medicine"):
        lines.append(AdviceLine(text.new_medicine, text.new_medicine_source))
    indication = answers.get("indication")
    if isinstance(indication, str) and indication != ECZEMA:
        lines.append(AdviceLine(text.steroids, text.steroids_source))
    if level is TriageLevel.EMERGENCY:
        return tuple(lines)
    pattern_advice = questionnaire.pattern(pattern.id).advice or (
        # New lumps: no "can often be managed" beside what may need a skin sample (SPEC, level).
        text.lumps if answers.has("look", "lumps_or_nodules") else text.drug_reaction
    )
    lines.append(AdviceLine(pattern_advice, ARTICLE_COMMUNICATION))
    if CONJUNCTIVITIS in pattern.also_consistent_with:
        # Eyes beside another picture still need their check (spec, eyes; MHRA).
        eyes = questionnaire.pattern(CONJUNCTIVITIS)
        if eyes.advice:
            lines.append(AdviceLine(eyes.advice, eyes.source))
    applies = _applies(questionnaire, level, pattern, drug_link, signs, answers)
    for consider in text.consider:
        if applies[consider.id]:
            line = f"The prescriber may consider: {consider.text[:1].lower()}{consider.text[1:]}"
            lines.append(AdviceLine(line, consider.source))
    itch = answers.get("itch")
    if answers.get("pregnancy") == "pregnant" and itch != 0:
        lines.append(AdviceLine(text.midwife, text.midwife_source))
    notes = text.notes_eyes if eyes_only(pattern, answers) else text.notes_and_photos
    lines.append(AdviceLine(notes, ARTICLE_COMMUNICATION))
    if missing:
        lines.append(AdviceLine(text.missing))
    lines.append(AdviceLine(text.safety_net, text.safety_net_source))
    return tuple(lines)


def _patterns(pattern: PatternResult) -> tuple[str, ...]:
    return (pattern.id, *pattern.also_consistent_with)


def _applies(
    questionnaire: Questionnaire,
    level: TriageLevel,
    pattern: PatternResult,
    drug_link: DrugLink,
    signs: tuple[WarningSignFound, ...],
    answers: Answers,
) -> dict[str, bool]:
    """Which of the article's management points fit this result (spec, `advice`), by id."""
    patterns = _patterns(pattern)
    # A possible infection first: no creams, schedule change or pause beside it (the answers may
    # also fit a drug reaction). Creams, tacrolimus above all, do not go on herpes-infected skin.
    infection_first = fits_infection_picture(answers, pattern)
    # Eyes: no skin creams for a picture led by the eyes (spec, eyes; MHRA); nothing for skin
    # at all when the eyes are all there is (no moisturisers, no dermatologist for "the rash").
    eyes_first = pattern.id == CONJUNCTIVITIS
    only_eyes = eyes_only(pattern, answers)
    drug_reaction = not infection_first and any(
        questionnaire.pattern(p).drug_reaction for p in patterns
    )
    not_helped = answers.get("usual_treatment_helps") == "no"
    # Spec, `about`: nothing suggests stopping dupilumab for pregnancy, so in pregnancy or while
    # breastfeeding a pause is left to the prescriber to raise, not listed here.
    pregnant = answers.get("pregnancy") in ("pregnant", "breastfeeding")
    # Spec, `new_medicine_detail`: beside a severe reaction, the other medicine comes first. We
    # read it at every level: a pause of dupilumab "with a plan to restart" beside a newly
    # started medicine invites stopping the wrong one. Beside a hypersensitivity sign the next
    # dose is already held, with no plan to restart and no schedule to review.
    other_medicine_first = answers.has("alternative_causes", "new_medicine")
    held = any(sign.hold_next_dose for sign in signs)
    worsening = worsening_after_four_months(answers)
    return {
        # A settled flare already leads with the person's own moisturisers (NICE CG57).
        "skin_care": not settled_flare(pattern, level, answers) and not only_eyes,
        "topical_treatments": drug_reaction and not eyes_first,
        "antiviral": answers.has("red_flags", "painful_blisters"),
        "antibiotics": bacterial_signs(answers, pattern),
        "schedule_review": not held
        and (drug_reaction or (not infection_first and answers.get("injection_pattern") == "yes")),
        "supervised_pause": drug_reaction
        and not_helped
        and not (pregnant or eyes_first or other_medicine_first or held),
        "dermatologist": not only_eyes
        and (drug_reaction or not_helped or drug_link.category in STRONG_LINK or worsening),
    }


def eyes_only(pattern: PatternResult, answers: Answers) -> bool:
    """The eyes are all the answers describe: an eye picture, and no look but the eyes'."""
    return pattern.id == CONJUNCTIVITIS and answers.choices("look") == ("red_itchy_eyes",)


def _contact_line(questionnaire: Questionnaire, level: TriageLevel, settled: bool) -> AdviceLine:
    said = action(questionnaire, level, settled)
    text = questionnaire.advice
    if level is TriageLevel.EMERGENCY:
        return AdviceLine(f"{said} {text.emergency_after}", "SPEC safety rule 2.")
    if level is TriageLevel.URGENT:
        return AdviceLine(said, "SPEC safety rule 2.")
    if settled:
        return AdviceLine(f"{said} {text.worse_sooner}", "SPEC, settled flares. NICE CG57.")
    return AdviceLine(f"{said} {text.worse_sooner}", "SPEC, triage levels.")


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
