"""The safety invariants, stated once, in code rather than in the installed data.

The questionnaire's warning signs live in questionnaire.toml, where they can be read and reviewed.
Their levels and the hold-the-next-dose rule are also pinned here: the loader refuses a
questionnaire whose warning signs disagree with this table (a tampered or mistaken data file can
never make an emergency sign less than an emergency), and the tests read the same table.

Spec, safety rules 2 and 3, and the red-flag list of the `red_flags` section.
"""

from __future__ import annotations

from types import MappingProxyType

from dupi_triage.records import NamedTuple


class WarningSign(NamedTuple):
    level: str
    hold_next_dose: bool


_E, _U = "emergency", "urgent"

#: Every warning sign: its level, and whether it is a hypersensitivity sign (the label: a
#: clinically significant hypersensitivity reaction means the medicine is stopped and treated, so
#: no further dose until a clinician says it is safe).
WARNING_SIGNS = MappingProxyType(
    {
        "breathing_or_swelling": WarningSign(_E, True),
        "faint_or_widespread_hives": WarningSign(_E, True),
        "very_unwell": WarningSign(_E, True),
        "non_blanching_rash": WarningSign(_E, True),
        "sores_or_peeling": WarningSign(_E, True),
        "eye_pain_or_vision": WarningSign(_U, False),
        "painful_blisters": WarningSign(_U, False),
        "fever_or_unwell": WarningSign(_U, True),
        "hives_joints_after_dose": WarningSign(_U, True),
        "face_swelling": WarningSign(_U, True),
        "target_spots": WarningSign(_U, True),
        "widespread_pustules": WarningSign(_U, True),
        "spreading_infection": WarningSign(_U, False),
        "breath_chest_numbness": WarningSign(_U, False),
        "red_all_over": WarningSign(_U, False),
    }
)

#: The allergic emergencies whose advice includes the NHS anaphylaxis first aid.
FIRST_AID = frozenset({"breathing_or_swelling", "faint_or_widespread_hives"})

#: Lowest level every result reaches when the warning signs were not screened (safety rule 1).
NOT_SCREENED_FLOOR = "soon"

#: Words that never appear in a human-readable emergency result (nothing reassuring beside it).
NOT_BESIDE_AN_EMERGENCY = ("doubtful", "uncommon", "may change when")

#: Words that never appear beside the hold-the-next-dose advice (it would contradict it).
NOT_BESIDE_A_HOLD = ("do not stop",)
