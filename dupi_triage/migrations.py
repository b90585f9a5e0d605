"""Answers saved under an older questionnaire version: load them, and never score them lower.

Each version's table says where its option ids went. Where a 1.0 warning sign covered more than one
sign of today's list, it maps to the most serious of them (spec: 1.0 ids keep loading and never
score lower than they did in 1.0). A level rule of the older version that the current one relaxed
is kept for answers saved under it (triage rule `saved_under_1_0`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dupi_triage.errors import InputError
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.safety import WARNING_SIGNS

VERSION_KEY = "questionnaire_version"


class Migration(NamedTuple):
    """From one older version to the current one."""

    #: (question, old option) -> new option, where an id changed or its meaning narrowed.
    options: Mapping[tuple[str, str], str]
    #: Each 1.0 warning sign and its 1.0 level: the floor its answers keep (tested).
    red_flag_levels: Mapping[str, str]


_V1_RED_FLAG_LEVELS = MappingProxyType(
    {
        "breathing_or_swelling": "emergency",
        "faint_or_widespread_hives": "emergency",
        "eye_pain_or_vision": "urgent",
        "painful_blisters": "urgent",
        "fever_or_unwell": "urgent",
        "spreading_infection": "urgent",
        "sores_or_peeling": "urgent",
    }
)

_BEFORE_2_2_RED_FLAG_LEVELS = MappingProxyType(
    {flag: sign.level for flag, sign in WARNING_SIGNS.items() if flag != "non_blanching_rash"}
)

MIGRATIONS: Mapping[str, Migration] = MappingProxyType(
    {
        "1.0": Migration(
            # 1.0's sores_or_peeling also covered target spots and many pus spots: the most
            # serious reading (possible SJS/TEN) is kept, so it is now an emergency. 1.0's
            # spreading_infection also covered oozing and crusts: still spreading_infection,
            # urgent. Every other 1.0 id means what it meant.
            options=MappingProxyType({}),
            red_flag_levels=_V1_RED_FLAG_LEVELS,
        ),
        # 2.1 added who is answering (respondent, age, indication, pregnancy): every 2.0 id
        # means what it meant, and 2.0 answers score the same (tested against saved results).
        "2.0": Migration(
            options=MappingProxyType({}),
            red_flag_levels=_BEFORE_2_2_RED_FLAG_LEVELS,
        ),
        # 2.2 added a warning sign (non_blanching_rash), looks, other symptoms and the new
        # medicine's name; every 2.1 id means what it meant (dose_paused now also counts a
        # missed dose: a 2.1 "no" stays "no"). Items 1 and 5 of the drug-link scale changed, so
        # the 2.1 way of counting them is kept for the one level rule that reads the score
        # (triage rule `saved_before_2_2`, tested against saved results). 2.2 also refuses two
        # answers that cannot both be true ([[contradictions]]): older answers holding such a
        # pair load and score as they did, with a warning in the result.
        "2.1": Migration(
            options=MappingProxyType({}),
            red_flag_levels=_BEFORE_2_2_RED_FLAG_LEVELS,
        ),
    }
)

#: Looks that earned the drug-link item 1 by themselves before 2.2 (their 2.1 points).
LOOKS_REPORTED_BEFORE_2_2 = frozenset(
    {
        "redness_no_scaling",
        "thick_scaly_plaques",
        "greasy_yellow_scale",
        "injection_site_reaction",
        "red_itchy_eyes",
    }
)
#: Versions whose answers keep the drug-link counting of 2.1 for `saved_before_2_2`.
BEFORE_2_2 = frozenset({"1.0", "2.0", "2.1"})


#: What questionnaire 1.0 asked: each question and its option ids (None: a number). 1.0 saved
#: answers without a version key (2.0 added it), so a file that names no version and holds only
#: these is read as saved by 1.0: it keeps loading and never scores lower than 1.0 scored it.
V1_QUESTIONS: Mapping[str, frozenset[str] | None] = MappingProxyType(
    {
        "red_flags": frozenset(_V1_RED_FLAG_LEVELS) | {"none"},
        "onset": frozenset(
            {"before_starting", "within_4_weeks", "1_to_4_months", "after_4_months", "unsure"}
        ),
        "injection_pattern": frozenset({"yes", "no", "unsure"}),
        "location": frozenset(
            {
                "face_neck",
                "scalp",
                "injection_site",
                "usual_eczema_areas",
                "new_areas",
                "widespread",
            }
        ),
        "look": frozenset(
            {
                "typical_eczema",
                "redness_no_scaling",
                "thick_scaly_plaques",
                "greasy_yellow_scale",
                "injection_site_reaction",
                "bumps_or_pustules",
                "red_itchy_eyes",
                "other",
            }
        ),
        "itch": None,
        "impact": frozenset({"none", "some", "severe"}),
        "dose_paused": frozenset({"yes", "no"}),
        "improved_on_pause": frozenset({"yes", "no", "unsure"}),
        "returned_on_restart": frozenset({"yes", "no", "not_restarted", "unsure"}),
        "usual_treatment_helps": frozenset({"yes", "partly", "no", "not_tried"}),
        "alternative_causes": frozenset(
            {
                "new_skin_products",
                "new_medicine",
                "recent_infection",
                "stress_or_sleep",
                "weather_or_sweat",
                "known_allergen",
                "none",
                "unsure",
            }
        ),
        "similar_before": frozenset({"yes", "no", "unsure"}),
        "confirmed_by_clinician": frozenset({"yes", "no", "unsure"}),
        "risk_factors": frozenset(
            {
                "other_skin_conditions",
                "injection_sensitivity",
                "immune_variability",
                "poor_skin_barrier",
                "none",
                "unsure",
            }
        ),
    }
)


def saved_by_1_0(raw: Mapping[str, object]) -> bool:
    """Whether answers that name no version could only have been saved by questionnaire 1.0.

    1.0 wrote no version key; every later version writes one. Answers without it that hold at
    least one answer, and only questions and options 1.0 had, are read as 1.0's: today's
    questionnaire scores them, with 1.0's floors (never lower than 1.0 scored them). Anything
    1.0 never asked (who is answering, a later option) makes them today's answers.
    """
    if VERSION_KEY in raw:
        return False
    # However they are spelled: null is unanswered, and "a,b" is a list (as flags and CSV
    # cells write one).
    answered = {key: value for key, value in raw.items() if value is not None}
    if not answered:
        return False
    for question_id, value in answered.items():
        if question_id not in V1_QUESTIONS:
            return False
        options = V1_QUESTIONS[question_id]
        if options is None:
            continue
        # Split and skipped as the parser does: "a,b" and ["a,b"] are two, "a," and "" none.
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str):
                return False
            for option in item.split(","):
                if option.strip() and option.strip().lower().replace("-", "_") not in options:
                    return False
    return True


def known_versions(questionnaire: Questionnaire) -> tuple[str, ...]:
    return (*MIGRATIONS, questionnaire.version)


def migrate(
    questionnaire: Questionnaire, raw: Mapping[str, object]
) -> tuple[dict[str, object], str | None]:
    """The answers without their version key, moved to today's ids; and the older version."""
    answers = {key: value for key, value in raw.items() if key != VERSION_KEY}
    version = raw.get(VERSION_KEY)
    if version == questionnaire.version or VERSION_KEY not in raw:
        return answers, None
    migration = MIGRATIONS.get(version) if isinstance(version, str) else None
    if migration is None or not isinstance(version, str):
        shown = repr(version) if isinstance(version, str) and len(version) < 20 else "that value"
        if version is None:
            shown = "null"
        raise InputError(
            VERSION_KEY,
            f"{shown} is not a questionnaire version this tool can read",
            ", ".join(known_versions(questionnaire)),
        )
    for (question_id, old), new in migration.options.items():
        value = answers.get(question_id)
        if value == old:
            answers[question_id] = new
        elif isinstance(value, list):
            answers[question_id] = [new if item == old else item for item in value]
    return answers, version
