"""The names dupi-triage gives things in FHIR, shared by the resources it writes and reads.

Question ids are snake_case, so every linkId or code system we make up for something else
(sections, help and advice items, result codes) has a dash or a dot and cannot clash with one.
"""

from __future__ import annotations

BASE = "https://dupi-triage.invalid/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/dupi-triage"

EXT = "http://hl7.org/fhir/StructureDefinition"
ITEM_WEIGHT = f"{EXT}/itemWeight"
ORDINAL_VALUE = f"{EXT}/ordinalValue"
OPTION_EXCLUSIVE = f"{EXT}/questionnaire-optionExclusive"
MIN_VALUE = f"{EXT}/minValue"
MAX_VALUE = f"{EXT}/maxValue"
ITEM_CONTROL = f"{EXT}/questionnaire-itemControl"
HIDDEN = f"{EXT}/questionnaire-hidden"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

RESULT = "result"


def code_system(question_id: str) -> str:
    """The code system of one question's options: code = option id."""
    return f"{BASE}/CodeSystem/{question_id}"


def section_link(section_id: str) -> str:
    return f"section-{section_id}"


def canonical(version: str) -> str:
    """The Questionnaire's canonical URL with its version, as a response names it."""
    return f"{QUESTIONNAIRE_URL}|{version}"
