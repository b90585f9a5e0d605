"""Everything that decides an option's level is in its label (spec, `red_flags`), not only in its
help: a help text shows only under the cursor and is never printed, so a person who reads labels
must find a floppy child, a rash that does not fade under a glass, or fainting hours after a dose.

The table below is written from the spec's red-flag list and level rules, independently of the
data: for each option that sets or raises a level, the words that decide it, and that level.
"""

from __future__ import annotations

import pytest

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.safety import WARNING_SIGNS
from tests.conftest import ORDINARY_FLARE, Assess

#: (question, option): (the level it sets or raises to, words its label must carry).
DECIDING_WORDS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("red_flags", "breathing_or_swelling"): (
        "emergency",
        ("breathing", "swallowing", "hoarse voice", "chest", "lips, mouth, tongue or throat"),
    ),
    ("red_flags", "faint_or_widespread_hives"): (
        "emergency",
        ("faint", "collapsing", "at any time", "hives spreading", "2 hours of an injection"),
    ),
    ("red_flags", "very_unwell"): (
        "emergency",
        (
            "confused",
            "hard to wake",
            "very fast breathing",
            "mottled",
            "blue",
            "very pale",
            "floppy",
            "not feeding",
        ),
    ),
    ("red_flags", "non_blanching_rash"): (
        "emergency",
        ("purple", "dark red", "bruise", "do not fade", "glass"),
    ),
    ("red_flags", "sores_or_peeling"): (
        "emergency",
        ("sores", "mouth, eyes or genitals", "blisters or peels"),
    ),
    ("red_flags", "eye_pain_or_vision"): (
        "urgent",
        (
            "eye pain",
            "vision",
            "bright light",
            "rubbing the eyes",
            "keeping them shut",
            "avoiding light",
        ),
    ),
    ("red_flags", "painful_blisters"): ("urgent", ("painful", "blisters", "punched-out")),
    ("red_flags", "fever_or_unwell"): ("urgent", ("fever", "chills", "very unwell")),
    ("red_flags", "hives_joints_after_dose"): (
        "urgent",
        ("hives", "joint", "swollen glands", "days to 3 weeks after an injection"),
    ),
    ("red_flags", "face_swelling"): (
        "urgent",
        ("swelling of the face or eyelids", "breathing and swallowing normal"),
    ),
    ("red_flags", "target_spots"): ("urgent", ("target", "darker centre", "no sores or peeling")),
    ("red_flags", "widespread_pustules"): ("urgent", ("pus-filled spots", "large areas")),
    ("red_flags", "spreading_infection"): (
        "urgent",
        ("hot", "swollen", "painful", "spreading redness", "around an eye"),
    ),
    ("red_flags", "breath_chest_numbness"): (
        "urgent",
        (
            "breathlessness",
            "over days",
            "numbness",
            "pins and needles",
            "purple or bruise-like spots",
            "fever that will not settle",
        ),
    ),
    ("red_flags", "red_all_over"): (
        "urgent",
        ("almost the whole body", "shivering", "spreading fast"),
    ),
    ("look", "purple_spots"): ("urgent", ("purple", "dark red", "bruise")),
    ("look", "blisters"): ("soon", ("blisters",)),
    ("look", "hives"): ("soon", ("hives",)),
    ("look", "weeping_crusts"): ("soon", ("oozing", "crusts")),
    ("look", "lumps_or_nodules"): ("soon", ("lumps",)),
    ("look", "red_itchy_eyes"): ("soon", ("eyes",)),
    ("other_symptoms", "skin_pain"): ("soon", ("hurts to touch", "burns")),
    ("other_symptoms", "joint_or_tendon_pain"): ("soon", ("joints", "tendons")),
    ("location", "widespread"): ("soon", ("much of the body",)),
    ("spots_fade", "do_not_fade"): ("emergency", ("still be seen", "glass")),
    # Purple spots are urgent whatever; a glass test not done leaves them so, and says when.
    ("spots_fade", "not_checked"): ("urgent", ("checking today",)),
}

LEVELS = ("routine", "soon", "urgent", "emergency")


@pytest.mark.parametrize(("question_id", "option_id"), sorted(DECIDING_WORDS))
def test_the_label_carries_what_decides_the_level(
    questionnaire: Questionnaire, question_id: str, option_id: str
) -> None:
    label = questionnaire.question(question_id).option(option_id).label.lower()
    _, words = DECIDING_WORDS[(question_id, option_id)]
    missing = [word for word in words if word.lower() not in label]
    assert not missing, f"{question_id}.{option_id}: the label does not say {missing}"


def test_every_warning_sign_is_in_the_table_with_its_pinned_level(
    questionnaire: Questionnaire,
) -> None:
    signs = {o.id for o in questionnaire.red_flag_options}
    assert signs == set(WARNING_SIGNS)
    for sign in signs:
        level, _ = DECIDING_WORDS[("red_flags", sign)]
        assert WARNING_SIGNS[sign].level == level, sign


@pytest.mark.parametrize(("question_id", "option_id"), sorted(DECIDING_WORDS))
def test_each_option_reaches_the_level_the_table_gives(
    assessed: Assess, question_id: str, option_id: str
) -> None:
    """The level table is the behaviour too: each option, alone on an ordinary flare."""
    level, _ = DECIDING_WORDS[(question_id, option_id)]
    raw: dict[str, object] = {**ORDINARY_FLARE}
    if question_id == "spots_fade":
        raw["look"] = ["purple_spots"]
    question_value: object = option_id
    if question_id in ("red_flags", "look", "other_symptoms", "location"):
        question_value = [option_id]
    raw[question_id] = question_value
    result = assessed(raw)
    assert LEVELS.index(result.level) >= LEVELS.index(level), (question_id, option_id)
