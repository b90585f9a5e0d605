"""What the form shows the moment a warning sign is chosen, in the scoring's own words.

Display items with `enableWhen` on the signs, derived by scoring each sign alone and each pair of
signs, so the form says what the result will say and nothing it will not.
"""

from __future__ import annotations

import functools
from typing import Any

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import LEVEL_IDS, NONE_OPTION, RED_FLAGS, Question, Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.render.fhir import answer_is

RENDERING_STYLE = "http://hl7.org/fhir/StructureDefinition/rendering-style"
ADVICE_STYLE = "color: #a30000; font-weight: bold;"


class SignAdvice(NamedTuple):
    """Advice the form shows once any of `signs` is chosen, unless one of `unless` is too."""

    level: str  # the level it leads with; "" for what only some signs add
    text: str
    signs: tuple[str, ...]
    unless: tuple[str, ...]


def sign_advice(questionnaire: Questionnaire) -> list[SignAdvice]:
    """What to show as warning signs are chosen, in the scoring's own words, most urgent first.

    A sign's advice is what the scoring advises for that sign alone, less what it advises with no
    sign at all. What every sign of a level shares is shown once per level, led by the level's
    name; what only some signs add (an eye check, an infection) follows, line by line. A piece of
    advice is held back while a sign is chosen with which the scoring would not give it (the urgent
    "today" beside an emergency, "do not stop it on your own" beside a hypersensitivity sign), so
    the form never says what the result will not; nor does it say a line twice.
    """
    from dupi_triage.scoring import assess

    question = questionnaire.question(RED_FLAGS)
    signs = [option.id for option in question.options if option.red_flag is not None]

    @functools.cache
    def advised(*chosen: str) -> tuple[str, ...]:
        ordered = tuple(o for o in question.option_ids if o in chosen)
        return assess(questionnaire, Answers({RED_FLAGS: ordered})).advice

    baseline = set(advised(NONE_OPTION))
    level_of = {
        sign: assess(questionnaire, Answers({RED_FLAGS: (sign,)})).level.value for sign in signs
    }
    own = {sign: [line for line in advised(sign) if line not in baseline] for sign in signs}

    pieces: list[tuple[str, list[str], tuple[str, ...]]] = []
    for level in reversed(LEVEL_IDS):
        at_level = tuple(sign for sign in signs if level_of[sign] == level)
        if at_level:
            shared = [line for line in own[at_level[0]] if all(line in own[s] for s in at_level)]
            pieces.append((level, shared, at_level))
    shared_by_level = {level: lines for level, lines, _ in pieces}

    def top_lines(sign: str) -> list[str]:
        """What the sign's level advice says, if nothing can hold that advice back."""
        top = next(level for level in reversed(LEVEL_IDS) if level in shared_by_level)
        return shared_by_level[top] if level_of[sign] == top else []

    extras: dict[str, list[str]] = {}
    for sign in signs:
        for line in own[sign]:
            if line not in shared_by_level[level_of[sign]]:
                extras.setdefault(line, []).append(sign)
    pieces += [("", [line], tuple(by)) for line, by in extras.items()]

    advice = []
    for level, lines, shown_by in pieces:
        unless = tuple(
            other
            for other in signs
            if other not in shown_by
            and (
                any(line not in advised(sign, other) for sign in shown_by for line in lines)
                # Said already by the other sign's level advice: not twice.
                or (not level and lines[0] in top_lines(other))
            )
        )
        label = f"{questionnaire.level(level).label.upper()}: " if level else ""
        advice.append(SignAdvice(level, label + " ".join(lines), shown_by, unless))
    return advice


def advice_items(questionnaire: Questionnaire, question: Question) -> list[dict[str, Any]]:
    """Display items; where several signs show it and others hold it back, a group around it.

    enableWhen cannot mix "any of" with "none of" in one item, so the group says "any of these
    signs" and the display inside it "none of those" (`!=`: no answer equals it).
    """
    items = []
    for index, advice in enumerate(sign_advice(questionnaire), start=1):
        link = f"{question.id}.advice-{index}" + (f"-{advice.level}" if advice.level else "")
        shown = [answer_is(questionnaire, question.id, sign) for sign in advice.signs]
        held = [answer_is(questionnaire, question.id, sign, "!=") for sign in advice.unless]
        display: dict[str, Any] = {"linkId": link, "text": advice.text, "type": "display"}
        if advice.level:
            style = {"url": RENDERING_STYLE, "valueString": ADVICE_STYLE}
            display["_text"] = {"extension": [style]}
        if not held or len(shown) == 1:
            items.append(display | _all_or_any(shown + held, "all" if held else "any"))
            continue
        group = {"linkId": f"{link}.when", "type": "group"} | _all_or_any(shown, "any")
        group["item"] = [display | _all_or_any(held, "all")]
        items.append(group)
    return items


def _all_or_any(tests: list[dict[str, Any]], behaviour: str) -> dict[str, Any]:
    return {"enableWhen": tests} | ({"enableBehavior": behaviour} if len(tests) > 1 else {})
