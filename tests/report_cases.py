"""Answer sets for the report tests: one per triage level, plus one with questions left out.

Shared by test_reports, test_html and test_fhir so every format is checked against the same
people's answers. Each set is written as an answers file would hold it.
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.conftest import ORDINARY_FLARE

# A rosacea-like redness that came back after restarting: the worked example, `soon`.
FACIAL_REDNESS: dict[str, object] = {
    "red_flags": ["none"],
    "onset": "1_to_4_months",
    "treatment_duration": "4_to_12_months",
    "injection_pattern": "yes",
    "location": ["face_neck"],
    "look": ["redness_no_scaling"],
    "other_symptoms": ["none"],
    "itch": 6,
    "impact": "some",
    "dose_paused": "yes",
    "improved_on_pause": "yes",
    "returned_on_restart": "yes",
    "usual_treatment_helps": "partly",
    "overall_course": "better",
    "alternative_causes": ["none"],
    "similar_before": "no",
    "confirmed_by_clinician": "no",
    "risk_factors": ["other_skin_conditions"],
}

SORE_EYES: dict[str, object] = {
    **ORDINARY_FLARE,
    "red_flags": ["eye_pain_or_vision"],
    "onset": "within_4_weeks",
    "location": ["face_neck"],
    "look": ["red_itchy_eyes"],
    "risk_factors": ["poor_skin_barrier", "immune_variability"],
}

SWOLLEN_THROAT: dict[str, object] = {
    **FACIAL_REDNESS,
    "red_flags": ["breathing_or_swelling", "fever_or_unwell"],
}

# Warning signs never answered, nor most other questions: the level must still be at least soon.
HALF_ANSWERED: dict[str, object] = {
    "onset": "within_4_weeks",
    "look": ["thick_scaly_plaques", "greasy_yellow_scale"],
    "itch": 8,
    "dose_paused": "yes",
}

CASES: Mapping[str, dict[str, object]] = {
    "facial_redness": FACIAL_REDNESS,
    "ordinary_flare": ORDINARY_FLARE,
    "sore_eyes": SORE_EYES,
    "swollen_throat": SWOLLEN_THROAT,
    "half_answered": HALF_ANSWERED,
}

EXPECTED_LEVELS = {
    "facial_redness": "soon",
    "ordinary_flare": "routine",
    "sore_eyes": "urgent",
    "swollen_throat": "emergency",
    "half_answered": "soon",
}


def as_flags(answers: Mapping[str, object]) -> list[str]:
    """The same answers as `assess --no-input` flags."""
    flags = []
    for question_id, value in answers.items():
        text = ",".join(value) if isinstance(value, list) else str(value)
        flags += ["--" + question_id.replace("_", "-"), text]
    return flags
